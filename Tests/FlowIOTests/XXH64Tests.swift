import Testing
@testable import FlowIO

@Suite struct XXH64Tests {
    static let prime32: UInt64 = 2_654_435_761
    static let prime64: UInt64 = 11_400_714_785_074_694_797

    /// The pseudo-random buffer of xxHash's published sanity checks.
    static func sanityBuffer(_ count: Int) -> [UInt8] {
        var generator = prime32
        return (0..<count).map { _ in
            defer { generator &*= prime64 }
            return UInt8(truncatingIfNeeded: generator >> 56)
        }
    }

    /// (length, seed, XXH64) from xxHash's sanity check (cli/xsum_sanity_check.c).
    static let vectors: [(Int, UInt64, UInt64)] = [
        (0, 0, 0xEF46_DB37_51D8_E999),
        (0, prime32, 0xAC75_FDA2_929B_17EF),
        (1, 0, 0xE934_A84A_DB05_2768),
        (1, prime32, 0x5014_6076_43A9_B4C3),
        (4, 0, 0x9136_A0DC_A574_57EE),
        (14, 0, 0x8282_DCC4_994E_35C8),
        (14, prime32, 0xC3BD_6BF6_3DEB_6DF0),
        (222, 0, 0xB641_AE8C_B691_C174),
        (222, prime32, 0x20CB_8AB7_AE10_C14A),
    ]

    @Test func publishedVectorsOneShot() {
        let buffer = Self.sanityBuffer(222)
        for (length, seed, expected) in Self.vectors {
            #expect(XXH64.hash(Array(buffer[0..<length]), seed: seed) == expected, "length \(length) seed \(seed)")
        }
    }

    @Test(arguments: [1, 3, 8, 31, 32, 33, 100])
    func publishedVectorsStreamed(pieceSize: Int) {
        let buffer = Self.sanityBuffer(222)
        for (length, seed, expected) in Self.vectors {
            var hasher = XXH64(seed: seed)
            var start = 0
            while start < length {
                let end = min(length, start + pieceSize)
                buffer[start..<end].withUnsafeBytes { hasher.update($0) }
                start = end
            }
            #expect(hasher.digest() == expected, "length \(length) seed \(seed) pieces of \(pieceSize)")
        }
    }

    @Test func streamingMatchesOneShotOnLongInput() {
        let data = noiseBytes(count: 100_003)
        let oneShot = XXH64.hash(data)
        var hasher = XXH64()
        var start = 0
        var piece = 1
        while start < data.count {
            let end = min(data.count, start + piece)
            data[start..<end].withUnsafeBytes { hasher.update($0) }
            start = end
            piece = piece * 3 % 1000 + 1
        }
        #expect(hasher.digest() == oneShot)
        #expect(hasher.totalLength == UInt64(data.count))
    }

    /// Further inputs, checked against the reference implementation (python-xxhash 4.1.0):
    /// a 3-byte text, one stripe plus an 8-byte tail, and many stripes with an 8-byte tail.
    @Test func moreReferenceVectors() {
        #expect(XXH64.hash(Array("abc".utf8)) == 0x44BC_2CF5_AD77_0999)
        #expect(XXH64.hash((0..<40).map { UInt8($0) }) == 0xF5DA_40F1_B117_41E9)
        #expect(XXH64.hash((0..<1000).map { UInt8($0 % 251) }) == 0xF306_F04A_A88B_54D3)
    }

    @Test func fingerprintTextForm() throws {
        let fingerprint = Fingerprint(xxh64: 0xEF46_DB37_51D8_E999)
        #expect(fingerprint.description == "xxh64:ef46db3751d8e999")
        #expect(Fingerprint(xxh64: 0x1F).description == "xxh64:000000000000001f")
        #expect(Fingerprint(parsing: "xxh64:ef46db3751d8e999") == fingerprint)
        #expect(Fingerprint(parsing: "xxh64:ef46db3751d8e99") == nil)
        #expect(Fingerprint(parsing: "md5:ef46db3751d8e999") == nil)
    }
}
