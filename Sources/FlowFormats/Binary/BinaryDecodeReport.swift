import FlowCore

/// One rejected unit of a binary input: the reason, where it starts (byte offset in the
/// input file, or in the datagram stream for raw inputs) and how many flow records it
/// stands for (1 when the count cannot be known, e.g. a data set whose template never came).
public struct BinaryReject: Sendable, Equatable {
    public var reason: RejectReason
    /// Byte offset of the rejected unit in the input file.
    public var offset: Int64
    /// Flow records lost with this unit (at least 1).
    public var records: Int
    /// A short human-readable explanation (what was wrong).
    public var detail: String

    public init(reason: RejectReason, offset: Int64, records: Int = 1, detail: String) {
        self.reason = reason
        self.offset = offset
        self.records = records
        self.detail = detail
    }
}

/// Sequence-number accounting of one exporter stream: (exporter address, NetFlow source ID
/// / IPFIX observation domain / v5 engine). Lost units are export datagrams for v9 (its
/// sequence counts packets) and flow records for v5 and IPFIX (theirs count records).
public struct ExporterSequenceStats: Sendable, Equatable {
    public enum Unit: String, Sendable { case datagrams, records }
    public var exporter: IPAddress?
    public var domain: UInt32
    public var version: UInt8
    public var unit: Unit
    /// Messages seen from this stream.
    public var messages: Int = 0
    /// Forward jumps of the sequence number (each one a loss).
    public var gaps: Int = 0
    /// Sum of the forward jumps, in `unit`.
    public var lost: UInt64 = 0
    /// Backward jumps or jumps too large to be loss (exporter restart, reordering).
    public var resets: Int = 0
    /// Byte offset of the first message after the first gap.
    public var firstGapOffset: Int64? = nil
}

/// Counters of a binary decode, for the ingest manifest.
public struct BinaryDecodeReport: Sendable, Equatable {
    /// Export messages (NetFlow/IPFIX datagrams) decoded.
    public var messages: Int = 0
    /// Flow records appended to the batch.
    public var flows: Int = 0
    /// Template and options-template records learned (including refreshes).
    public var templates: Int = 0
    /// Templates withdrawn (IPFIX) or replaced by a different definition.
    public var templatesReplaced: Int = 0
    /// Options data records applied (sampling, system init time).
    public var optionsRecords: Int = 0
    /// Data sets held until their template arrived and then decoded.
    public var heldSetsDecoded: Int = 0
    /// Captured packets that were not export datagrams (other traffic, filtered ports).
    public var packetsSkipped: Int = 0
    /// Captured packets read.
    public var packets: Int = 0
    /// IPv4 datagrams rebuilt from fragments.
    public var reassembled: Int = 0
    /// Rejected flow records by reason (each `BinaryReject` adds its `records`).
    public var rejectedRecords: [RejectReason: Int] = [:]
    /// Per-exporter sequence accounting.
    public var sequences: [ExporterSequenceStats] = []

    public init() {}

    /// Total records rejected, all reasons.
    public var rejectedTotal: Int { rejectedRecords.values.reduce(0, +) }
}

/// Options of the binary decoders.
public struct BinaryDecodeOptions: Sendable, Equatable {
    /// When non-empty, only UDP datagrams with one of these source or destination ports are
    /// considered export datagrams.
    public var ports: Set<UInt16> = []
    /// Bytes of data sets kept while waiting for their template (all exporters together).
    public var maxHeldBytes: Int = 8 << 20
    /// Templates kept (all exporters together); beyond this, new templates are rejected.
    public var maxTemplates: Int = 65_536
    /// Bytes of IPv4 fragments kept while waiting for the rest of their datagram.
    public var maxFragmentBytes: Int = 4 << 20
    /// Rejects kept in `pendingRejects` until the caller drains them; beyond this only the
    /// counters grow.
    public var maxHeldRejects: Int = 100_000

    public init() {}
}
