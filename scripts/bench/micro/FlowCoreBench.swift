// Release-mode micro benchmark of FlowCore's per-row costs: FlowBatch.append and IPv6
// text parse/format. Built by run.sh against FlowCore compiled as a separate module, so
// calls cross a module boundary as they do from FlowFormats. Not part of `swift test`.
import FlowCore
#if canImport(Glibc)
import Glibc
#endif

/// Thread CPU time, so time spent descheduled on a shared machine is not counted.
@inline(never) func now() -> UInt64 {
    var ts = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
    return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
}

@inline(never) func blackHole<T>(_ x: T) { withExtendedLifetime(x) {} }

func fmt(_ x: Double) -> String { let c = Int((x * 10).rounded()); return "\(c / 10).\(c % 10)" }

func median(_ xs: [Double]) -> Double { let s = xs.sorted(); return s[s.count / 2] }

/// Runs `body` (which does `ops` operations) `reps` times; prints the median ns/op.
func measure(_ name: String, ops: Int, reps: Int = 9, _ body: () -> Void) {
    body()  // warm up
    var samples: [Double] = []
    for _ in 0..<reps {
        let t0 = now()
        body()
        samples.append(Double(now() - t0) / Double(ops))
    }
    print("\(name): median \(fmt(median(samples))) ns/op, min \(fmt(samples.min()!))")
}

let rows = 65_536
let batches = 16

func fullRecord(_ i: Int) -> FlowRecord {
    var r = FlowRecord()
    r.start = 1_700_000_000_000 + Int64(i); r.end = r.start + 10
    r.srcAddr = IPAddress(ipv4: UInt32(truncatingIfNeeded: i)); r.dstAddr = IPAddress(ipv4: 0x0A00_0001)
    r.srcPort = UInt16(truncatingIfNeeded: i); r.dstPort = 443; r.proto = 6; r.tcpFlags = 0x1B
    r.packets = 10; r.bytes = 1500; r.inputInterface = 1; r.outputInterface = 2
    r.srcAS = 64_500; r.dstAS = 64_501; r.tos = 0; r.exporter = IPAddress(ipv4: 0xC0A8_0001)
    r.samplingRate = 1; r.flowDirection = 0; r.revPackets = 8; r.revBytes = 900
    return r
}

func sparseRecord(_ i: Int) -> FlowRecord {
    var r = FlowRecord()
    r.start = 1_700_000_000_000 + Int64(i); r.end = r.start + 10
    r.srcAddr = IPAddress(ipv4: UInt32(truncatingIfNeeded: i)); r.dstAddr = IPAddress(ipv4: 0x0A00_0001)
    r.srcPort = UInt16(truncatingIfNeeded: i); r.dstPort = 443; r.proto = 6
    r.packets = 10; r.bytes = 1500
    return r
}

let full = (0..<1024).map(fullRecord)
let sparse = (0..<1024).map(sparseRecord)
let label: [UInt8] = Array("BENIGN".utf8)

/// Appends `batches` batches of `rows` rows (`fresh`: a new FlowBatch(capacity:) per batch,
/// as FlowIngest does; otherwise one batch emptied with removeAll()).
func appendBench(_ name: String, _ recs: [FlowRecord], withLabel: Bool, fresh: Bool, rows: Int = rows) {
    var batch = FlowBatch(capacity: rows)
    let batches = batches * 65_536 / rows
    measure(name, ops: rows * batches) {
        var sum = 0
        label.withUnsafeBufferPointer { lb in
            for _ in 0..<batches {
                if fresh { batch = FlowBatch(capacity: rows) } else { batch.removeAll() }
                recs.withUnsafeBufferPointer { rp in
                    for i in 0..<rows {
                        batch.append(rp[i & 1023], label: withLabel ? lb : nil)
                    }
                }
                sum &+= batch.count
            }
        }
        blackHole(sum)
        blackHole(batch)
    }
}

appendBench("append full, reused batch     ", full, withLabel: false, fresh: false)
appendBench("append full, fresh batch      ", full, withLabel: false, fresh: true)
appendBench("append full+label, reused     ", full, withLabel: true, fresh: false)
appendBench("append sparse, reused batch   ", sparse, withLabel: false, fresh: false)
appendBench("append sparse, fresh batch    ", sparse, withLabel: false, fresh: true)
// Small batches stay in cache: what is left is the CPU cost of append itself.
appendBench("append full, 4096-row batch   ", full, withLabel: false, fresh: false, rows: 4096)
appendBench("append sparse, 4096-row batch ", sparse, withLabel: false, fresh: false, rows: 4096)

let v6Texts = ["2001:db8::1", "fe80::1ff:fe23:4567:890a", "2001:0db8:85a3:0000:0000:8a2e:0370:7334",
               "::ffff:192.0.2.1", "64:ff9b::192.0.2.33", "1:2:3:4:5:6:7:8", "::", "2a00:1450:4001:82b::200e"]
let v6Bytes = v6Texts.map { Array($0.utf8) }
let parseOps = 1_000_000
measure("parseIPv6                     ", ops: parseOps) {
    var acc: UInt64 = 0
    for i in 0..<parseOps {
        v6Bytes[i & 7].withUnsafeBufferPointer { if let a = IPAddress.parseIPv6($0) { acc &+= a.low } }
    }
    blackHole(acc)
}
let v6Addrs = v6Texts.compactMap { IPAddress($0) }.filter { !$0.isIPv4 }
var out: [UInt8] = []
out.reserveCapacity(64 * 1024)
measure("appendText IPv6               ", ops: parseOps) {
    for i in 0..<parseOps {
        if out.count > 60_000 { out.removeAll(keepingCapacity: true) }
        v6Addrs[i % v6Addrs.count].appendText(to: &out)
    }
    blackHole(out.count)
}
