import Foundation
import FlowCore
@testable import FlowGenerate

/// One generated row as the tests see it.
struct Row {
    let record: FlowRecord
    let label: TrafficLabel
    let dirt: DirtKind?
}

func collectRows(_ generator: FlowGenerator) -> [Row] {
    var rows: [Row] = []
    generator.forEachRow { rows.append(Row(record: $0, label: $1, dirt: $2)) }
    return rows
}

/// Shared fixtures, generated once per test process.
enum Fixture {
    /// A week of traffic with anomalies, cut into many small chunks.
    static let config = GeneratorConfig(rows: 60_000, days: 7, seed: 42, chunkRows: 5_000)
    static let generator = try? FlowGenerator(config: config)
    static let rows: [Row] = generator.map(collectRows) ?? []

    /// The same with dirt at 5 %.
    static let dirtyConfig: GeneratorConfig = {
        var c = config
        c.dirt = DirtRates(total: 0.05)
        return c
    }()
    static let dirtyGenerator = try? FlowGenerator(config: dirtyConfig)
    static let dirtyRows: [Row] = dirtyGenerator.map(collectRows) ?? []
}

/// The cleaning rules the generator promises clean rows keep; returns the first rule a
/// row breaks, named like the `DirtKind` that breaks it.
func brokenRule(_ r: FlowRecord, windowEnd: Int64) -> DirtKind? {
    if r.srcAddr.isUnspecified || r.dstAddr.isUnspecified { return .unspecifiedAddress }
    if r.start >= windowEnd + 86_400_000 { return .futureSkew }
    if r.end < r.start { return .endBeforeStart }
    if r.packets == 0 { return r.bytes > 0 ? .zeroPackets : nil }
    let perPacket = r.bytes / r.packets
    if perPacket < 20 { return .tinyPackets }
    if perPacket > 65_535 { return .hugePackets }
    if (r.proto == 1 || r.proto == 58) && (r.srcPort ?? 0) != 0 { return .icmpWithPorts }
    if r.proto == 17 && (r.tcpFlags ?? 0) != 0 { return .udpWithTCPFlags }
    return nil
}

/// Decompresses with the system's `gzip -dc`.
func gunzip(_ bytes: [UInt8]) throws -> [UInt8] {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("floe-gen-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let input = dir.appendingPathComponent("in.gz")
    try Data(bytes).write(to: input)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/sh")
    process.arguments = ["-c", "gzip -dc '\(input.path)' > '\(dir.path)/out'"]
    try process.run()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else { throw GenerateError.outputFailed(path: input.path, reason: "gzip -dc failed") }
    return [UInt8](try Data(contentsOf: dir.appendingPathComponent("out")))
}
