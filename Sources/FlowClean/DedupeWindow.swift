/// Streaming dedupe over rows arriving in start order: a row is a duplicate when a row
/// with the same key (the configured columns) was kept at most `tolerance` ms earlier —
/// unless both come from the same exporter (or both name none) and differ in any column:
/// one exporter never reports one flow twice with different values (nfpcapd writes one
/// ICMP echo flow a second, each its own), so only an exact copy of its record (the same
/// file read twice, overlapping files) is dropped. The tolerance is for copies of one flow
/// seen by two exporters, whose clocks and counters differ slightly.
/// Holds only keys seen within the tolerance window (an open-addressing table, rebuilt
/// without expired entries as it fills), so memory does not grow with the input.
struct DedupeWindow {
    private struct Slot {
        var used = false
        var hash: UInt64 = 0
        var row = CleanRow()
    }

    let fields: Set<DedupeField>
    let tolerance: Int64
    /// Which columns make the key.
    private struct KeyColumns {
        var useSrc = false, useDst = false, useSrcPort = false, useDstPort = false, useProto = false
        var usePackets = false, useBytes = false, useEnd = false, useExporter = false, useFlags = false
        var useInputIf = false, useOutputIf = false
    }
    private let columns: KeyColumns
    private var slots: [Slot]
    private var used = 0
    /// The indices of the used slots, so that a rebuild visits those and not the whole
    /// table (a rebuild comes every few hundred kept rows; the live keys are few).
    private var occupied: [Int32] = []
    /// Live slots collected by a rebuild (kept for reuse).
    private var live: [Slot] = []

    init(key: [DedupeField], toleranceMillis: Int64) {
        fields = Set(key)
        tolerance = toleranceMillis
        var k = KeyColumns()
        k.useSrc = fields.contains(.srcAddr); k.useDst = fields.contains(.dstAddr)
        k.useSrcPort = fields.contains(.srcPort); k.useDstPort = fields.contains(.dstPort)
        k.useProto = fields.contains(.proto); k.usePackets = fields.contains(.packets); k.useBytes = fields.contains(.bytes)
        k.useEnd = fields.contains(.end); k.useExporter = fields.contains(.exporter); k.useFlags = fields.contains(.tcpFlags)
        k.useInputIf = fields.contains(.inputIf); k.useOutputIf = fields.contains(.outputIf)
        columns = k
        slots = [Slot](repeating: Slot(), count: 1024)
    }

    /// Forgets every key (used between days that are not consecutive).
    mutating func reset() {
        if used == 0 { return }
        slots = [Slot](repeating: Slot(), count: 1024)
        used = 0
        occupied.removeAll(keepingCapacity: true)
    }

    /// True when `r` duplicates a kept row; otherwise records `r` as kept and returns false.
    mutating func isDuplicate(_ r: CleanRow) -> Bool {
        withUnsafePointer(to: r) { isDuplicate($0) }
    }

    /// `isDuplicate(_:)` for a row lent by pointer (copied only when it is kept).
    mutating func isDuplicate(_ row: UnsafePointer<CleanRow>) -> Bool {
        let h = hash(row)
        let start = row.pointee.start
        let tolerance = self.tolerance, columns = self.columns
        let mask = slots.count - 1
        var i = Int(truncatingIfNeeded: h) & mask
        // 1: duplicate, 0: the key's earlier copy expired and this row replaced it, -1: new key.
        let outcome = slots.withUnsafeMutableBufferPointer { slots -> Int in
            while slots[i].used {
                if slots[i].hash == h && Self.sameKey(&slots[i].row, row, columns) {
                    if start &- slots[i].row.start <= tolerance
                        && (!Self.sameSource(&slots[i].row, row) || Self.identical(&slots[i].row, row)) { return 1 }
                    slots[i].row = row.pointee  // this row starts a new window
                    return 0
                }
                i = (i + 1) & mask
            }
            slots[i].used = true
            slots[i].hash = h
            slots[i].row = row.pointee
            return -1
        }
        if outcome < 0 {
            occupied.append(Int32(truncatingIfNeeded: i))
            used += 1
            if used * 2 > slots.count { rebuild(now: start) }
        }
        return outcome == 1
    }

    /// Drops the keys kept more than `tolerance` before `now`, sizing the table to four
    /// times the live keys (at least 1,024 slots).
    private mutating func rebuild(now: Int64) {
        live.removeAll(keepingCapacity: true)
        for k in occupied {
            let i = Int(k)
            if now &- slots[i].row.start <= tolerance { live.append(slots[i]) }
            slots[i].used = false
        }
        occupied.removeAll(keepingCapacity: true)
        var capacity = 1024
        while capacity < live.count * 4 { capacity *= 2 }
        if capacity != slots.count { slots = [Slot](repeating: Slot(), count: capacity) }
        used = live.count
        let mask = capacity - 1
        for s in live {
            var i = Int(truncatingIfNeeded: s.hash) & mask
            while slots[i].used { i = (i + 1) & mask }
            slots[i] = s
            occupied.append(Int32(truncatingIfNeeded: i))
        }
    }

    @inline(__always)
    private func hash(_ row: UnsafePointer<CleanRow>) -> UInt64 {
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15
        @inline(__always) func mix(_ v: UInt64) {
            h = (h ^ v) &* 0xBF58_476D_1CE4_E5B9
            h ^= h >> 31
        }
        let r = row.pointee
        if columns.useSrc { mix(r.src.high); mix(r.src.low) }
        if columns.useDst { mix(r.dst.high); mix(r.dst.low) }
        if columns.useSrcPort || columns.useDstPort || columns.useProto {
            mix(UInt64(columns.useSrcPort && r.has(Present.srcPort) ? UInt32(r.srcPort) + 1 : 0) << 32
                | UInt64(columns.useDstPort && r.has(Present.dstPort) ? UInt32(r.dstPort) + 1 : 0) << 8
                | UInt64(columns.useProto ? r.proto : 0))
        }
        if columns.usePackets { mix(r.packets) }
        if columns.useBytes { mix(r.bytes) }
        if columns.useEnd { mix(UInt64(bitPattern: r.end)) }
        if columns.useExporter { mix(r.has(Present.exporter) ? r.exporter.low ^ r.exporter.high : 0) }
        h ^= h >> 29
        return h
    }

    /// Both rows name the same exporter, or neither names one.
    @inline(__always)
    private static func sameSource(_ x: UnsafePointer<CleanRow>, _ y: UnsafePointer<CleanRow>) -> Bool {
        let a = x.pointee, b = y.pointee
        return a.has(Present.exporter) == b.has(Present.exporter) && (!a.has(Present.exporter) || a.exporter == b.exporter)
    }

    /// Equal in every column (nullable ones: both null, or both the same value); the input
    /// file a row came from is not a column.
    @inline(__always)
    static func identical(_ x: UnsafePointer<CleanRow>, _ y: UnsafePointer<CleanRow>) -> Bool {
        let a = x.pointee, b = y.pointee
        guard a.present == b.present, a.start == b.start, a.end == b.end, a.src == b.src, a.dst == b.dst,
              a.proto == b.proto, a.packets == b.packets, a.bytes == b.bytes else { return false }
        func same<T: Equatable>(_ bit: UInt16, _ u: T, _ v: T) -> Bool { !a.has(bit) || u == v }
        return same(Present.srcPort, a.srcPort, b.srcPort) && same(Present.dstPort, a.dstPort, b.dstPort)
            && same(Present.tcpFlags, a.tcpFlags, b.tcpFlags) && same(Present.inputIf, a.inputIf, b.inputIf)
            && same(Present.outputIf, a.outputIf, b.outputIf) && same(Present.srcAS, a.srcAS, b.srcAS)
            && same(Present.dstAS, a.dstAS, b.dstAS) && same(Present.tos, a.tos, b.tos)
            && same(Present.exporter, a.exporter, b.exporter) && same(Present.samplingRate, a.samplingRate, b.samplingRate)
            && same(Present.flowDirection, a.flowDirection, b.flowDirection)
            && same(Present.revPackets, a.revPackets, b.revPackets) && same(Present.revBytes, a.revBytes, b.revBytes)
            && same(Present.label, a.label, b.label)
    }

    @inline(__always)
    private static func sameKey(_ x: UnsafePointer<CleanRow>, _ y: UnsafePointer<CleanRow>, _ w: KeyColumns) -> Bool {
        let a = x.pointee, b = y.pointee
        func nullable<T: Equatable>(_ bit: UInt16, _ u: T, _ v: T) -> Bool {
            a.has(bit) == b.has(bit) && (!a.has(bit) || u == v)
        }
        if w.useSrc && a.src != b.src { return false }
        if w.useDst && a.dst != b.dst { return false }
        if w.useSrcPort && !nullable(Present.srcPort, a.srcPort, b.srcPort) { return false }
        if w.useDstPort && !nullable(Present.dstPort, a.dstPort, b.dstPort) { return false }
        if w.useProto && a.proto != b.proto { return false }
        if w.usePackets && a.packets != b.packets { return false }
        if w.useBytes && a.bytes != b.bytes { return false }
        if w.useEnd && a.end != b.end { return false }
        if w.useExporter && !nullable(Present.exporter, a.exporter, b.exporter) { return false }
        if w.useFlags && !nullable(Present.tcpFlags, a.tcpFlags, b.tcpFlags) { return false }
        if w.useInputIf && !nullable(Present.inputIf, a.inputIf, b.inputIf) { return false }
        if w.useOutputIf && !nullable(Present.outputIf, a.outputIf, b.outputIf) { return false }
        return true
    }
}
