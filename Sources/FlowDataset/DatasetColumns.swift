import FlowColumnar

/// The dataset's column names as readers look them up (`DatasetSchema.fields` holds the
/// full schema). Base columns come from `FlowSchema.fields`; the enrichment columns are
/// floe-clean's (`DatasetSchema.enrichedFields`).
public struct DatasetColumnNames: Sendable, Equatable {
    public var start = "start"
    public var end = "end"
    public var sourceAddress = "src_addr"
    public var destinationAddress = "dst_addr"
    public var sourcePort = "src_port"
    public var destinationPort = "dst_port"
    public var proto = "protocol"
    public var tcpFlags = "tcp_flags"
    public var packets = "packets"
    public var bytes = "bytes"
    public var reverseBytes = "rev_bytes"
    public var samplingRate = "sampling_rate"
    /// Enrichment: utf8 inbound/outbound/internal/external.
    public var direction = "direction"
    /// Enrichment: int64 end − start in ms.
    public var durationMillis = "duration_ms"
    /// Enrichment: uint16, the well-known side of the conversation.
    public var servicePort = "service_port"
    /// Enrichment: utf8 service name.
    public var service = "service"
    /// Enrichment: uint8 UTC hour of start.
    public var hourOfDay = "hour_of_day"
    /// Enrichment: uint8 ISO weekday of start.
    public var dayOfWeek = "day_of_week"
    /// Enrichment: uint64 packets × sampling rate.
    public var packetsScaled = "packets_scaled"
    /// Enrichment: uint64 bytes × sampling rate.
    public var bytesScaled = "bytes_scaled"

    public init() {}
}

extension ArrowFileReader {
    /// Position of the dataset column `name`, or `DatasetError.missingColumn` naming this file.
    public func datasetColumn(_ name: String) throws -> Int {
        guard let i = columnIndex(named: name) else { throw DatasetError.missingColumn(path: path, column: name) }
        return i
    }
}

extension ArrowFileReader {
    /// Checks, before any batch is read, that the file has every column of `columns` (in
    /// that order): `DatasetError.missingColumn` names the first it lacks.
    public func requireDatasetColumns(_ columns: [KeyPath<DatasetColumnNames, String>],
                                      names: DatasetColumnNames = DatasetColumnNames()) throws {
        for column in columns { _ = try datasetColumn(names[keyPath: column]) }
    }
}
