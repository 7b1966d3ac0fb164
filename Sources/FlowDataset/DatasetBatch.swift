import FlowColumnar
import FlowCore

/// The typed column views of one record batch of a dataset file: every reader of the
/// dataset (features, series, labels, the report) gets its columns here, by name
/// (`DatasetColumnNames`) and with the type the dataset schema gives them, instead of
/// picking positions and types by hand. A column the file lacks is
/// `DatasetError.missingColumn` naming the file; `ifPresent` reads a column only when the
/// file has it. Views hold the mapped file (FlowColumnar's views), so they stay valid
/// however long they are kept; addresses are read through `DatasetAddressReader`.
public struct DatasetBatch {
    public let batch: ArrowRecordBatch
    public let names: DatasetColumnNames

    public init(_ batch: ArrowRecordBatch, names: DatasetColumnNames = DatasetColumnNames()) {
        self.batch = batch
        self.names = names
    }

    /// Number of rows.
    public var rowCount: Int { batch.rowCount }

    /// The schema field of `column`, nil when the file lacks it.
    public func field(_ column: KeyPath<DatasetColumnNames, String>) -> ArrowField? {
        batch.reader.columnIndex(named: names[keyPath: column]).map { batch.reader.fields[$0] }
    }

    /// `read(self)` when the file has `column`, else nil.
    public func ifPresent<T>(_ column: KeyPath<DatasetColumnNames, String>, _ read: (DatasetBatch) throws -> T) rethrows -> T? {
        field(column) == nil ? nil : try read(self)
    }

    // MARK: Base columns (FlowSchema)

    /// `start`: Int64 ms since the epoch.
    public func start() throws -> ArrowValues<Int64> { try values(\.start) }
    /// `end`: Int64 ms since the epoch.
    public func end() throws -> ArrowValues<Int64> { try values(\.end) }
    /// `src_addr` as text; read addresses with `DatasetAddressReader`.
    public func sourceAddress() throws -> ArrowUTF8View { try text(\.sourceAddress) }
    /// `dst_addr` as text.
    public func destinationAddress() throws -> ArrowUTF8View { try text(\.destinationAddress) }
    /// `src_port`, nullable.
    public func sourcePort() throws -> DatasetValues<UInt16> { try nullable(\.sourcePort) }
    /// `dst_port`, nullable.
    public func destinationPort() throws -> DatasetValues<UInt16> { try nullable(\.destinationPort) }
    /// `protocol`.
    public func proto() throws -> ArrowValues<UInt8> { try values(\.proto) }
    /// `tcp_flags`, nullable.
    public func tcpFlags() throws -> DatasetValues<UInt8> { try nullable(\.tcpFlags) }
    /// `packets`.
    public func packets() throws -> ArrowValues<UInt64> { try values(\.packets) }
    /// `bytes`.
    public func bytes() throws -> ArrowValues<UInt64> { try values(\.bytes) }
    /// `rev_bytes`, nullable.
    public func reverseBytes() throws -> DatasetValues<UInt64> { try nullable(\.reverseBytes) }
    /// `sampling_rate`, nullable.
    public func samplingRate() throws -> DatasetValues<UInt32> { try nullable(\.samplingRate) }

    // MARK: Enrichment columns (floe-clean)

    /// `direction`: inbound/outbound/internal/external, nullable.
    public func direction() throws -> DatasetText { try nullableText(\.direction) }
    /// `duration_ms`: end − start.
    public func durationMillis() throws -> ArrowValues<Int64> { try values(\.durationMillis) }
    /// `service_port`, nullable.
    public func servicePort() throws -> DatasetValues<UInt16> { try nullable(\.servicePort) }
    /// `service` name, nullable.
    public func service() throws -> DatasetText { try nullableText(\.service) }
    /// `hour_of_day`: UTC hour of start.
    public func hourOfDay() throws -> ArrowValues<UInt8> { try values(\.hourOfDay) }
    /// `day_of_week`: ISO weekday of start.
    public func dayOfWeek() throws -> ArrowValues<UInt8> { try values(\.dayOfWeek) }
    /// `packets_scaled`: packets × sampling rate.
    public func packetsScaled() throws -> ArrowValues<UInt64> { try values(\.packetsScaled) }
    /// `bytes_scaled`: bytes × sampling rate.
    public func bytesScaled() throws -> ArrowValues<UInt64> { try values(\.bytesScaled) }

    /// Any utf8 column by name (a label column), nullable; nil when the file lacks it.
    public func text(named name: String) throws -> DatasetText? {
        guard let i = batch.reader.columnIndex(named: name) else { return nil }
        return DatasetText(text: try batch.utf8(column: i), validity: try batch.validity(column: i))
    }

    // MARK: Helpers

    private func position(_ column: KeyPath<DatasetColumnNames, String>) throws -> Int {
        try batch.reader.datasetColumn(names[keyPath: column])
    }

    private func values<T: ArrowFixedWidthValue>(_ column: KeyPath<DatasetColumnNames, String>) throws -> ArrowValues<T> {
        try batch.values(column: try position(column), as: T.self)
    }

    private func nullable<T: ArrowFixedWidthValue>(_ column: KeyPath<DatasetColumnNames, String>) throws -> DatasetValues<T> {
        let i = try position(column)
        return DatasetValues(values: try batch.values(column: i, as: T.self), validity: try batch.validity(column: i))
    }

    private func text(_ column: KeyPath<DatasetColumnNames, String>) throws -> ArrowUTF8View {
        try batch.utf8(column: try position(column))
    }

    private func nullableText(_ column: KeyPath<DatasetColumnNames, String>) throws -> DatasetText {
        let i = try position(column)
        return DatasetText(text: try batch.utf8(column: i), validity: try batch.validity(column: i))
    }
}

/// A nullable fixed-width dataset column: its values and validity (nil: no nulls).
public struct DatasetValues<T>: @unchecked Sendable {
    public let values: ArrowValues<T>
    public let validity: ArrowBitmapView?

    /// Whether row `i` holds a value.
    @inlinable
    public func isValid(_ i: Int) -> Bool { validity?[i] ?? true }

    /// Row `i`'s value, nil when null.
    @inlinable
    public subscript(i: Int) -> T? { isValid(i) ? values[i] : nil }
}

/// A nullable utf8 dataset column: its text and validity (nil: no nulls).
public struct DatasetText: @unchecked Sendable {
    public let text: ArrowUTF8View
    public let validity: ArrowBitmapView?

    /// Whether row `i` holds a value.
    @inlinable
    public func isValid(_ i: Int) -> Bool { validity?[i] ?? true }

    /// The bytes of row `i` (empty for a null row written by floe), valid while this
    /// view lives.
    @inlinable
    public subscript(i: Int) -> UnsafeBufferPointer<UInt8> { text[i] }
}
