/// The logical type of a schema column, independent of any file format. The Arrow writer
/// maps each to an Arrow type (see ARCHITECTURE.md for the mapping).
public enum ColumnType: String, Sendable, Equatable, Codable {
    /// UTC instant with millisecond precision (Arrow `timestamp[ms, tz=UTC]`).
    case timestampMillis
    case uint8, uint16, uint32, uint64, int64, float64, bool
    /// UTF-8 text (Arrow `utf8`). Addresses are stored as canonical text.
    case utf8
}

/// One column of a schema: name, type, nullability and what it means.
public struct SchemaField: Sendable, Equatable {
    public let name: String
    public let type: ColumnType
    public let nullable: Bool
    public let doc: String

    public init(_ name: String, _ type: ColumnType, nullable: Bool, _ doc: String) {
        self.name = name
        self.type = type
        self.nullable = nullable
        self.doc = doc
    }
}

/// The normalized flow schema written by floe-ingest (and extended by floe-clean). The
/// order here is the column order of every file floe writes.
public enum FlowSchema {
    /// Version of the schema, recorded in every Arrow file's metadata.
    public static let version = 1

    public static let fields: [SchemaField] = [
        SchemaField("start", .timestampMillis, nullable: false, "flow start (first packet), UTC"),
        SchemaField("end", .timestampMillis, nullable: false, "flow end (last packet), UTC"),
        SchemaField("src_addr", .utf8, nullable: false, "source address: dotted quad or RFC 5952 IPv6"),
        SchemaField("dst_addr", .utf8, nullable: false, "destination address"),
        SchemaField("src_port", .uint16, nullable: true, "source port (null where the dialect has none)"),
        SchemaField("dst_port", .uint16, nullable: true, "destination port; ICMP type*256+code where the dialect encodes it so"),
        SchemaField("protocol", .uint8, nullable: false, "IANA protocol number"),
        SchemaField("tcp_flags", .uint8, nullable: true, "cumulative TCP flags (FIN=1 SYN=2 RST=4 PSH=8 ACK=16 URG=32 ECE=64 CWR=128)"),
        SchemaField("packets", .uint64, nullable: false, "packets in the forward direction"),
        SchemaField("bytes", .uint64, nullable: false, "IP bytes in the forward direction"),
        SchemaField("input_if", .uint32, nullable: true, "SNMP index of the input interface"),
        SchemaField("output_if", .uint32, nullable: true, "SNMP index of the output interface"),
        SchemaField("src_as", .uint32, nullable: true, "source autonomous system"),
        SchemaField("dst_as", .uint32, nullable: true, "destination autonomous system"),
        SchemaField("tos", .uint8, nullable: true, "IP type of service / DSCP+ECN byte"),
        SchemaField("exporter", .utf8, nullable: true, "address of the exporting device"),
        SchemaField("sampling_rate", .uint32, nullable: true, "1-in-N packet sampling rate (raw counters are not scaled)"),
        SchemaField("flow_direction", .uint8, nullable: true, "0 ingress, 1 egress, as the exporter reports it"),
        SchemaField("rev_packets", .uint64, nullable: true, "reverse-direction packets of a bidirectional record"),
        SchemaField("rev_bytes", .uint64, nullable: true, "reverse-direction bytes of a bidirectional record"),
        SchemaField("label", .utf8, nullable: true, "ground-truth label of labelled datasets"),
    ]
}
