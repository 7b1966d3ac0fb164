import FlowCore

/// Totals that some dialects print after the last record (nfdump's `Summary`, Zeek's
/// `#close` line).
public struct DialectTrailerInfo: Sendable {
    public var flows: UInt64 = 0
    public var packets: UInt64 = 0
    public var bytes: UInt64 = 0
    /// Earliest flow start and latest flow end written, UTC ms.
    public var firstMillis: Int64 = 0
    public var lastMillis: Int64 = 0

    public init() {}
}

/// Writes flow records in one input dialect, byte for byte as the real tool writes it, so
/// the generator can produce every format that ingest reads. Encoders append to a caller's
/// buffer and never allocate per row.
public protocol DialectEncoder: Sendable {
    /// The dialect this encoder writes.
    var dialect: Dialect { get }
    /// Bytes that open the file (header line(s), each ending in a newline).
    func header() -> [UInt8]
    /// Appends one record as one line (ending in a newline). `label` is the ground-truth
    /// label for dialects that carry one (CICFlowMeter, generic CSV); others ignore it.
    func encode(_ record: FlowRecord, label: UnsafeBufferPointer<UInt8>?, into out: inout [UInt8])
    /// Bytes that close the file (nfdump's Summary, Zeek's `#close`), possibly empty.
    func trailer(_ info: DialectTrailerInfo) -> [UInt8]
}
