import FlowColumnar
import FlowCore
import FlowDataset

/// The columns the flow table reads from one dataset batch, through FlowDataset's typed
/// views (`DatasetBatch`). Enrichment columns (`direction`, `duration_ms`) are used when
/// present and derived from the base columns otherwise (direction from the configured
/// internal networks, duration as end − start).
struct DatasetColumns {
    let rowCount: Int
    let start: ArrowValues<Int64>
    let end: ArrowValues<Int64>
    let source: ArrowUTF8View
    let destination: ArrowUTF8View
    let destinationPort: DatasetValues<UInt16>?
    let sourcePort: DatasetValues<UInt16>?
    let proto: ArrowValues<UInt8>
    let tcpFlags: DatasetValues<UInt8>?
    let packets: ArrowValues<UInt64>
    let bytes: ArrowValues<UInt64>
    let reverseBytes: DatasetValues<UInt64>?
    let direction: ArrowUTF8View?
    let durationMillis: ArrowValues<Int64>?

    init(_ batch: ArrowRecordBatch, names: DatasetColumnNames) throws {
        let b = DatasetBatch(batch, names: names)
        rowCount = b.rowCount
        start = try b.start()
        end = try b.end()
        source = try b.sourceAddress()
        destination = try b.destinationAddress()
        destinationPort = try b.ifPresent(\.destinationPort) { try $0.destinationPort() }
        sourcePort = try b.ifPresent(\.sourcePort) { try $0.sourcePort() }
        proto = try b.proto()
        tcpFlags = try b.ifPresent(\.tcpFlags) { try $0.tcpFlags() }
        packets = try b.packets()
        bytes = try b.bytes()
        reverseBytes = try b.ifPresent(\.reverseBytes) { try $0.reverseBytes() }
        if case .utf8 = b.field(\.direction)?.type {
            direction = try b.direction().text
        } else {
            direction = nil
        }
        if b.field(\.durationMillis)?.type == .int(bitWidth: 64, signed: true) {
            durationMillis = try b.durationMillis()
        } else {
            durationMillis = nil
        }
    }

    /// Destination port of row i, or -1 when null or absent.
    @inline(__always)
    func port(_ i: Int) -> Int32 {
        guard let p = destinationPort, p.isValid(i) else { return -1 }
        return Int32(p.values[i])
    }

    /// Source port of row i, or -1 when null or absent.
    @inline(__always)
    func sourcePortValue(_ i: Int) -> Int32 {
        guard let p = sourcePort, p.isValid(i) else { return -1 }
        return Int32(p.values[i])
    }

    @inline(__always)
    func flags(_ i: Int) -> (UInt8, Bool) {
        guard let f = tcpFlags, f.isValid(i) else { return (0, false) }
        return (f.values[i], true)
    }

    @inline(__always)
    func reverse(_ i: Int) -> UInt64 {
        guard let r = reverseBytes, r.isValid(i) else { return 0 }
        return r.values[i]
    }

    @inline(__always)
    func duration(_ i: Int) -> Int64 {
        if let d = durationMillis { return max(0, d[i]) }
        return max(0, end[i] - start[i])
    }
}
