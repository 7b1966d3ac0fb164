import FlowColumnar
import FlowCore
import FlowDataset

/// Column views of one record batch, resolved by name (`DatasetColumnNames`). Enrichment
/// columns (`direction`, `duration_ms`) are used when present and derived from the base
/// columns otherwise (direction from the configured internal networks, duration as
/// end − start). Views are valid while the batch's reader lives.
struct DatasetColumns {
    let rowCount: Int
    let start: ArrowValues<Int64>
    let end: ArrowValues<Int64>
    let source: ArrowUTF8View
    let destination: ArrowUTF8View
    let destinationPort: ArrowValues<UInt16>?
    let destinationPortValid: ArrowBitmapView?
    let sourcePort: ArrowValues<UInt16>?
    let sourcePortValid: ArrowBitmapView?
    let proto: ArrowValues<UInt8>
    let tcpFlags: ArrowValues<UInt8>?
    let tcpFlagsValid: ArrowBitmapView?
    let packets: ArrowValues<UInt64>
    let bytes: ArrowValues<UInt64>
    let reverseBytes: ArrowValues<UInt64>?
    let reverseBytesValid: ArrowBitmapView?
    let direction: ArrowUTF8View?
    let durationMillis: ArrowValues<Int64>?

    init(_ batch: ArrowRecordBatch, names: DatasetColumnNames) throws {
        let reader = batch.reader
        func required(_ name: String) throws -> Int { try reader.datasetColumn(name) }
        func optional(_ name: String) -> Int? { reader.columnIndex(named: name) }
        rowCount = batch.rowCount
        start = try batch.values(column: try required(names.start), as: Int64.self)
        end = try batch.values(column: try required(names.end), as: Int64.self)
        source = try batch.utf8(column: try required(names.sourceAddress))
        destination = try batch.utf8(column: try required(names.destinationAddress))
        if let i = optional(names.destinationPort) {
            destinationPort = try batch.values(column: i, as: UInt16.self)
            destinationPortValid = try batch.validity(column: i)
        } else {
            destinationPort = nil
            destinationPortValid = nil
        }
        if let i = optional(names.sourcePort) {
            sourcePort = try batch.values(column: i, as: UInt16.self)
            sourcePortValid = try batch.validity(column: i)
        } else {
            sourcePort = nil
            sourcePortValid = nil
        }
        proto = try batch.values(column: try required(names.proto), as: UInt8.self)
        if let i = optional(names.tcpFlags) {
            tcpFlags = try batch.values(column: i, as: UInt8.self)
            tcpFlagsValid = try batch.validity(column: i)
        } else {
            tcpFlags = nil
            tcpFlagsValid = nil
        }
        packets = try batch.values(column: try required(names.packets), as: UInt64.self)
        bytes = try batch.values(column: try required(names.bytes), as: UInt64.self)
        if let i = optional(names.reverseBytes) {
            reverseBytes = try batch.values(column: i, as: UInt64.self)
            reverseBytesValid = try batch.validity(column: i)
        } else {
            reverseBytes = nil
            reverseBytesValid = nil
        }
        if let i = optional(names.direction), case .utf8 = reader.fields[i].type {
            direction = try batch.utf8(column: i)
        } else {
            direction = nil
        }
        if let i = optional(names.durationMillis), reader.fields[i].type == .int(bitWidth: 64, signed: true) {
            durationMillis = try batch.values(column: i, as: Int64.self)
        } else {
            durationMillis = nil
        }
    }

    /// Destination port of row i, or -1 when null or absent.
    @inline(__always)
    func port(_ i: Int) -> Int32 {
        guard let p = destinationPort else { return -1 }
        if let v = destinationPortValid, !v[i] { return -1 }
        return Int32(p[i])
    }

    /// Source port of row i, or -1 when null or absent.
    @inline(__always)
    func sourcePortValue(_ i: Int) -> Int32 {
        guard let p = sourcePort else { return -1 }
        if let v = sourcePortValid, !v[i] { return -1 }
        return Int32(p[i])
    }

    @inline(__always)
    func flags(_ i: Int) -> (UInt8, Bool) {
        guard let f = tcpFlags else { return (0, false) }
        if let v = tcpFlagsValid, !v[i] { return (0, false) }
        return (f[i], true)
    }

    @inline(__always)
    func reverse(_ i: Int) -> UInt64 {
        guard let r = reverseBytes else { return 0 }
        if let v = reverseBytesValid, !v[i] { return 0 }
        return r[i]
    }

    @inline(__always)
    func duration(_ i: Int) -> Int64 {
        if let d = durationMillis { return max(0, d[i]) }
        return max(0, end[i] - start[i])
    }
}
