import FlowCore
import FlowRandom
import Testing
@testable import FlowColumnar

@Suite("Address text columns")
struct AddressTextTests {
    @Test func matchesIPAddressAppendTextByteForByte() {
        var rng = ArrowPeerSample.Draws(generator: SplitMix64(seed: 99))
        var addresses: [IPAddress] = [
            .zero, IPAddress(ipv4: 0), IPAddress(ipv4: 0xFFFF_FFFF), IPAddress(ipv4: 0x0A00_0001),
            IPAddress(ipv4: 0x6463_0A09), IPAddress("::1")!, IPAddress("2001:db8::")!, IPAddress("fe80::1:0:0:1")!,
            IPAddress(high: .max, low: .max), IPAddress(high: 0, low: 0xFFFF),
        ]
        for _ in 0..<2000 {
            let v4 = UInt32(truncatingIfNeeded: rng.next())
            addresses.append(IPAddress(ipv4: v4 >> (rng.below(4) * 8)))
            addresses.append(IPAddress(high: rng.next() & 0xFFFF_0000_FFFF_FFFF, low: rng.next() & 0xFFFF_FFFF_0000_FFFF))
        }
        var validity = ValidityBitmap()
        for i in 0..<addresses.count { validity.append(i % 7 != 3) }
        for bitmap in [nil, validity] {
            var text = AddressText()
            for _ in 0..<2 {  // reuse keeps results identical
                text.fill(addresses, validity: bitmap)
                #expect(text.offsets.count == addresses.count + 1)
                var expected: [UInt8] = []
                var expectedOffsets: [Int32] = [0]
                for (i, a) in addresses.enumerated() {
                    if bitmap?[i] ?? true { a.appendText(to: &expected) }
                    expectedOffsets.append(Int32(expected.count))
                }
                #expect(text.data == expected)
                #expect(text.offsets == expectedOffsets)
            }
        }
        var empty = AddressText()
        empty.fill([], validity: nil)
        #expect(empty.offsets == [0] && empty.data.isEmpty)
    }
}
