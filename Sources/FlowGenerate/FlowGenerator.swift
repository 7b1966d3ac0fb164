import FlowCore
import FlowFormats
import FlowIO

/// `floe generate`: a seeded generator of realistic flow logs with labelled anomalies.
///
/// The traffic model (see docs/generator.md for the full description):
/// - **Hosts** (`AddressPlan`): ~1500 internal clients in eight /24s of `10.0.0.0/16`
///   plus IPv6 clients in `fd00:f10e::/64`; internal web, DNS, mail, SSH and NTP servers
///   in `10.0.1.0/24`; external hosts ranked by popularity (documentation ranges
///   `198.51.100.0/24` and `203.0.113.0/24` first, then the public IPv4 space avoiding
///   special-purpose blocks) and a pool in `2001:db8::/32`. All picks are Zipf through
///   O(1) alias tables.
/// - **Time** (`Seasonality`): `days` days from `startDay` 00:00 UTC; rows spread over
///   minutes by an office-hours diurnal curve and a weekly curve (weekends lower),
///   exactly `rows` in total.
/// - **Flows** (`ServiceCatalog`, `BenignFlowModel`): ~75 % TCP, 22 % UDP, 3 % ICMP;
///   TCP sessions SYN…FIN with ACK/PSH, some RST, some SYN-only half-open; log-normal
///   bytes with Pareto elephants; bytes/packet 40–1500; ephemeral ports 32768–60999.
/// - **Anomalies** (`AnomalyPlanner`): port scan, SYN flood, night exfiltration, C2
///   beaconing, and one coverage-gap hour without rows; labelled per row.
/// - **Dirt** (`DirtKind`): extra rows that break one cleaning rule each, on request.
///
/// Determinism: the output depends only on the configuration and the encoder. Work is
/// cut into chunks of contiguous minutes; each chunk has its own PRNG streams seeded from
/// (seed, chunk index), so chunks are generated, encoded and compressed on `threads`
/// threads and written in order. Each chunk is one gzip member when `gzip` is set, so the
/// decompressed bytes equal the plain output.
public struct FlowGenerator: Sendable {
    public let config: GeneratorConfig
    let plan: GenerationPlan

    /// Validates the configuration and plans the generation (throws `GenerateError`).
    public init(config: GeneratorConfig) throws {
        self.config = config
        plan = try GenerationPlan(config: config)
    }

    /// Number of chunks (gzip members of row data).
    public var chunkCount: Int { plan.chunks.count }

    /// The coverage gap [start, end) in UTC ms, when anomalies are on.
    public var coverageGap: (start: Int64, end: Int64)? { plan.gap }

    /// Calls `body` for every row in file order, with its label and, for a dirty row, its
    /// dirt kind. Sequential; for tests and small fixtures.
    public func forEachRow(_ body: (FlowRecord, TrafficLabel, DirtKind?) -> Void) {
        struct CallbackSink: RowSink {
            let body: (FlowRecord, TrafficLabel, DirtKind?) -> Void
            mutating func emit(_ record: FlowRecord, label: TrafficLabel, dirt: Int) {
                body(record, label, dirt >= 0 ? DirtKind.allCases[dirt] : nil)
            }
        }
        withoutActuallyEscaping(body) { escapable in
            var sink = CallbackSink(body: escapable)
            var scratch = ChunkScratch()
            for i in plan.chunks.indices { plan.produce(chunk: i, scratch: &scratch, into: &sink) }
        }
    }

    /// All rows in file order as one batch (labels in its label column); for fixtures.
    public func makeBatch() -> FlowBatch {
        var batch = FlowBatch()
        forEachRow { record, label, _ in
            batch.append(record, label: LabelBytes.buffers[Int(label.rawValue)])
        }
        return batch
    }

    /// Generates the whole file in memory (gzip members if `config.gzip`) and its labels.
    public func generate(encoder: any DialectEncoder) throws -> (bytes: [UInt8], labels: GenerationLabels) {
        var out: [UInt8] = []
        let labels = try run(encoder: encoder) { out.append(contentsOf: $0) }
        return (out, labels)
    }

    /// Writes the output file atomically, then its labels file
    /// (`GenerationLabels.path(forOutput:)`), also atomically. Returns the labels.
    @discardableResult
    public func write(to path: String, encoder: any DialectEncoder) throws -> GenerationLabels {
        let file = try AtomicFile(path: path)
        let labels: GenerationLabels
        do {
            labels = try run(encoder: encoder) { try file.write($0) }
            try file.commit()
        } catch {
            file.abort()
            throw error
        }
        try writeAtomically(path: GenerationLabels.path(forOutput: path), bytes: try labels.jsonBytes())
        return labels
    }

    /// Produces the chunks in parallel and hands their bytes to `write` in order:
    /// header + chunk 0, chunks 1…, trailer.
    func run(encoder: any DialectEncoder, write: ([UInt8]) throws -> Void) throws -> GenerationLabels {
        struct ChunkOutput: Sendable {
            let bytes: [UInt8]
            let stats: ChunkStats
        }
        struct EncodingSink: RowSink {
            let encoder: any DialectEncoder
            var out: [UInt8] = []
            var stats = ChunkStats()
            mutating func emit(_ record: FlowRecord, label: TrafficLabel, dirt: Int) {
                stats.count(record, label: label, dirt: dirt)
                encoder.encode(record, label: LabelBytes.buffers[Int(label.rawValue)], into: &out)
            }
        }
        let plan = self.plan
        let gzip = config.gzip ? GzipEncoder(level: config.gzipLevel) : nil
        let header = encoder.header()
        var total = ChunkStats()
        try OrderedPipeline.run(
            count: plan.chunks.count, threads: config.threads, window: 2 * config.threads + 1,
            makeScratch: { (ChunkScratch(), [UInt8]()) },
            produce: { index, scratch in
                var sink = EncodingSink(encoder: encoder)
                swap(&sink.out, &scratch.1)
                sink.out.removeAll(keepingCapacity: true)
                if index == 0 { sink.out.append(contentsOf: header) }
                plan.produce(chunk: index, scratch: &scratch.0, into: &sink)
                if let gzip {
                    let member = try gzip.member(sink.out)
                    swap(&sink.out, &scratch.1)
                    return ChunkOutput(bytes: member, stats: sink.stats)
                }
                return ChunkOutput(bytes: sink.out, stats: sink.stats)
            },
            consume: { _, output in
                total.add(output.stats)
                try write(output.bytes)
            })
        var info = DialectTrailerInfo()
        info.flows = total.flows
        info.packets = total.packets
        info.bytes = total.bytes
        info.firstMillis = total.flows > 0 ? total.firstMillis : config.startMillis
        info.lastMillis = total.flows > 0 ? total.lastMillis : config.startMillis
        let trailer = encoder.trailer(info)
        if !trailer.isEmpty { try write(gzip.map { try $0.member(trailer) } ?? trailer) }
        return plan.labels(dialect: encoder.dialect, stats: total)
    }
}
