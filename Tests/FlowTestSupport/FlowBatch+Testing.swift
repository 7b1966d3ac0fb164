import FlowCore

extension FlowBatch {
    /// Every row as a record, in order (labels aside).
    public var records: [FlowRecord] { (0..<count).map { record(at: $0) } }

    /// Appends `record` with `label` given as text (nil: no label).
    public mutating func append(_ record: FlowRecord, labelText label: String?) {
        guard var text = label else { return append(record, label: nil) }
        text.withUTF8 { append(record, label: $0) }
    }

}
