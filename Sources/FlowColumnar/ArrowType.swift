import FlowCore

/// Unit of an Arrow Timestamp (enum TimeUnit in Schema.fbs).
public enum ArrowTimeUnit: Int16, Sendable, Equatable {
    case second = 0, millisecond = 1, microsecond = 2, nanosecond = 3
}

/// The Arrow types floe writes and reads. Other flat fixed-width or variable-binary types
/// in foreign files are kept as `.other` (their columns cannot be viewed); nested types
/// are rejected when the file is opened.
public enum ArrowType: Sendable, Equatable, CustomStringConvertible {
    case null
    case int(bitWidth: Int, signed: Bool)
    /// Floating point of 16, 32 or 64 bits (Precision HALF, SINGLE, DOUBLE).
    case floatingPoint(bitWidth: Int)
    /// Bit-packed booleans.
    case bool
    /// UTF-8 text with int32 offsets.
    case utf8
    /// Bytes with int32 offsets.
    case binary
    case timestamp(unit: ArrowTimeUnit, timezone: String?)
    /// A flat type floe does not interpret: Arrow type id and number of buffers.
    case other(typeID: UInt8, bufferCount: Int)

    /// The Arrow type floe writes for a schema column type.
    public init(_ type: ColumnType) {
        switch type {
        case .timestampMillis: self = .timestamp(unit: .millisecond, timezone: "UTC")
        case .uint8: self = .int(bitWidth: 8, signed: false)
        case .uint16: self = .int(bitWidth: 16, signed: false)
        case .uint32: self = .int(bitWidth: 32, signed: false)
        case .uint64: self = .int(bitWidth: 64, signed: false)
        case .int64: self = .int(bitWidth: 64, signed: true)
        case .float64: self = .floatingPoint(bitWidth: 64)
        case .bool: self = .bool
        case .utf8: self = .utf8
        }
    }

    /// Number of buffers of one column of this type in a record batch (Columnar.rst,
    /// "Buffer Listing for Each Layout").
    var bufferCount: Int {
        switch self {
        case .null: return 0
        case .int, .floatingPoint, .bool, .timestamp: return 2
        case .utf8, .binary: return 3
        case let .other(_, count): return count
        }
    }

    /// Bytes per value of fixed-width types (nil for bits, variable-width and others).
    var byteWidth: Int? {
        switch self {
        case let .int(bits, _): return bits / 8
        case let .floatingPoint(bits): return bits / 8
        case .timestamp: return 8
        default: return nil
        }
    }

    public var description: String {
        switch self {
        case .null: return "null"
        case let .int(bits, signed): return "\(signed ? "int" : "uint")\(bits)"
        case let .floatingPoint(bits): return "float\(bits)"
        case .bool: return "bool"
        case .utf8: return "utf8"
        case .binary: return "binary"
        case let .timestamp(unit, tz): return "timestamp[\(unit), tz=\(tz ?? "none")]"
        case let .other(id, _): return "arrow type id \(id)"
        }
    }
}

/// One column of an Arrow schema as stored in a file.
public struct ArrowField: Sendable, Equatable {
    public let name: String
    public let type: ArrowType
    public let nullable: Bool

    public init(name: String, type: ArrowType, nullable: Bool) {
        self.name = name
        self.type = type
        self.nullable = nullable
    }

    /// The Arrow field floe writes for a schema field.
    public init(_ field: SchemaField) {
        self.init(name: field.name, type: ArrowType(field.type), nullable: field.nullable)
    }
}

/// Swift types whose memory layout is an Arrow fixed-width value buffer (little endian),
/// so arrays of them are written and viewed without per-row copies.
public protocol ArrowFixedWidthValue: BitwiseCopyable, Sendable {
    /// True when a column of `type` stores values of this Swift type.
    static func represents(_ type: ArrowType) -> Bool
}

extension UInt8: ArrowFixedWidthValue {
    public static func represents(_ type: ArrowType) -> Bool { type == .int(bitWidth: 8, signed: false) }
}
extension UInt16: ArrowFixedWidthValue {
    public static func represents(_ type: ArrowType) -> Bool { type == .int(bitWidth: 16, signed: false) }
}
extension UInt32: ArrowFixedWidthValue {
    public static func represents(_ type: ArrowType) -> Bool { type == .int(bitWidth: 32, signed: false) }
}
extension UInt64: ArrowFixedWidthValue {
    public static func represents(_ type: ArrowType) -> Bool { type == .int(bitWidth: 64, signed: false) }
}
extension Int8: ArrowFixedWidthValue {
    public static func represents(_ type: ArrowType) -> Bool { type == .int(bitWidth: 8, signed: true) }
}
extension Int16: ArrowFixedWidthValue {
    public static func represents(_ type: ArrowType) -> Bool { type == .int(bitWidth: 16, signed: true) }
}
extension Int32: ArrowFixedWidthValue {
    public static func represents(_ type: ArrowType) -> Bool { type == .int(bitWidth: 32, signed: true) }
}
extension Int64: ArrowFixedWidthValue {
    /// Int64 values back signed 64-bit integers and timestamps of any unit.
    public static func represents(_ type: ArrowType) -> Bool {
        if case .timestamp = type { return true }
        return type == .int(bitWidth: 64, signed: true)
    }
}
extension Float: ArrowFixedWidthValue {
    public static func represents(_ type: ArrowType) -> Bool { type == .floatingPoint(bitWidth: 32) }
}
extension Double: ArrowFixedWidthValue {
    public static func represents(_ type: ArrowType) -> Bool { type == .floatingPoint(bitWidth: 64) }
}
