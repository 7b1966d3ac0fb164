import FlowColumnar

/// Numbers of parquet.thrift's enums that floe writes.
enum ParquetEnum {
    enum PhysicalType: Int32 { case boolean = 0, int32 = 1, int64 = 2, double = 5, byteArray = 6 }
    enum ConvertedType: Int32 { case utf8 = 0, timestampMillis = 9 }
    enum Repetition: Int32 { case required = 0, optional = 1 }
    enum Encoding: Int32 { case plain = 0, rle = 3, rleDictionary = 8 }
    enum PageType: Int32 { case dataPage = 0, dictionaryPage = 2 }
}

/// How a dataset file is compressed: whole pages, after encoding. gzip uses zlib (always
/// linked); zstd and snappy the system's libzstd.so.1 and libsnappy.so.1, loaded at run
/// time (`RuntimeCodec`).
public enum ParquetCompression: String, Sendable, CaseIterable {
    case none, gzip, zstd, snappy

    /// `CompressionCodec` in parquet.thrift.
    var codec: Int32 {
        switch self {
        case .none: return 0
        case .snappy: return 1
        case .gzip: return 2
        case .zstd: return 6
        }
    }
}

/// One leaf column of a flat Parquet schema, mapped from an Arrow column of a floe file.
///
/// | Arrow | Parquet |
/// |---|---|
/// | timestamp[ms, tz] | INT64, TIMESTAMP(isAdjustedToUTC = tz set, MILLIS) + TIMESTAMP_MILLIS |
/// | int8/16/32, uint8/16 | INT32 |
/// | uint32, int64, uint64 | INT64, signed (Spark, Trino and Athena have no unsigned 64-bit type; a uint64 above 2^63−1 is refused) |
/// | float64 | DOUBLE |
/// | bool | BOOLEAN |
/// | utf8 (addresses too) | BYTE_ARRAY, STRING + UTF8 |
struct ParquetColumn: Equatable {
    enum Source: Equatable {
        case timestamp, int8, int16, int32, uint8, uint16, uint32, int64, uint64, float64, bool, utf8
    }

    let name: String
    let nullable: Bool
    let source: Source
    let timestampUTC: Bool

    init(_ field: ArrowField) throws(ParquetError) {
        name = field.name
        nullable = field.nullable
        var utc = false
        switch field.type {
        case .timestamp(.millisecond, let timezone):
            source = .timestamp
            utc = timezone != nil
        case .int(8, true): source = .int8
        case .int(16, true): source = .int16
        case .int(32, true): source = .int32
        case .int(8, false): source = .uint8
        case .int(16, false): source = .uint16
        case .int(32, false): source = .uint32
        case .int(64, true): source = .int64
        case .int(64, false): source = .uint64
        case .floatingPoint(64): source = .float64
        case .bool: source = .bool
        case .utf8: source = .utf8
        default:
            throw .unsupportedColumn(name: field.name, type: "\(field.type)")
        }
        timestampUTC = utc
    }

    var physicalType: ParquetEnum.PhysicalType {
        switch source {
        case .int8, .int16, .int32, .uint8, .uint16: return .int32
        case .timestamp, .uint32, .int64, .uint64: return .int64
        case .float64: return .double
        case .bool: return .boolean
        case .utf8: return .byteArray
        }
    }

    /// The SchemaElement of this column (fields of parquet.thrift's SchemaElement).
    func writeSchemaElement(_ w: inout ThriftCompactWriter) {
        w.i32(1, physicalType.rawValue)
        w.i32(3, (nullable ? ParquetEnum.Repetition.optional : .required).rawValue)
        w.string(4, name)
        switch source {
        case .utf8:
            w.i32(6, ParquetEnum.ConvertedType.utf8.rawValue)
            w.structure(10) { $0.structure(1) { _ in } }                  // LogicalType.STRING
        case .timestamp:
            w.i32(6, ParquetEnum.ConvertedType.timestampMillis.rawValue)
            let utc = timestampUTC
            w.structure(10) { logical in                                    // LogicalType.TIMESTAMP
                logical.structure(8) { ts in
                    ts.bool(1, utc)
                    ts.structure(2) { $0.structure(1) { _ in } }             // TimeUnit.MILLIS
                }
            }
        default:
            break
        }
    }
}

/// Why a dataset file cannot be written as Parquet.
public enum ParquetError: Error, CustomStringConvertible, Equatable {
    case unsupportedColumn(name: String, type: String)
    case valueOutOfRange(column: String, value: String)
    case noPartitions(dataset: String, range: String)
    case codecUnavailable(codec: String, library: String, reason: String)
    case io(path: String, reason: String)

    public var description: String {
        switch self {
        case let .unsupportedColumn(name, type):
            return "column '\(name)' has Arrow type \(type), which floe's Parquet writer does not write"
        case let .valueOutOfRange(column, value):
            return "column '\(column)' holds \(value), above the largest signed 64-bit integer Parquet readers such as Spark accept"
        case let .noPartitions(dataset, range):
            return "\(dataset): no day partition (date=YYYY-MM-DD/part-*.arrow)\(range); check the dataset folder (floe-clean's --output) and the dates"
        case let .codecUnavailable(codec, library, reason):
            return "--compression \(codec) needs \(library) at run time (\(reason)); install it (Debian: libzstd1, libsnappy1v5) or use --compression gzip"
        case let .io(path, reason):
            return "\(path): \(reason)"
        }
    }
}
