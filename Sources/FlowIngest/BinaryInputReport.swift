import FlowCore
import FlowFormats

/// Sequence-number accounting of one exporter stream in the manifest (`export_loss`): a
/// collector that lost export datagrams says so here, per exporter and observation domain.
///
/// JSON keys: `exporter` (address text, null for raw IPFIX streams, which carry none),
/// `domain` (NetFlow v9 source ID, IPFIX observation domain, v5 engine type/ID),
/// `version` (`netflow-v5`, `netflow-v9`, `ipfix`, or `nfcapd` for the per-exporter
/// counters nfcapd itself kept while collecting), `unit` of `lost` (`records` for v5 and
/// IPFIX, whose sequence numbers count records; `datagrams` for v9 and nfcapd), `messages`,
/// `gaps` (forward jumps of the sequence number), `lost` (sum of the jumps, null when the
/// counter does not know it: nfcapd records failures only), `resets` (backward or huge
/// jumps: exporter restart or reordering, not counted as loss), `first_gap_offset` (byte
/// offset of the first message after the first gap, null without gaps) and, in the totals
/// only, `first_gap_file`.
public struct ExportLoss: Codable, Equatable, Sendable {
    public var exporter: String?
    public var domain: UInt32
    public var version: String
    public var unit: String
    public var messages: Int64
    public var gaps: Int64
    public var lost: UInt64?
    public var resets: Int64
    public var firstGapOffset: Int64?
    /// Totals only: the input in which the first gap of this stream was seen.
    public var firstGapFile: String?

    public init(exporter: String?, domain: UInt32, version: String, unit: String, messages: Int64 = 0,
                gaps: Int64 = 0, lost: UInt64? = 0, resets: Int64 = 0, firstGapOffset: Int64? = nil,
                firstGapFile: String? = nil) {
        self.exporter = exporter
        self.domain = domain
        self.version = version
        self.unit = unit
        self.messages = messages
        self.gaps = gaps
        self.lost = lost
        self.resets = resets
        self.firstGapOffset = firstGapOffset
        self.firstGapFile = firstGapFile
    }

    /// The manifest entry of one decoder sequence counter.
    init(_ s: ExporterSequenceStats) {
        self.init(exporter: s.exporter?.description, domain: s.domain,
                  version: s.version == 0 ? "nfcapd" : ExportLoss.versionName(s.version),
                  unit: s.unit.rawValue, messages: Int64(s.messages), gaps: Int64(s.gaps),
                  lost: s.version == 0 ? nil : s.lost, resets: Int64(s.resets), firstGapOffset: s.firstGapOffset)
    }

    /// `netflow-v5`, `netflow-v9`, `ipfix` for export versions 5, 9, 10.
    static func versionName(_ version: UInt8) -> String {
        switch version {
        case 5: return "netflow-v5"
        case 9: return "netflow-v9"
        case 10: return "ipfix"
        default: return "export-v\(version)"
        }
    }

    /// True when the stream shows loss or a restart.
    public var hasLoss: Bool { gaps > 0 || resets > 0 || (lost ?? 0) > 0 }

    enum CodingKeys: String, CodingKey {
        case exporter, domain, version, unit, messages, gaps, lost, resets
        case firstGapOffset = "first_gap_offset", firstGapFile = "first_gap_file"
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(exporter, forKey: .exporter)
        try c.encode(domain, forKey: .domain)
        try c.encode(version, forKey: .version)
        try c.encode(unit, forKey: .unit)
        try c.encode(messages, forKey: .messages)
        try c.encode(gaps, forKey: .gaps)
        try c.encode(lost, forKey: .lost)
        try c.encode(resets, forKey: .resets)
        try c.encode(firstGapOffset, forKey: .firstGapOffset)
        try c.encodeIfPresent(firstGapFile, forKey: .firstGapFile)
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        exporter = try c.decodeIfPresent(String.self, forKey: .exporter)
        domain = try c.decode(UInt32.self, forKey: .domain)
        version = try c.decode(String.self, forKey: .version)
        unit = try c.decode(String.self, forKey: .unit)
        messages = try c.decode(Int64.self, forKey: .messages)
        gaps = try c.decode(Int64.self, forKey: .gaps)
        lost = try c.decodeIfPresent(UInt64.self, forKey: .lost)
        resets = try c.decode(Int64.self, forKey: .resets)
        firstGapOffset = try c.decodeIfPresent(Int64.self, forKey: .firstGapOffset)
        firstGapFile = try c.decodeIfPresent(String.self, forKey: .firstGapFile)
    }

    /// Streams of all inputs summed per (exporter, domain, version, unit), in order of first
    /// appearance; `first_gap_file` names the input of the first gap.
    static func totals(of inputs: [InputReport]) -> [ExportLoss] {
        var out: [ExportLoss] = []
        var slots: [String: Int] = [:]
        for input in inputs {
            for e in input.exportLoss ?? [] {
                let key = "\(e.exporter ?? "-")|\(e.domain)|\(e.version)|\(e.unit)"
                guard let slot = slots[key] else {
                    slots[key] = out.count
                    var first = e
                    if e.firstGapOffset != nil { first.firstGapFile = input.path }
                    out.append(first)
                    continue
                }
                out[slot].messages += e.messages
                out[slot].gaps += e.gaps
                out[slot].resets += e.resets
                if let a = out[slot].lost, let b = e.lost { out[slot].lost = a + b } else { out[slot].lost = nil }
                if out[slot].firstGapOffset == nil, let offset = e.firstGapOffset {
                    out[slot].firstGapOffset = offset
                    out[slot].firstGapFile = input.path
                }
            }
        }
        return out
    }
}

/// What an nfcapd file's header and appendix say (`nfcapd` in the manifest): `compression`
/// (`none`, `lzo`, `bz2`, `lz4`, `zstd`), `creator` (`nfcapd`, `nfpcapd`, `nfdump`, …, `unknown` for
/// 0 as nfcapd 1.7.1 writes, or the number), `nfdump_version` (e.g. `1.7.1`), `blocks` announced, `ident`,
/// `stat_flows` (flows the appendix stat record counts) and `sequence_failures` (the
/// collector's own count of sequence errors).
public struct NfcapdReport: Codable, Equatable, Sendable {
    public var compression: String
    public var creator: String
    public var nfdumpVersion: String
    public var blocks: UInt32
    public var ident: String?
    public var statFlows: UInt64?
    public var sequenceFailures: UInt64?

    init(_ info: NfcapdFileInfo) {
        let names = ["none", "lzo", "bz2", "lz4", "zstd"]
        compression = Int(info.compression) < names.count ? names[Int(info.compression)] : "code-\(info.compression)"
        switch info.creator {
        case 0: creator = "unknown"
        case 1: creator = "nfcapd"
        case 2: creator = "nfpcapd"
        case 3: creator = "sfcapd"
        case 4: creator = "nfdump"
        case 5: creator = "nfanon"
        case 6: creator = "nfprofile"
        case 8: creator = "ft2nfdump"
        default: creator = String(info.creator)
        }
        let v = info.nfdumpVersion
        nfdumpVersion = "\(v >> 24).\((v >> 16) & 0xFF).\((v >> 8) & 0xFF)"
        blocks = info.blocks
        ident = info.ident
        statFlows = info.statFlows
        sequenceFailures = info.sequenceFailures
    }

    enum CodingKeys: String, CodingKey {
        case compression, creator, nfdumpVersion = "nfdump_version", blocks, ident
        case statFlows = "stat_flows", sequenceFailures = "sequence_failures"
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(compression, forKey: .compression)
        try c.encode(creator, forKey: .creator)
        try c.encode(nfdumpVersion, forKey: .nfdumpVersion)
        try c.encode(blocks, forKey: .blocks)
        try c.encode(ident, forKey: .ident)
        try c.encode(statFlows, forKey: .statFlows)
        try c.encode(sequenceFailures, forKey: .sequenceFailures)
    }
}

/// Decoder counters of a binary input (`decode` in the manifest): capture `packets` read
/// and `packets_skipped` (not export datagrams, or outside `--export-port`), export
/// `messages` decoded, `templates` learned, `templates_replaced`, `options_records`
/// applied, `held_sets_decoded` (data that came before its template) and IPv4 datagrams
/// `reassembled` from fragments.
public struct BinaryDecodeCounts: Codable, Equatable, Sendable {
    public var packets: Int
    public var packetsSkipped: Int
    public var messages: Int
    public var templates: Int
    public var templatesReplaced: Int
    public var optionsRecords: Int
    public var heldSetsDecoded: Int
    public var reassembled: Int

    init(_ r: BinaryDecodeReport) {
        packets = r.packets
        packetsSkipped = r.packetsSkipped
        messages = r.messages
        templates = r.templates
        templatesReplaced = r.templatesReplaced
        optionsRecords = r.optionsRecords
        heldSetsDecoded = r.heldSetsDecoded
        reassembled = r.reassembled
    }

    enum CodingKeys: String, CodingKey {
        case packets, packetsSkipped = "packets_skipped", messages, templates
        case templatesReplaced = "templates_replaced", optionsRecords = "options_records"
        case heldSetsDecoded = "held_sets_decoded", reassembled
    }
}
