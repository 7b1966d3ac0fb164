import FlowColumnar
import Testing
@testable import FlowParquet

/// The two bit-level encodings under every Parquet file floe writes, against the byte
/// sequences of their specifications.
@Suite struct EncodingTests {
    /// Thrift compact protocol: field-id deltas in the header nibble, long jumps as a zigzag
    /// i16, bools in the type nibble, zigzag varints, list headers, stop bytes.
    @Test func thriftCompactFieldsStructsAndLists() {
        var w = ThriftCompactWriter()
        w.structBody { s in
            s.i32(1, 2)                     // 0x15, zigzag(2) = 4
            s.i64(3, -1)                    // delta 2, i64: 0x26, zigzag(-1) = 1
            s.bool(4, true)                 // 0x11
            s.string(20, "ab")              // delta 16 > 15: 0x08, zigzag(20) = 40 (0x28), len 2
            s.structure(21) { $0.bool(1, false) }   // 0x1c, inner 0x12, stop
            s.i32List(22, [1, -1])          // 0x19, 0x25, 2, 1
            s.i64(23, 300)                  // 0x16, zigzag(300) = 600 = 0xd8 0x04
        }
        #expect(w.bytes == [0x15, 0x04, 0x26, 0x01, 0x11, 0x08, 0x28, 0x02, 0x61, 0x62,
                            0x1c, 0x12, 0x00, 0x19, 0x25, 0x02, 0x01, 0x16, 0xd8, 0x04, 0x00])
        var long = ThriftCompactWriter()
        long.structBody { $0.stringList(1, Array(repeating: "", count: 15)) }
        #expect(long.bytes == [0x19, 0xf8, 0x0f] + Array(repeating: 0, count: 15) + [0x00])
    }

    /// RLE / bit-packing hybrid: the bit-packed example of Encodings.md (0…7 in 3 bits),
    /// RLE runs, padding of the last group, and runs that start only on group boundaries.
    @Test func hybridRunsAndBitPackedGroups() {
        #expect(HybridEncoder.encode(Array(0...7), bitWidth: 3) == [0x03, 0b1000_1000, 0b1100_0110, 0b1111_1010])
        #expect(HybridEncoder.encode(Array(repeating: 1, count: 10), bitWidth: 1) == [0x14, 0x01])
        #expect(HybridEncoder.encode(Array(repeating: 300, count: 8), bitWidth: 9) == [0x10, 0x2c, 0x01])
        // 3 values: one padded group of 8.
        #expect(HybridEncoder.encode([1, 0, 1], bitWidth: 1) == [0x03, 0b0000_0101])
        #expect(HybridEncoder.encode(levels: [1, 0, 1]) == [0x03, 0b0000_0101])
        #expect(HybridEncoder.encode(levels: Array(repeating: 1, count: 10)) == [0x14, 0x01])
        // 1 then nine 0s: the group [1,0,…,0] is packed, the two 0s left become a padded group.
        #expect(HybridEncoder.encode([1] + Array(repeating: 0, count: 9), bitWidth: 1) == [0x05, 0x01, 0x00])
        // Eight 0s then a long run of 1s: an RLE run each.
        #expect(HybridEncoder.encode(Array(repeating: 0, count: 8) + Array(repeating: 1, count: 200), bitWidth: 1)
                == [0x10, 0x00, 0x90, 0x03, 0x01])
        #expect(HybridEncoder.bitWidth(forMax: 0) == 1 && HybridEncoder.bitWidth(forMax: 1) == 1
                && HybridEncoder.bitWidth(forMax: 2) == 2 && HybridEncoder.bitWidth(forMax: 255) == 8 && HybridEncoder.bitWidth(forMax: 256) == 9)
    }

    /// A text column starts with a dictionary and falls back to PLAIN when it outgrows it:
    /// the values written before the fall-back are then rebuilt from the dictionary in row
    /// order, so the page holds every value once, as written.
    @Test func textColumnFallingBackToPlainKeepsEveryValueInOrder() throws {
        let column = try ParquetColumn(ArrowField(name: "src_addr", type: .utf8, nullable: false))
        let builder = ColumnChunkBuilder(column)
        // Repeats first (dictionary hits), then more distinct values than the dictionary takes.
        let values = ["a", "b", "a", "a", "b"] + (0...ColumnChunkBuilder.maxDictionaryEntries).map { "10.0.\($0 >> 8).\($0 & 255)" } + ["a"]
        var expected: [UInt8] = []
        for text in values {
            var bytes = Array(text.utf8)
            bytes.withUnsafeBufferPointer { builder.append(bytes: $0) }
            var length = UInt32(bytes.count).littleEndian
            withUnsafeBytes(of: &length) { expected += $0 }
            expected += bytes
            bytes = []
        }
        let chunk = try builder.finish(at: 4, compression: .none, codec: nil)
        // One data page, no dictionary page: the page body (after its header) is the PLAIN values.
        #expect(chunk.bytes.count > expected.count)
        #expect(Array(chunk.bytes.suffix(expected.count)) == expected)
    }
}

/// zstd and snappy come from shared libraries loaded at run time: without them the export
/// stops before writing, naming the library and the fallback.
@Suite struct RuntimeCodecTests {
    @Test func aMissingLibraryIsAClearErrorNamingTheFallback() {
        #expect(throws: ParquetError.self) { try RuntimeCodec.load(.zstd, library: "libfloe-no-such-zstd.so.1") }
        do {
            _ = try RuntimeCodec.load(.snappy, library: "libfloe-no-such-snappy.so.1")
        } catch {
            #expect("\(error)".hasPrefix("--compression snappy needs libfloe-no-such-snappy.so.1 at run time ("))
            #expect("\(error)".hasSuffix("; install it (Debian: libzstd1, libsnappy1v5) or use --compression gzip"))
        }
    }
}
