import FlowCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import FlowTestSupport

/// `name` inside a fresh temporary folder.
func temporaryPath(_ name: String) -> String { temporaryFolder("columnar") + "/" + name }

func readAll(_ path: String) -> [UInt8] {
    let fd = open(path, O_RDONLY)
    precondition(fd >= 0, "cannot open \(path)")
    defer { close(fd) }
    var out: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 65536)
    while true {
        let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        if n <= 0 { break }
        out.append(contentsOf: chunk[0..<n])
    }
    return out
}

func writeAll(_ bytes: [UInt8], to path: String) {
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    precondition(fd >= 0, "cannot create \(path)")
    defer { close(fd) }
    var done = 0
    while done < bytes.count {
        let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + done, bytes.count - done) }
        precondition(n > 0)
        done += n
    }
}

/// Deterministic pseudo-random numbers (SplitMix64).
struct SplitMix {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func below(_ n: UInt64) -> UInt64 { next() % n }
}

/// A batch with every kind of value: IPv4 and IPv6 (including `::` and v4-mapped forms),
/// nulls in every nullable column, empty and non-ASCII labels, extreme integers.
func sampleBatch(rows: Int, seed: UInt64) -> FlowBatch {
    var rng = SplitMix(state: seed)
    var batch = FlowBatch(capacity: rows)
    let labels = ["BENIGN", "", "DDoS", "PortScan", "Web Attack \u{2013} XSS", "quote\"back\\slash"]
    for i in 0..<rows {
        var r = FlowRecord()
        r.start = 1_700_000_000_000 + Int64(rng.below(86_400_000)) - (i % 7 == 0 ? 2_000_000_000_000 : 0)
        r.end = r.start + Int64(rng.below(60_000))
        r.srcAddr = i % 5 == 3 ? IPAddress(high: rng.next(), low: rng.next()) : IPAddress(ipv4: UInt32(truncatingIfNeeded: rng.next()))
        r.dstAddr = i % 11 == 4 ? .zero : (i % 4 == 1 ? IPAddress(high: 0x2001_0db8_0000_0000, low: rng.below(3)) : IPAddress(ipv4: UInt32(truncatingIfNeeded: rng.next())))
        r.srcPort = i % 6 == 0 ? nil : UInt16(truncatingIfNeeded: rng.next())
        r.dstPort = i % 9 == 0 ? nil : UInt16(truncatingIfNeeded: rng.next())
        r.proto = [6, 17, 1, 58][Int(rng.below(4))]
        r.tcpFlags = r.proto == 6 ? UInt8(truncatingIfNeeded: rng.next()) : nil
        r.packets = i == 0 ? UInt64.max : rng.below(1_000_000) + 1
        r.bytes = i == 1 ? UInt64.max - 1 : rng.below(1_000_000_000)
        r.inputInterface = i % 3 == 0 ? nil : UInt32(truncatingIfNeeded: rng.next())
        r.outputInterface = i % 3 == 1 ? nil : UInt32(rng.below(64))
        r.srcAS = i % 2 == 0 ? nil : UInt32(truncatingIfNeeded: rng.next())
        r.dstAS = i % 2 == 1 ? nil : UInt32.max
        r.tos = i % 8 == 0 ? nil : UInt8(truncatingIfNeeded: rng.next())
        r.exporter = i % 3 == 2 ? nil : (i % 4 == 0 ? IPAddress("fe80::1")! : IPAddress(ipv4: 0x0A00_0001 + UInt32(i % 3)))
        r.samplingRate = i % 5 == 0 ? nil : 1 + UInt32(rng.below(1000))
        r.flowDirection = i % 4 == 3 ? nil : UInt8(i % 2)
        r.revPackets = i % 3 == 0 ? nil : rng.below(1000)
        r.revBytes = i % 3 == 0 ? nil : rng.below(100_000)
        if i % 7 == 5 {
            batch.append(r, label: nil)
        } else {
            var label = labels[i % labels.count]
            label.withUTF8 { batch.append(r, label: $0) }
        }
    }
    return batch
}
