import FlowCore

/// What the binary readers (pcap/pcapng captures, nfcapd files, IPFIX streams) share:
/// chunks in, flow records appended to a batch, rejects and counters out. floe-ingest and
/// the tests drive any of them through this one interface.
public protocol BinaryFlowReader {
    /// Decodes the next chunk of the input (any size, any boundary).
    mutating func feed(_ chunk: UnsafeRawBufferPointer, into batch: inout FlowBatch) throws
    /// The input has ended: decodes or rejects what is still held.
    mutating func finish(into batch: inout FlowBatch) throws
    /// The rejects collected since the last call.
    mutating func takeRejects() -> [BinaryReject]
    /// Counters so far.
    var report: BinaryDecodeReport { get }
}

extension PcapReader: BinaryFlowReader {}
extension NfcapdReader: BinaryFlowReader {}
extension IPFIXStreamReader: BinaryFlowReader {}
