import Testing
@testable import FlowFormats

@Suite struct ByteParsingTests {
    @Test func strictUnsigned() {
        #expect(withBytes("0") { ByteParsing.unsigned($0) } == 0)
        #expect(withBytes("18446744073709551615") { ByteParsing.unsigned($0) } == UInt64.max)
        for bad in ["", "1e3", "+1", "-1", " 1", "1 ", "1.5", "18446744073709551616", "0x10", "NaN"] {
            #expect(withBytes(bad) { ByteParsing.unsigned($0) } == nil, "\(bad)")
        }
        #expect(withBytes("65536") { ByteParsing.unsigned($0, max: 65535) } == nil)
        #expect(withBytes("12.0") { ByteParsing.unsignedAllowingZeroFraction($0) } == 12)
        #expect(withBytes("12.5") { ByteParsing.unsignedAllowingZeroFraction($0) } == nil)
    }

    /// Digit strings of every length up to the 20 of UInt64.max, leading zeros and the
    /// overflow edge included, read as the standard library's parser reads them.
    @Test func unsignedAroundTheOverflowEdge() {
        #expect(withBytes("9999999999999999999") { ByteParsing.unsigned($0) } == 9_999_999_999_999_999_999)
        #expect(withBytes("99999999999999999999") { ByteParsing.unsigned($0) } == nil)
        #expect(withBytes("00000000000000000001") { ByteParsing.unsigned($0) } == 1)
        #expect(withBytes("000000000000000000000") { ByteParsing.unsigned($0) } == nil)  // 21 digits
        #expect(withBytes("9999999999999999999") { ByteParsing.unsigned($0, max: 9_999_999_999_999_999_998) } == nil)
        var texts = ["18446744073709551615", "18446744073709551616", "19999999999999999999", "09999999999999999999",
                     "10000000000000000000", "1844674407370955161", "999999999999999999"]
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<20_000 {
            let n = Int.random(in: 1...20, using: &rng), zeros = Int.random(in: 0...n, using: &rng)
            texts.append(String(repeating: "0", count: zeros)
                         + String((zeros..<n).map { _ in "0123456789".randomElement(using: &rng)! }))
        }
        for t in texts {
            #expect(withBytes(t) { ByteParsing.unsigned($0) } == UInt64(t), "\(t)")
        }
    }

    @Test func scaledDecimals() {
        #expect(withBytes("5.000") { ByteParsing.scaled($0, digits: 3) } == 5000)
        #expect(withBytes("0.421") { ByteParsing.scaled($0, digits: 3) } == 421)
        #expect(withBytes("1258531221.486539") { ByteParsing.scaled($0, digits: 3) } == 1_258_531_221_486)
        #expect(withBytes("7") { ByteParsing.scaled($0, digits: 3) } == 7000)
        for bad in ["", ".5", "5.", "-1.0", "1e3", "1.2.3"] {
            #expect(withBytes(bad) { ByteParsing.scaled($0, digits: 3) } == nil, "\(bad)")
        }
    }

    @Test func protocols() {
        let cases: [(String, UInt8?)] = [("TCP", 6), ("udp", 17), ("ICMP", 1), ("ICMP6", 58), ("IPv6-ICMP", 58),
                                          ("icmpv6", 58), ("GRE", 47), ("esp", 50), ("47", 47), ("255", 255),
                                          ("256", nil), ("tcpx", nil), ("", nil)]
        for (text, want) in cases { #expect(withBytes(text) { ByteParsing.proto($0) } == want, "\(text)") }
    }

    @Test func tcpFlags() {
        let cases: [(String, UInt8?)] = [(".AP.SF", 0x1B), ("......", 0), ("...A....", 0x10), ("CEUAPRSF", 0xFF),
                                          ("UAPRSF", 0x3F), ("0x12", 0x12), ("0X1b", 0x1B), ("18", 18),
                                          ("S.....", nil), ("0x123", nil), ("256", nil), ("..A...", nil)]
        for (text, want) in cases { #expect(withBytes(text) { ByteParsing.tcpFlags($0) } == want, "\(text)") }
    }

    @Test func utf8Validation() {
        #expect(withBytes("plain ascii line, long enough for words") { ByteParsing.isValidUTF8($0) })
        #expect(withBytes("Web Attack – Brute Force") { ByteParsing.isValidUTF8($0) })
        let bad: [[UInt8]] = [[0x41, 0x96, 0x42], [0xC0, 0x80], [0xED, 0xA0, 0x80], [0xE2, 0x80], [0xF4, 0x90, 0x80, 0x80]]
        for b in bad { #expect(b.withUnsafeBufferPointer { ByteParsing.isValidUTF8($0) } == false, "\(b)") }
    }
}
