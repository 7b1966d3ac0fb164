import FlowCore

/// One validated flow as the clean engine holds it between reading and writing: plain
/// values only (labels are ids into the run's label table), so rows can be sorted, spilled
/// to disk as raw bytes and read back without any encoding step.
struct CleanRow: Sendable {
    var start: Int64 = 0
    var end: Int64 = 0
    var src: IPAddress = .zero
    var dst: IPAddress = .zero
    var exporter: IPAddress = .zero
    var packets: UInt64 = 0
    var bytes: UInt64 = 0
    var revPackets: UInt64 = 0
    var revBytes: UInt64 = 0
    var inputIf: UInt32 = 0
    var outputIf: UInt32 = 0
    var srcAS: UInt32 = 0
    var dstAS: UInt32 = 0
    var samplingRate: UInt32 = 0
    /// Id in the run's label table (meaningful when `Present.label` is set).
    var label: UInt32 = 0
    /// Index of the input file the row came from.
    var input: UInt32 = 0
    var srcPort: UInt16 = 0
    var dstPort: UInt16 = 0
    var proto: UInt8 = 0
    var tcpFlags: UInt8 = 0
    var tos: UInt8 = 0
    var flowDirection: UInt8 = 0
    /// Which nullable columns hold a value (`Present` bits).
    var present: UInt16 = 0

    @inline(__always) func has(_ bit: UInt16) -> Bool { present & bit != 0 }
}

/// Bits of `CleanRow.present`.
enum Present {
    static let srcPort: UInt16 = 1 << 0
    static let dstPort: UInt16 = 1 << 1
    static let tcpFlags: UInt16 = 1 << 2
    static let inputIf: UInt16 = 1 << 3
    static let outputIf: UInt16 = 1 << 4
    static let srcAS: UInt16 = 1 << 5
    static let dstAS: UInt16 = 1 << 6
    static let tos: UInt16 = 1 << 7
    static let exporter: UInt16 = 1 << 8
    static let samplingRate: UInt16 = 1 << 9
    static let flowDirection: UInt16 = 1 << 10
    static let revPackets: UInt16 = 1 << 11
    static let revBytes: UInt16 = 1 << 12
    static let label: UInt16 = 1 << 13
}

/// The dataset's total row order: start, src_addr, then every other column (addresses in
/// numeric 128-bit order, a null before any value), then the label id and the input
/// index, so that equal rows can only be byte-identical ones and the kept copy of a
/// duplicate does not depend on thread timing.
enum RowOrder {
    @inline(__always)
    static func less(_ a: CleanRow, _ b: CleanRow) -> Bool {
        if a.start != b.start { return a.start < b.start }
        if a.src.high != b.src.high { return a.src.high < b.src.high }
        if a.src.low != b.src.low { return a.src.low < b.src.low }
        return lessAfterSource(a, b)
    }

    @inline(never)
    static func lessAfterSource(_ x: CleanRow, _ y: CleanRow) -> Bool {
        if x.dst.high != y.dst.high { return x.dst.high < y.dst.high }
        if x.dst.low != y.dst.low { return x.dst.low < y.dst.low }
        var c = 0
        // Nullable columns compare as (present, value): null first.
        @inline(__always) func nullable<T: FixedWidthInteger>(_ bit: UInt16, _ a: T, _ b: T) -> Int {
            let pa = x.has(bit), pb = y.has(bit)
            if pa != pb { return pa ? 1 : -1 }
            if !pa || a == b { return 0 }
            return a < b ? -1 : 1
        }
        @inline(__always) func plain<T: Comparable>(_ a: T, _ b: T) -> Int { a == b ? 0 : (a < b ? -1 : 1) }
        c = nullable(Present.srcPort, x.srcPort, y.srcPort); if c != 0 { return c < 0 }
        c = nullable(Present.dstPort, x.dstPort, y.dstPort); if c != 0 { return c < 0 }
        c = plain(x.proto, y.proto); if c != 0 { return c < 0 }
        c = plain(x.packets, y.packets); if c != 0 { return c < 0 }
        c = plain(x.bytes, y.bytes); if c != 0 { return c < 0 }
        c = plain(x.end, y.end); if c != 0 { return c < 0 }
        c = nullable(Present.exporter, x.exporter.high, y.exporter.high); if c != 0 { return c < 0 }
        c = nullable(Present.exporter, x.exporter.low, y.exporter.low); if c != 0 { return c < 0 }
        c = nullable(Present.tcpFlags, x.tcpFlags, y.tcpFlags); if c != 0 { return c < 0 }
        c = nullable(Present.revPackets, x.revPackets, y.revPackets); if c != 0 { return c < 0 }
        c = nullable(Present.revBytes, x.revBytes, y.revBytes); if c != 0 { return c < 0 }
        c = nullable(Present.inputIf, x.inputIf, y.inputIf); if c != 0 { return c < 0 }
        c = nullable(Present.outputIf, x.outputIf, y.outputIf); if c != 0 { return c < 0 }
        c = nullable(Present.srcAS, x.srcAS, y.srcAS); if c != 0 { return c < 0 }
        c = nullable(Present.dstAS, x.dstAS, y.dstAS); if c != 0 { return c < 0 }
        c = nullable(Present.tos, x.tos, y.tos); if c != 0 { return c < 0 }
        c = nullable(Present.samplingRate, x.samplingRate, y.samplingRate); if c != 0 { return c < 0 }
        c = nullable(Present.flowDirection, x.flowDirection, y.flowDirection); if c != 0 { return c < 0 }
        c = nullable(Present.label, x.label, y.label); if c != 0 { return c < 0 }
        return x.input < y.input
    }
}

extension CleanRow {
    /// A row from a `FlowRecord` (tests and slow paths); `label` is a label id or nil.
    init(_ r: FlowRecord, input: UInt32 = 0, label: UInt32? = nil) {
        self.init()
        start = r.start; end = r.end; src = r.srcAddr; dst = r.dstAddr; proto = r.proto
        packets = r.packets; bytes = r.bytes; self.input = input
        var p: UInt16 = 0
        if let v = r.srcPort { srcPort = v; p |= Present.srcPort }
        if let v = r.dstPort { dstPort = v; p |= Present.dstPort }
        if let v = r.tcpFlags { tcpFlags = v; p |= Present.tcpFlags }
        if let v = r.inputInterface { inputIf = v; p |= Present.inputIf }
        if let v = r.outputInterface { outputIf = v; p |= Present.outputIf }
        if let v = r.srcAS { srcAS = v; p |= Present.srcAS }
        if let v = r.dstAS { dstAS = v; p |= Present.dstAS }
        if let v = r.tos { tos = v; p |= Present.tos }
        if let v = r.exporter { exporter = v; p |= Present.exporter }
        if let v = r.samplingRate { samplingRate = v; p |= Present.samplingRate }
        if let v = r.flowDirection { flowDirection = v; p |= Present.flowDirection }
        if let v = r.revPackets { revPackets = v; p |= Present.revPackets }
        if let v = r.revBytes { revBytes = v; p |= Present.revBytes }
        if let label { self.label = label; p |= Present.label }
        present = p
    }
}
