import Testing
@testable import FlowFormats

@Suite struct FieldSplitterTests {
    func split(_ s: String, _ delim: Character = ",", quoting: Bool = true, trim: Bool = false) -> (FieldSplitter.Status, [String]) {
        var sp = FieldSplitter()
        return withBytes(s) { b in
            let st = sp.split(b, delimiter: delim.asciiValue!, quoting: quoting, trimSpaces: trim)
            var out: [String] = []
            for i in 0..<sp.count {
                var bytes: [UInt8] = []
                if sp.isEscaped(i) { FieldSplitter.unescape(sp.field(i, in: b), into: &bytes) } else { bytes = Array(sp.field(i, in: b)) }
                out.append(String(decoding: bytes, as: UTF8.self))
            }
            return (st, out)
        }
    }

    @Test func plainAndEmptyFields() {
        #expect(split("a,b,,c").1 == ["a", "b", "", "c"])
        #expect(split("a,").1 == ["a", ""])
        #expect(split("").1 == [""])
        #expect(split(",").1 == ["", ""])
    }

    @Test func rfc4180Quotes() {
        let (st, f) = split(#"1,"Web Attack, XSS","say ""hi""",x"#)
        #expect(st == .ok)
        #expect(f == ["1", "Web Attack, XSS", #"say "hi""#, "x"])
        #expect(split(#""a""#).1 == ["a"])
        #expect(split(#""","#).1 == ["", ""])
    }

    @Test func unterminatedAndStrayQuotes() {
        #expect(split(#"a,"open field"#).0 == .unterminatedQuote)
        #expect(split(#"a,"x"y,b"#).0 == .badQuote)
        // Without quoting (Zeek, AWS) quotes are ordinary bytes.
        #expect(split("a\t\"b\tc", "\t", quoting: false).1 == ["a", "\"b", "c"])
    }

    @Test func trimmingForCICNames() {
        #expect(split(" Destination Port, Flow Duration,Label ", trim: true).1 == ["Destination Port", "Flow Duration", "Label"])
    }

    @Test func manyFieldsGrowStorageAndLimitHolds() {
        let line = Array(repeating: "1", count: 300).joined(separator: ",")
        #expect(split(line).1.count == 300)
        var sp = FieldSplitter(maxFields: 10)
        #expect(withBytes(line) { sp.split($0, delimiter: 0x2C, quoting: true) } == .tooManyFields)
    }
}
