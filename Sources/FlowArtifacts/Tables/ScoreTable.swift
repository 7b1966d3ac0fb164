import FlowColumnar
import FlowCore
import FlowIO
#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// A small column table written as one Arrow record batch: the Arrow form of the score
/// tables (`anomalies.arrow`, `incidents.arrow`) and the per-model score files.
public struct ScoreTable {
    public enum Values {
        case int64([Int64])
        case float64([Double])
        case timestamp([Int64])
        case utf8([String])
        case bool([Bool])
    }

    public struct Column {
        public var name: String
        public var values: Values
        public init(_ name: String, _ values: Values) {
            self.name = name
            self.values = values
        }
    }

    public var columns: [Column]

    public init(columns: [Column]) { self.columns = columns }

    public var rowCount: Int {
        guard let first = columns.first else { return 0 }
        switch first.values {
        case let .int64(v): return v.count
        case let .float64(v): return v.count
        case let .timestamp(v): return v.count
        case let .utf8(v): return v.count
        case let .bool(v): return v.count
        }
    }

    /// Writes the table atomically (temporary file, then rename).
    public func write(path: String, metadata: [(key: String, value: String)] = []) throws {
        var fields: [SchemaField] = []
        var arrow: [ArrowColumn] = []
        for c in columns {
            switch c.values {
            case let .int64(v):
                fields.append(SchemaField(c.name, .int64, nullable: false, ""))
                arrow.append(.values(v))
            case let .float64(v):
                fields.append(SchemaField(c.name, .float64, nullable: false, ""))
                arrow.append(.values(v))
            case let .timestamp(v):
                fields.append(SchemaField(c.name, .timestampMillis, nullable: false, ""))
                arrow.append(.values(v))
            case let .utf8(v):
                fields.append(SchemaField(c.name, .utf8, nullable: false, ""))
                var offsets: [Int32] = [0]
                var data: [UInt8] = []
                for s in v {
                    data.append(contentsOf: s.utf8)
                    offsets.append(Int32(data.count))
                }
                arrow.append(.utf8(offsets: offsets, data: data))
            case let .bool(v):
                fields.append(SchemaField(c.name, .bool, nullable: false, ""))
                arrow.append(.bools(v))
            }
        }
        let temporary = try AtomicFile.temporaryPath(for: path)
        do {
            let writer = try ArrowFileWriter(path: temporary, fields: fields, metadata: metadata)
            if rowCount > 0 { try writer.write(rowCount: rowCount, columns: arrow) }
            try writer.finish()
            try AtomicFile.publish(temporary, as: path)
        } catch {
            unlink(temporary)
            throw error
        }
    }
}
