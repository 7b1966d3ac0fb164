import Testing
@testable import FlowFormats

/// The strict one-line JSON object scanner.
@Suite struct JSONLineScannerTests {
    struct Member: Equatable {
        var path: String
        var kind: JSONValueKind
        var value: String
        var escaped: Bool
    }

    func scan(_ text: String) -> ([Member], JSONLineScanner.Failure?) {
        var members: [Member] = []
        var s = text
        let failure = s.withUTF8 { line in
            JSONLineScanner.scan(line) { m in
                let parent = String(decoding: m.parent, as: UTF8.self)
                let key = String(decoding: m.key, as: UTF8.self)
                members.append(Member(path: parent.isEmpty ? key : parent + "/" + key, kind: m.kind,
                                      value: String(decoding: m.value, as: UTF8.self), escaped: m.valueEscaped))
            }
        }
        return (members, failure)
    }

    @Test func reportsTopLevelAndNestedMembers() {
        let (members, failure) = scan(#" { "a" : "x\"y" , "n":-1.5e+3, "o":{"k":true,"d":{"deep":1},"l":[1,{"z":null}]}, "e":{}, "t":null } "#)
        #expect(failure == nil)
        #expect(members == [
            Member(path: "a", kind: .string, value: #"x\"y"#, escaped: true),
            Member(path: "n", kind: .number, value: "-1.5e+3", escaped: false),
            Member(path: "o/k", kind: .bool, value: "true", escaped: false),
            Member(path: "o/d", kind: .object, value: #"{"deep":1}"#, escaped: false),
            Member(path: "o/l", kind: .array, value: #"[1,{"z":null}]"#, escaped: false),
            Member(path: "o", kind: .object, value: #"{"k":true,"d":{"deep":1},"l":[1,{"z":null}]}"#, escaped: false),
            Member(path: "e", kind: .object, value: "{}", escaped: false),
            Member(path: "t", kind: .null, value: "null", escaped: false),
        ])
    }

    @Test(arguments: [
        ("", "expected '{'"),
        ("[1]", "expected '{'"),
        (#"{"a":1,}"#, "expected a key"),
        (#"{"a" 1}"#, "expected ':'"),
        (#"{"a":1 "b":2}"#, "expected ',' or '}'"),
        (#"{"a":01}"#, "leading zero"),
        (#"{"a":1.}"#, "after the decimal point"),
        (#"{"a":1e}"#, "exponent"),
        (#"{"a":-}"#, "expected digits"),
        (#"{"a":"\x"}"#, "unknown escape"),
        (#"{"a":"\u12G4"}"#, "four hex digits"),
        ("{\"a\":\"tab\there\"}", "control character"),
        (#"{"a":"open}"#, "ends inside a string"),
        (#"{"a":tru}"#, "expected 'true'"),
        (#"{"a":[1,2}"#, "expected ',' or ']'"),
        (#"{"a":1}x"#, "text after the end"),
        (#"{"a":1"#, "expected ',' or '}'"),
        (#"{"a":}"#, "expected a value"),
        (#"{"a":'x'}"#, "expected a value"),
    ])
    func rejectsMalformedLines(_ text: String, _ message: String) {
        let (_, failure) = scan(text)
        #expect(failure?.message.contains(message) == true, "\(text): \(String(describing: failure))")
    }

    @Test func limitsNesting() {
        let deep = "{\"a\":" + String(repeating: "[", count: 100) + String(repeating: "]", count: 100) + "}"
        #expect(scan(deep).1?.message.contains("nested deeper") == true)
        let fine = "{\"a\":" + String(repeating: "[", count: 30) + String(repeating: "]", count: 30) + "}"
        #expect(scan(fine).1 == nil)
    }
}
