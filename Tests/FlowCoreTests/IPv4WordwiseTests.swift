import Testing
import FlowCore

@Suite struct IPv4WordwiseTests {
    /// The word-wise dotted-quad parser accepts exactly what `IPAddress.parseIPv4` accepts.
    @Test func dottedQuadAgreesWithTheStrictParser() {
        var texts = ["0.0.0.0", "255.255.255.255", "1.2.3.4", "10.0.0.1", "192.168.100.200", "256.1.1.1", "1.2.3.256",
                     "01.2.3.4", "1.02.3.4", "1.2.3.00", "1.2.3.0", "1..2.3", ".1.2.3", "1.2.3.", "1.2.3.4.5", "1.2.3",
                     "1234.1.1.1", "1.2.3.4 ", " 1.2.3.4", "1.2.3.a", "1.2.3.\u{e9}", "::1", "fd00::1", "1.2.3.4/8",
                     "999.999.999.999", "100.100.100.100", "0.0.0.00", "7.7.7.7"]
        var rng = SystemRandomNumberGenerator()
        let alphabet = Array("0123456789.....:a/ ".utf8)
        for _ in 0..<20_000 {
            let n = Int.random(in: 5...17, using: &rng)
            texts.append(String(decoding: (0..<n).map { _ in alphabet.randomElement(using: &rng)! }, as: UTF8.self))
            texts.append((0..<4).map { _ in String(Int.random(in: 0...300, using: &rng)) }.joined(separator: "."))
        }
        var mismatches: [String] = []
        for text in texts {
            var bytes = Array(text.utf8)
            let n = bytes.count
            bytes += [UInt8](repeating: UInt8(ascii: "7"), count: 16)  // readable bytes after the text
            let fast = bytes.withUnsafeBytes { IPAddress.parseIPv4(wordwise: $0.baseAddress!, count: n) }
            let strict = bytes.withUnsafeBufferPointer { IPAddress.parseIPv4(UnsafeBufferPointer(rebasing: $0[0..<n])) }
            if fast != strict { mismatches.append(text) }
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(10))")
        #expect(Array("10.1.2.3xxxxxxxxxxxxxx".utf8).withUnsafeBytes { IPAddress.parseIPv4(wordwise: $0.baseAddress!, count: 8) } == 0x0A01_0203)
    }
}
