import FlowIO

/// The values of one column for one row group, encoded as they come (PLAIN, and for text a
/// dictionary alongside), with definition levels and statistics; `finish` turns them into
/// a dictionary page (text) and one data page (v1), compressed. Memory: one row group's
/// encoded values of this column; a text column holds its dictionary and one index per
/// value while the dictionary lasts, and its PLAIN values only once it has fallen back.
final class ColumnChunkBuilder {
    let column: ParquetColumn
    /// Text columns fall back to PLAIN when the dictionary grows past these.
    static let maxDictionaryEntries = 1 << 16
    static let maxDictionaryBytes = 1 << 20

    private(set) var rows = 0
    private var nulls = 0
    /// 0 (null) or 1 per row of a nullable column.
    private var definitionLevels: [UInt8] = []
    private var plain: [UInt8] = []
    private var booleanBits: [Bool] = []
    // Dictionary of a text column: PLAIN-encoded entries, index by value.
    private var dictionary: [[UInt8]: UInt32] = [:]
    private var dictionaryPlain: [UInt8] = []
    /// Where each dictionary entry starts in `dictionaryPlain` (its length prefix), by index.
    private var dictionaryStarts: [Int] = []
    private var indices: [UInt32] = []
    private var dictionaryUsable: Bool
    // Statistics.
    private var minInt = Int64.max, maxInt = Int64.min
    private var minDouble = Double.infinity, maxDouble = -Double.infinity, sawNumber = false
    private var minBytes: [UInt8]?, maxBytes: [UInt8]?
    private var sawFalse = false, sawTrue = false

    init(_ column: ParquetColumn) {
        self.column = column
        dictionaryUsable = column.physicalType == .byteArray
    }

    func appendNull() {
        rows += 1
        nulls += 1
        definitionLevels.append(0)
    }

    private func present() {
        rows += 1
        if column.nullable { definitionLevels.append(1) }
    }

    func append(int value: Int64) {
        present()
        if value < minInt { minInt = value }
        if value > maxInt { maxInt = value }
        var v = value
        if column.physicalType == .int32 {
            var narrow = Int32(truncatingIfNeeded: v).littleEndian
            withUnsafeBytes(of: &narrow) { plain += $0 }
        } else {
            v = v.littleEndian
            withUnsafeBytes(of: &v) { plain += $0 }
        }
    }

    func append(double value: Double) {
        present()
        if !value.isNaN {
            sawNumber = true
            if value < minDouble { minDouble = value }
            if value > maxDouble { maxDouble = value }
        }
        var bits = value.bitPattern.littleEndian
        withUnsafeBytes(of: &bits) { plain += $0 }
    }

    func append(bool value: Bool) {
        present()
        if value { sawTrue = true } else { sawFalse = true }
        booleanBits.append(value)
    }

    func append(bytes value: UnsafeBufferPointer<UInt8>) {
        present()
        let array = Array(value)
        if minBytes.map({ array.lexicographicallyPrecedes($0) }) ?? true { minBytes = array }
        if maxBytes.map({ $0.lexicographicallyPrecedes(array) }) ?? true { maxBytes = array }
        var length = UInt32(array.count).littleEndian
        if dictionaryUsable {
            if let index = dictionary[array] {
                indices.append(index)
                return
            }
            if dictionary.count < Self.maxDictionaryEntries && dictionaryPlain.count + 4 + array.count <= Self.maxDictionaryBytes {
                let index = UInt32(dictionary.count)
                dictionary[array] = index
                dictionaryStarts.append(dictionaryPlain.count)
                withUnsafeBytes(of: &length) { dictionaryPlain += $0 }
                dictionaryPlain += array
                indices.append(index)
                return
            }
            fallBackToPlain()
        }
        withUnsafeBytes(of: &length) { plain += $0 }
        plain += array
    }

    /// The dictionary has grown too large: the values so far become PLAIN (length-prefixed
    /// entries copied in row order) and the dictionary is dropped.
    private func fallBackToPlain() {
        dictionaryUsable = false
        dictionaryStarts.append(dictionaryPlain.count)
        plain.reserveCapacity(indices.count * 8)
        dictionaryPlain.withUnsafeBufferPointer { entries in
            for index in indices {
                let i = Int(index)
                plain += entries[dictionaryStarts[i]..<dictionaryStarts[i + 1]]
            }
        }
        dictionary = [:]
        dictionaryPlain = []
        dictionaryStarts = []
        indices = []
    }

    /// The column chunk's pages and metadata, given where in the file they will start.
    struct Chunk {
        let bytes: [UInt8]
        let uncompressedSize: Int64
        let writeMetadata: (inout ThriftCompactWriter) -> Void
    }

    func finish(at offset: Int64, compression: ParquetCompression, codec: RuntimeCodec?) throws -> Chunk {
        var bytes: [UInt8] = []
        var uncompressed: Int64 = 0
        var encodings: [ParquetEnum.Encoding] = []
        var dictionaryOffset: Int64?
        let useDictionary = dictionaryUsable && !dictionary.isEmpty

        func page(_ type: ParquetEnum.PageType, body: [UInt8], header: (inout ThriftCompactWriter) -> Void) throws {
            let stored: [UInt8]
            switch compression {
            case .none: stored = body
            case .gzip: stored = try GzipEncoder(level: 6).member(body)
            case .zstd, .snappy: stored = try codec!.compress(body)
            }
            var w = ThriftCompactWriter()
            w.structBody { h in
                h.i32(1, type.rawValue)
                h.i32(2, Int32(body.count))
                h.i32(3, Int32(stored.count))
                header(&h)
            }
            bytes += w.bytes
            bytes += stored
            uncompressed += Int64(w.bytes.count + body.count)
        }

        if useDictionary {
            dictionaryOffset = offset
            let count = Int32(dictionary.count)
            try page(.dictionaryPage, body: dictionaryPlain) { h in
                h.structure(7) { d in
                    d.i32(1, count)
                    d.i32(2, ParquetEnum.Encoding.plain.rawValue)
                }
            }
            encodings.append(.plain)
        }
        let dataOffset = offset + Int64(bytes.count)
        var body: [UInt8] = []
        if column.nullable {
            let levels = HybridEncoder.encode(levels: definitionLevels)
            var length = UInt32(levels.count).littleEndian
            withUnsafeBytes(of: &length) { body += $0 }
            body += levels
            encodings.append(.rle)
        }
        let valueEncoding: ParquetEnum.Encoding
        if useDictionary {
            let width = HybridEncoder.bitWidth(forMax: dictionary.count - 1)
            body.append(UInt8(width))
            body += HybridEncoder.encode(indices, bitWidth: width)
            valueEncoding = .rleDictionary
        } else if column.physicalType == .boolean {
            var packed = [UInt8](repeating: 0, count: (booleanBits.count + 7) / 8)
            for (i, bit) in booleanBits.enumerated() where bit { packed[i >> 3] |= 1 << UInt8(i & 7) }
            body += packed
            valueEncoding = .plain
        } else {
            body += plain
            valueEncoding = .plain
        }
        if !encodings.contains(valueEncoding) { encodings.append(valueEncoding) }
        if !encodings.contains(.rle) { encodings.append(.rle) }   // levels' encoding, named in the header
        let rowCount = Int32(rows)
        try page(.dataPage, body: body) { h in
            h.structure(5) { d in
                d.i32(1, rowCount)
                d.i32(2, valueEncoding.rawValue)
                d.i32(3, ParquetEnum.Encoding.rle.rawValue)
                d.i32(4, ParquetEnum.Encoding.rle.rawValue)
            }
        }
        let statistics = self.statistics()
        let column = self.column
        let total = Int64(bytes.count)
        let uncompressedTotal = uncompressed
        let rows = Int64(self.rows)
        return Chunk(bytes: bytes, uncompressedSize: uncompressed) { w in
            w.i32(1, column.physicalType.rawValue)
            w.i32List(2, encodings.map(\.rawValue))
            w.stringList(3, [column.name])
            w.i32(4, compression.codec)
            w.i64(5, rows)
            w.i64(6, uncompressedTotal)
            w.i64(7, total)
            w.i64(9, dataOffset)
            if let dictionaryOffset { w.i64(11, dictionaryOffset) }
            w.structure(12) { s in
                if statistics.legacy, let max = statistics.max, let min = statistics.min {
                    s.binary(1, max)
                    s.binary(2, min)
                }
                s.i64(3, statistics.nulls)
                if let max = statistics.max, let min = statistics.min {
                    s.binary(5, max)
                    s.binary(6, min)
                }
            }
        }
    }

    /// Min and max PLAIN-encoded (no length prefix for text); `legacy`: also valid as the
    /// deprecated signed-order min/max.
    private func statistics() -> (min: [UInt8]?, max: [UInt8]?, nulls: Int64, legacy: Bool) {
        func le<T: FixedWidthInteger>(_ v: T) -> [UInt8] { withUnsafeBytes(of: v.littleEndian) { Array($0) } }
        switch column.physicalType {
        case .int32 where maxInt >= minInt: return (le(Int32(minInt)), le(Int32(maxInt)), Int64(nulls), true)
        case .int64 where maxInt >= minInt: return (le(minInt), le(maxInt), Int64(nulls), true)
        case .double where sawNumber:
            // Zeros: the minimum is written as -0.0 and the maximum as +0.0 (parquet.thrift).
            let low = minDouble == 0 ? -0.0 : minDouble
            let high = maxDouble == 0 ? 0.0 : maxDouble
            return (le(low.bitPattern), le(high.bitPattern), Int64(nulls), true)
        case .boolean where sawTrue || sawFalse:
            return ([sawFalse ? 0 : 1], [sawTrue ? 1 : 0], Int64(nulls), true)
        case .byteArray where minBytes != nil:
            return (minBytes, maxBytes, Int64(nulls), false)
        default:
            return (nil, nil, Int64(nulls), false)
        }
    }
}
