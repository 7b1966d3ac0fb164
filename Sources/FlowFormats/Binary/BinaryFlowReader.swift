import FlowCore

/// What the binary readers (pcap/pcapng captures, nfcapd files, IPFIX streams) share:
/// chunks in, flow records appended to a builder, rejects and counters out. floe-ingest and
/// the tests drive any of them through this one interface.
public protocol BinaryFlowReader {
    /// Decodes the next chunk of the input (any size, any boundary). The builder grows to
    /// hold every record of the chunk.
    mutating func feed(_ chunk: UnsafeRawBufferPointer, into rows: FlowBatchBuilder) throws
    /// The input has ended: decodes or rejects what is still held.
    mutating func finish(into rows: FlowBatchBuilder) throws
    /// The rejects collected since the last call.
    mutating func takeRejects() -> [BinaryReject]
    /// Counters so far.
    var report: BinaryDecodeReport { get }
}

extension BinaryFlowReader {
    /// Decodes the next chunk and appends its records to `batch` (tests, slow paths).
    public mutating func feed(_ chunk: UnsafeRawBufferPointer, into batch: inout FlowBatch) throws {
        try batch.appending { try feed(chunk, into: $0) }
    }

    /// `finish(into:)` appending to `batch` (tests, slow paths).
    public mutating func finish(into batch: inout FlowBatch) throws {
        try batch.appending { try finish(into: $0) }
    }
}

extension PcapReader: BinaryFlowReader {}
extension NfcapdReader: BinaryFlowReader {}
extension IPFIXStreamReader: BinaryFlowReader {}
