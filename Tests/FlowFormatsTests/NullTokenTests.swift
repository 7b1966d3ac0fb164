import Testing
@testable import FlowFormats

/// The packed null tokens (`-`, Zeek's `(empty)` or a declared `#unset_field`) that every
/// field of a data row is tested against.
@Suite struct NullTokenTests {
    func matches(_ token: String, _ field: String) -> Bool {
        Array(field.utf8).withUnsafeBufferPointer { NullToken(Array(token.utf8)).matches($0) }
    }

    @Test func exactBytesOnly() {
        #expect(matches("-", "-"))
        #expect(!matches("-", "--"))
        #expect(!matches("-", "6"))
        #expect(matches("(empty)", "(empty)"))
        #expect(!matches("(empty)", "(empty"))
        #expect(!matches("(empty)", "(EMPTY)"))
        // Both words of the packing take part.
        #expect(matches("0123456789abcdef", "0123456789abcdef"))
        #expect(!matches("0123456789abcdef", "0123456789abcdeF"))
        #expect(!matches("0123456789abcdef", "X123456789abcdef"))
    }

    @Test func emptyAndOverlongTokensMatchNothing() {
        #expect(!matches("", ""))
        #expect(!matches("", "-"))
        #expect(NullToken.none == NullToken([]) && NullToken.none.count == 0)
        let long = String(repeating: "x", count: 17)
        #expect(!matches(long, long))
    }

    @Test func rulesKeepTheirPackedTokensInStep() {
        var rules = RowRules()
        #expect(rules.unsetMatch == NullToken(Array("-".utf8)))
        rules.unsetToken = Array("NA".utf8)
        rules.emptyToken = Array("(none)".utf8)
        #expect(rules.unsetMatch == NullToken(Array("NA".utf8)))
        #expect(rules.emptyMatch == NullToken(Array("(none)".utf8)))
    }
}
