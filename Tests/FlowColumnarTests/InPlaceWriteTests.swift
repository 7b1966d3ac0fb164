import FlowCore
import Testing
@testable import FlowColumnar

/// `FlowArrowWriter.write` of a builder's rows in place writes the bytes that writing the
/// `FlowBatch` the builder drains into writes, whatever the null pattern of each column
/// (none, all, some), the row count (on and off byte and word boundaries) and the labels.
@Suite struct InPlaceWriteTests {
    /// How often a nullable field is null: never, always, or in a mix.
    enum Nulls: CaseIterable { case never, always, mixed }

    /// Row `i` of a seeded mix of IPv4 and IPv6 flows; `nulls` decides the optional fields.
    static func record(_ i: Int, _ nulls: Nulls) -> (FlowRecord, [UInt8]?) {
        var x = UInt64(i) &* 0x9E37_79B9_7F4A_7C15 &+ 12345
        func next() -> UInt64 { x ^= x >> 29; x = x &* 0xBF58_476D_1CE4_E5B9; return x >> 11 }
        func maybe<T>(_ v: T) -> T? {
            switch nulls {
            case .never: return v
            case .always: return nil
            case .mixed: return next() % 3 == 0 ? nil : v
            }
        }
        var r = FlowRecord()
        r.start = Int64(1_793_491_200_000 + i * 17)
        r.end = r.start + Int64(next() % 5000)
        r.srcAddr = i % 4 == 3 ? IPAddress("fd00:f10e::\(i % 500):8")! : IPAddress(ipv4: UInt32(truncatingIfNeeded: next()))
        r.dstAddr = IPAddress(ipv4: 0x0A00_0000 | UInt32(i % 65_000))
        r.proto = i % 3 == 0 ? 17 : 6
        r.packets = next() % 1000
        r.bytes = next() % 1_000_000
        r.srcPort = maybe(UInt16(truncatingIfNeeded: next()))
        r.dstPort = maybe(443)
        r.tcpFlags = maybe(UInt8(truncatingIfNeeded: next()))
        r.inputInterface = maybe(1)
        r.outputInterface = maybe(UInt32(i % 7))
        r.srcAS = maybe(64_500)
        r.dstAS = maybe(0)
        r.tos = maybe(0)
        r.exporter = maybe(i % 5 == 0 ? IPAddress("2001:db8::1")! : IPAddress(ipv4: 0x0A00_FF01))
        r.samplingRate = maybe(1)
        r.flowDirection = maybe(UInt8(i & 1))
        r.revPackets = maybe(next() % 100)
        r.revBytes = maybe(next() % 100_000)
        let label: [UInt8]? = maybe(i % 11 == 0 ? Array("ddos".utf8) : i % 13 == 0 ? [] : Array("benign".utf8))
        return (r, label)
    }

    @Test(arguments: Nulls.allCases)
    func inPlaceBatchesWriteTheDrainedBatchesBytes(nulls: Nulls) throws {
        let inPlacePath = temporaryPath("in-place.arrow"), drainedPath = temporaryPath("drained.arrow")
        let inPlace = try FlowArrowWriter(path: inPlacePath), drained = try FlowArrowWriter(path: drainedPath)
        let a = FlowBatchBuilder(capacity: 200), b = FlowBatchBuilder(capacity: 200)
        var row = 0
        for rows in [1, 7, 8, 63, 64, 65, 130, 200] {
            for _ in 0..<rows {
                let (r, label) = Self.record(row, nulls)
                row += 1
                label.withUnsafeBufferPointerOrNil { a.append(r, label: $0); b.append(r, label: $0) }
            }
            try inPlace.write(a.rowsInPlace)
            a.removeAll()
            var batch = FlowBatch()
            b.drain(into: &batch)
            try drained.write(batch)
        }
        try inPlace.write(a.rowsInPlace)  // no rows: nothing written
        try inPlace.finish(sync: false)
        try drained.finish(sync: false)
        let written = readAll(inPlacePath)
        #expect(written.count > 1000)
        #expect(written == readAll(drainedPath))
    }
}

extension Optional where Wrapped == [UInt8] {
    /// `body` with the bytes, or with nil.
    func withUnsafeBufferPointerOrNil<R>(_ body: (UnsafeBufferPointer<UInt8>?) -> R) -> R {
        switch self {
        case .some(let bytes): return bytes.withUnsafeBufferPointer { body($0) }
        case .none: return body(nil)
        }
    }
}
