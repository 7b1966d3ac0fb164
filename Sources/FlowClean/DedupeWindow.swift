/// Streaming dedupe over rows arriving in start order: a row is a duplicate when a row
/// with the same key (the configured columns) was kept at most `tolerance` ms earlier.
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
    private let useSrc, useDst, useSrcPort, useDstPort, useProto, usePackets, useBytes: Bool
    private let useEnd, useExporter, useFlags, useInputIf, useOutputIf: Bool
    private var slots: [Slot]
    private var used = 0

    init(key: [DedupeField], toleranceMillis: Int64) {
        fields = Set(key)
        tolerance = toleranceMillis
        useSrc = fields.contains(.srcAddr); useDst = fields.contains(.dstAddr)
        useSrcPort = fields.contains(.srcPort); useDstPort = fields.contains(.dstPort)
        useProto = fields.contains(.proto); usePackets = fields.contains(.packets); useBytes = fields.contains(.bytes)
        useEnd = fields.contains(.end); useExporter = fields.contains(.exporter); useFlags = fields.contains(.tcpFlags)
        useInputIf = fields.contains(.inputIf); useOutputIf = fields.contains(.outputIf)
        slots = [Slot](repeating: Slot(), count: 1024)
    }

    /// Forgets every key (used between days that are not consecutive).
    mutating func reset() {
        if used == 0 { return }
        slots = [Slot](repeating: Slot(), count: 1024)
        used = 0
    }

    /// True when `r` duplicates a kept row; otherwise records `r` as kept and returns false.
    mutating func isDuplicate(_ r: CleanRow) -> Bool {
        let h = hash(r)
        let mask = slots.count - 1
        var i = Int(truncatingIfNeeded: h) & mask
        while slots[i].used {
            if slots[i].hash == h && sameKey(slots[i].row, r) {
                if r.start &- slots[i].row.start <= tolerance { return true }
                slots[i].row = r  // the earlier copy has expired: this row starts a new window
                return false
            }
            i = (i + 1) & mask
        }
        slots[i] = Slot(used: true, hash: h, row: r)
        used += 1
        if used * 2 > slots.count { rebuild(now: r.start) }
        return false
    }

    private mutating func rebuild(now: Int64) {
        let live = slots.filter { $0.used && now &- $0.row.start <= tolerance }
        var capacity = 1024
        while capacity < live.count * 4 { capacity *= 2 }
        slots = [Slot](repeating: Slot(), count: capacity)
        used = live.count
        let mask = capacity - 1
        for s in live {
            var i = Int(truncatingIfNeeded: s.hash) & mask
            while slots[i].used { i = (i + 1) & mask }
            slots[i] = s
        }
    }

    @inline(__always)
    private func hash(_ r: CleanRow) -> UInt64 {
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15
        @inline(__always) func mix(_ v: UInt64) {
            h = (h ^ v) &* 0xBF58_476D_1CE4_E5B9
            h ^= h >> 31
        }
        if useSrc { mix(r.src.high); mix(r.src.low) }
        if useDst { mix(r.dst.high); mix(r.dst.low) }
        if useSrcPort || useDstPort || useProto {
            mix(UInt64(useSrcPort && r.has(Present.srcPort) ? UInt32(r.srcPort) + 1 : 0) << 32
                | UInt64(useDstPort && r.has(Present.dstPort) ? UInt32(r.dstPort) + 1 : 0) << 8
                | UInt64(useProto ? r.proto : 0))
        }
        if usePackets { mix(r.packets) }
        if useBytes { mix(r.bytes) }
        if useEnd { mix(UInt64(bitPattern: r.end)) }
        if useExporter { mix(r.has(Present.exporter) ? r.exporter.low ^ r.exporter.high : 0) }
        h ^= h >> 29
        return h
    }

    @inline(__always)
    private func sameKey(_ a: CleanRow, _ b: CleanRow) -> Bool {
        func nullable<T: Equatable>(_ bit: UInt16, _ x: T, _ y: T) -> Bool {
            a.has(bit) == b.has(bit) && (!a.has(bit) || x == y)
        }
        if useSrc && a.src != b.src { return false }
        if useDst && a.dst != b.dst { return false }
        if useSrcPort && !nullable(Present.srcPort, a.srcPort, b.srcPort) { return false }
        if useDstPort && !nullable(Present.dstPort, a.dstPort, b.dstPort) { return false }
        if useProto && a.proto != b.proto { return false }
        if usePackets && a.packets != b.packets { return false }
        if useBytes && a.bytes != b.bytes { return false }
        if useEnd && a.end != b.end { return false }
        if useExporter && !nullable(Present.exporter, a.exporter, b.exporter) { return false }
        if useFlags && !nullable(Present.tcpFlags, a.tcpFlags, b.tcpFlags) { return false }
        if useInputIf && !nullable(Present.inputIf, a.inputIf, b.inputIf) { return false }
        if useOutputIf && !nullable(Present.outputIf, a.outputIf, b.outputIf) { return false }
        return true
    }
}
