import FlowCore

/// The schema of the flow dataset written by floe-clean: `FlowSchema.fields` unchanged
/// (same names, types, order), then the enriched columns. Later stages find columns by
/// these names. Documented in ARCHITECTURE.md, "## Clean". Folder and file names are `DatasetLayout`'s.
public enum DatasetSchema {
    /// Version of the dataset layout, in every partition file's metadata.
    public static let version = 1
    /// Metadata key holding `version`.
    public static let versionKey = "floe:dataset_version"

    /// The columns floe-clean adds after `FlowSchema.fields`.
    public static let enrichedFields: [SchemaField] = [
        SchemaField("direction", .utf8, nullable: false,
                    "inbound, outbound, internal or external, from internal_networks (src inside/outside × dst inside/outside)"),
        SchemaField("service_port", .uint16, nullable: true,
                    "the well-known side of the conversation; null for protocols without ports"),
        SchemaField("service", .utf8, nullable: true, "service name of service_port (e.g. https, dns), icmp/icmpv6, or null"),
        SchemaField("duration_ms", .int64, nullable: false, "end − start, milliseconds"),
        SchemaField("bps", .float64, nullable: false, "bits per second: bytes_scaled·8000 / max(duration_ms, 1)"),
        SchemaField("pps", .float64, nullable: false, "packets per second: packets_scaled·1000 / max(duration_ms, 1)"),
        SchemaField("bytes_per_packet", .float64, nullable: true, "bytes / packets (raw); null when packets = 0"),
        SchemaField("hour_of_day", .uint8, nullable: false, "UTC hour of start, 0–23"),
        SchemaField("day_of_week", .uint8, nullable: false, "ISO weekday of start in UTC, Monday = 1 … Sunday = 7"),
        SchemaField("packets_scaled", .uint64, nullable: false, "packets × sampling_rate when sampling_rate > 1, else packets"),
        SchemaField("bytes_scaled", .uint64, nullable: false, "bytes × sampling_rate when sampling_rate > 1, else bytes"),
        SchemaField("bidirectional", .bool, nullable: false, "the record carries reverse counters (rev_packets or rev_bytes set)"),
    ]

    /// Every column of a dataset file, in order.
    public static let fields: [SchemaField] = FlowSchema.fields + enrichedFields

    /// Index of column `name` in `fields`.
    public static func index(of name: String) -> Int? { fields.firstIndex { $0.name == name } }
}
