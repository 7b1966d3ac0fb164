import FlowRandom
import Testing
@testable import FlowCore

/// A deterministic generator (FlowRandom's SplitMix64), so failures reproduce.
typealias SplitMix = SplitMix64

extension SplitMix64 {
    init(state: UInt64) { self.init(seed: state) }
    /// True with probability `p`.
    mutating func chance(_ p: Double) -> Bool { Double(next() >> 11) / Double(1 << 53) < p }
}

/// The straightforward column layout FlowBatch must reproduce: one array per column, a
/// value slot (zero for null) and an explicitly set Arrow bit per row.
struct ReferenceColumn<T: Equatable & Sendable> {
    var values: [T] = []
    var bits: [UInt8] = []
    var nulls = 0
    let zero: T

    mutating func append(_ v: T?) {
        let row = values.count
        if row % 8 == 0 { bits.append(0) }
        if let v {
            values.append(v)
            bits[row / 8] |= 1 << UInt8(row % 8)
        } else {
            values.append(zero)
            nulls += 1
        }
    }

    func matches(_ c: NullableColumn<T>) -> Bool {
        c.values == values && c.validity.bytes == bits && c.validity.nullCount == nulls
            && c.validity.count == values.count && c.count == values.count
            && (0..<values.count).allSatisfy { c[$0] == (bits[$0 / 8] >> UInt8($0 % 8) & 1 == 1 ? values[$0] : nil) }
    }
}

struct ReferenceBatch {
    var start: [Int64] = [], end: [Int64] = [], srcAddr: [IPAddress] = [], dstAddr: [IPAddress] = []
    var proto: [UInt8] = [], packets: [UInt64] = [], bytes: [UInt64] = []
    var srcPort = ReferenceColumn<UInt16>(zero: 0), dstPort = ReferenceColumn<UInt16>(zero: 0)
    var tcpFlags = ReferenceColumn<UInt8>(zero: 0), tos = ReferenceColumn<UInt8>(zero: 0)
    var inputInterface = ReferenceColumn<UInt32>(zero: 0), outputInterface = ReferenceColumn<UInt32>(zero: 0)
    var srcAS = ReferenceColumn<UInt32>(zero: 0), dstAS = ReferenceColumn<UInt32>(zero: 0)
    var exporter = ReferenceColumn<IPAddress>(zero: .zero), samplingRate = ReferenceColumn<UInt32>(zero: 0)
    var flowDirection = ReferenceColumn<UInt8>(zero: 0)
    var revPackets = ReferenceColumn<UInt64>(zero: 0), revBytes = ReferenceColumn<UInt64>(zero: 0)
    var labelOffsets: [Int32] = [0], labelData: [UInt8] = [], labelValid = ReferenceColumn<Bool>(zero: false)

    mutating func append(_ r: FlowRecord, label: [UInt8]?) {
        start.append(r.start); end.append(r.end); srcAddr.append(r.srcAddr); dstAddr.append(r.dstAddr)
        proto.append(r.proto); packets.append(r.packets); bytes.append(r.bytes)
        srcPort.append(r.srcPort); dstPort.append(r.dstPort); tcpFlags.append(r.tcpFlags); tos.append(r.tos)
        inputInterface.append(r.inputInterface); outputInterface.append(r.outputInterface)
        srcAS.append(r.srcAS); dstAS.append(r.dstAS); exporter.append(r.exporter)
        samplingRate.append(r.samplingRate); flowDirection.append(r.flowDirection)
        revPackets.append(r.revPackets); revBytes.append(r.revBytes)
        if let label { labelData.append(contentsOf: label) }
        labelValid.append(label.map { _ in true })
        labelOffsets.append(Int32(labelData.count))
    }

    /// Every column, bitmap and null count of `b` against the reference; the first
    /// mismatching column's name, or nil.
    func mismatch(_ b: FlowBatch) -> String? {
        if b.count != start.count { return "count" }
        if b.start != start { return "start" }
        if b.end != end { return "end" }
        if b.srcAddr != srcAddr { return "srcAddr" }
        if b.dstAddr != dstAddr { return "dstAddr" }
        if b.proto != proto { return "proto" }
        if b.packets != packets { return "packets" }
        if b.bytes != bytes { return "bytes" }
        if !srcPort.matches(b.srcPort) { return "srcPort" }
        if !dstPort.matches(b.dstPort) { return "dstPort" }
        if !tcpFlags.matches(b.tcpFlags) { return "tcpFlags" }
        if !tos.matches(b.tos) { return "tos" }
        if !inputInterface.matches(b.inputInterface) { return "inputInterface" }
        if !outputInterface.matches(b.outputInterface) { return "outputInterface" }
        if !srcAS.matches(b.srcAS) { return "srcAS" }
        if !dstAS.matches(b.dstAS) { return "dstAS" }
        if !exporter.matches(b.exporter) { return "exporter" }
        if !samplingRate.matches(b.samplingRate) { return "samplingRate" }
        if !flowDirection.matches(b.flowDirection) { return "flowDirection" }
        if !revPackets.matches(b.revPackets) { return "revPackets" }
        if !revBytes.matches(b.revBytes) { return "revBytes" }
        if b.label.offsets != labelOffsets { return "label offsets" }
        if b.label.data != labelData { return "label data" }
        if b.label.count != labelOffsets.count - 1 { return "label count" }
        if b.label.validity.bytes != labelValid.bits || b.label.validity.nullCount != labelValid.nulls { return "label validity" }
        for i in 0..<b.label.count {
            let valid = labelValid.bits[i / 8] >> UInt8(i % 8) & 1 == 1
            let text = String(decoding: labelData[Int(labelOffsets[i])..<Int(labelOffsets[i + 1])], as: UTF8.self)
            if b.label[i] != (valid ? text : nil) { return "label row \(i)" }
        }
        return nil
    }
}

/// How often each optional field is null in one scenario.
struct NullPattern: Sendable, CustomTestStringConvertible {
    let name: String
    /// Probability of null per row (per field), or the row from which a field turns null
    /// (`switchAt`, field-dependent offset) when `p` is nil.
    let p: Double?
    let switchAt: Int
    var testDescription: String { name }

    static let all: [NullPattern] = [
        NullPattern(name: "never null", p: 0, switchAt: 0),
        NullPattern(name: "always null", p: 1, switchAt: 0),
        NullPattern(name: "half null", p: 0.5, switchAt: 0),
        NullPattern(name: "rarely null", p: 0.02, switchAt: 0),
        NullPattern(name: "mostly null", p: 0.97, switchAt: 0),
        NullPattern(name: "valid then null runs", p: nil, switchAt: 13),
        NullPattern(name: "null then valid runs", p: nil, switchAt: -13),
    ]

    func isNull(field: Int, row: Int, _ rng: inout SplitMix) -> Bool {
        if let p { return rng.chance(p) }
        // A run of one state, then the other, switching at a field-dependent row (some on
        // byte boundaries, some not) and back again after a while.
        let at = abs(switchAt) + field * 3
        let flipped = (row >= at && row < at * 5)
        return switchAt > 0 ? flipped : !flipped
    }
}

@Suite struct FlowBatchEquivalenceTests {
    static func record(row: Int, pattern: NullPattern, _ rng: inout SplitMix) -> FlowRecord {
        var r = FlowRecord()
        r.start = Int64(bitPattern: rng.next()); r.end = Int64(bitPattern: rng.next())
        r.srcAddr = IPAddress(high: rng.next() & 1, low: rng.next())
        r.dstAddr = IPAddress(ipv4: UInt32(truncatingIfNeeded: rng.next()))
        r.proto = UInt8(truncatingIfNeeded: rng.next()); r.packets = rng.next(); r.bytes = rng.next()
        func opt<T>(_ field: Int, _ make: (inout SplitMix) -> T) -> T? {
            pattern.isNull(field: field, row: row, &rng) ? nil : make(&rng)
        }
        r.srcPort = opt(0) { UInt16(truncatingIfNeeded: $0.next()) }
        r.dstPort = opt(1) { UInt16(truncatingIfNeeded: $0.next()) }
        r.tcpFlags = opt(2) { UInt8(truncatingIfNeeded: $0.next()) }
        r.inputInterface = opt(3) { UInt32(truncatingIfNeeded: $0.next()) }
        r.outputInterface = opt(4) { UInt32(truncatingIfNeeded: $0.next()) }
        r.srcAS = opt(5) { UInt32(truncatingIfNeeded: $0.next()) }
        r.dstAS = opt(6) { UInt32(truncatingIfNeeded: $0.next()) }
        r.tos = opt(7) { UInt8(truncatingIfNeeded: $0.next()) }
        r.exporter = opt(8) { IPAddress(high: $0.next(), low: $0.next()) }
        r.samplingRate = opt(9) { UInt32(truncatingIfNeeded: $0.next()) }
        r.flowDirection = opt(10) { UInt8(truncatingIfNeeded: $0.next() & 1) }
        r.revPackets = opt(11) { $0.next() }
        r.revBytes = opt(12) { $0.next() }
        return r
    }

    /// Makes row `row` (record and label), adds it to `ref` and hands it to `sink` for the
    /// layouts under test; returns the record.
    @discardableResult
    static func nextRow(_ row: Int, _ pattern: NullPattern, _ rng: inout SplitMix, into ref: inout ReferenceBatch,
                        _ sink: (FlowRecord, UnsafeBufferPointer<UInt8>?) -> Void) -> FlowRecord {
        let r = record(row: row, pattern: pattern, &rng)
        let text = label(row: row, pattern: pattern, &rng)
        ref.append(r, label: text)
        if let text { text.withUnsafeBufferPointer { sink(r, $0) } } else { sink(r, nil) }
        return r
    }

    static func label(row: Int, pattern: NullPattern, _ rng: inout SplitMix) -> [UInt8]? {
        if pattern.isNull(field: 13, row: row, &rng) { return nil }
        // Empty labels too: they repeat the previous offset like nulls do.
        return Array(repeating: UInt8(ascii: "a") + UInt8(row % 26), count: Int(rng.next() % 4))
    }

    @Test(arguments: NullPattern.all)
    func matchesReferenceLayout(pattern: NullPattern) throws {
        var rng = SplitMix(state: 42)
        // Lengths on and off byte boundaries; a reused batch must start over cleanly.
        var reused = FlowBatch(capacity: 64)
        for rows in [0, 1, 7, 8, 9, 63, 64, 65, 200, 1031] {
            var fresh = rows % 2 == 0 ? FlowBatch() : FlowBatch(capacity: rows)
            reused.removeAll()
            var ref = ReferenceBatch()
            for row in 0..<rows {
                let r = Self.nextRow(row, pattern, &rng, into: &ref) { r, label in
                    fresh.append(r, label: label)
                    reused.append(r, label: label)
                }
                #expect(fresh.record(at: row) == r)
            }
            #expect(ref.mismatch(fresh) == nil, "\(pattern.name), \(rows) rows, fresh batch")
            #expect(ref.mismatch(reused) == nil, "\(pattern.name), \(rows) rows, reused batch")
            #expect(fresh == reused)
        }
    }

    @Test func bitmapsCompareByContent() {
        var built = ValidityBitmap()
        for i in 0..<21 { built.append(i != 9) }
        let bytes = built.bytes
        #expect(bytes == [0xFF, 0xFD, 0x1F])
        let copied = bytes.withUnsafeBufferPointer { ValidityBitmap(bytes: $0, count: 21) }
        #expect(copied == built && copied.nullCount == 1 && copied.bytes == bytes)
        #expect(!copied[9] && copied[20] && copied[0])

        var allValid = ValidityBitmap()
        for _ in 0..<13 { allValid.append(true) }
        #expect(allValid == ValidityBitmap(allValid: 13))
        #expect(ValidityBitmap(allValid: 13).bytes == [0xFF, 0x1F])
        let allOnes: [UInt8] = [0xFF, 0xFF]
        #expect(allOnes.withUnsafeBufferPointer { ValidityBitmap(bytes: $0, count: 13) } == allValid)
        #expect(allValid != built)

        var allNull = ValidityBitmap()
        for _ in 0..<10 { allNull.append(false) }
        #expect(allNull.bytes == [0, 0] && allNull.nullCount == 10 && !allNull[3])
        #expect(ValidityBitmap().bytes.isEmpty)

        // Appending after a bulk copy continues the bits where the copy ended.
        var grown = copied
        grown.append(false); grown.append(true)
        #expect(grown.bytes == [0xFF, 0xFD, 0x5F] && grown.nullCount == 2 && grown.count == 23)
    }

    @Test func columnsStayWritableLikeAReaderFillsThem() {
        // FlowBatchReading assigns whole buffers and patches values in place.
        var c = NullableColumn<UInt16>(zero: 0)
        c.append(1); c.append(nil); c.append(3)
        c.values[2] = 30
        #expect(c[2] == 30 && c[1] == nil)
        c.validity = ValidityBitmap(allValid: 3)
        c.values = [4, 5, 6]
        #expect(c[1] == 5 && c.allNull == false)

        var s = StringColumn()
        s.append(nil as String?); s.append(""); s.append(nil as String?)
        #expect(s.offsets == [0, 0, 0, 0] && s.count == 3)
        s.append("xy"); s.append(nil as String?)
        #expect(s.offsets == [0, 0, 0, 0, 2, 2] && s.data == Array("xy".utf8))
        #expect(s[3] == "xy" && s[1] == "" && s[4] == nil)
        s.offsets[5] = 2  // in-place edit writes out the pending run first
        #expect(s.offsets == [0, 0, 0, 0, 2, 2])
        s.append("z")
        #expect(s.offsets == [0, 0, 0, 0, 2, 2, 3] && s[5] == "z")

        var t = StringColumn()
        t.offsets = [0, 1]; t.data = [UInt8(ascii: "q")]; t.validity = ValidityBitmap(allValid: 1)
        #expect(t[0] == "q" && t.count == 1)
        var u = StringColumn()
        u.append("q")
        #expect(t == u)
        t.removeAll()
        #expect(t.count == 0 && t.offsets == [0] && t == StringColumn())
    }
}
