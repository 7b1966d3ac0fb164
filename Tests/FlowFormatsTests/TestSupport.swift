import FlowCore
@testable import FlowFormats
import FlowTestSupport

/// Result of decoding a whole text through `LineFramer` and `DialectParser`.
struct Decoded {
    var batch = FlowBatch()
    var outcomes: [LineOutcome] = []
    var parser: DialectParser

    var records: [FlowRecord] { batch.records }
    var rejects: [RejectReason] {
        outcomes.compactMap { if case .rejected(let r, _) = $0 { return r } else { return nil } }
    }
    var details: [String] {
        outcomes.compactMap { if case .rejected(_, let d) = $0 { return d } else { return nil } }
    }
}

/// Frames `bytes` in chunks of `chunk` bytes (quote-aware as ingest frames them) and feeds
/// each line to a parser.
func decode(_ bytes: [UInt8], dialect: Dialect?, options: ParserOptions = ParserOptions(), chunk: Int = 4096,
            maxLineLength: Int = 64 * 1024) throws -> Decoded {
    var parser = DialectParser(dialect: dialect, options: options)
    var batch = FlowBatch()
    var outcomes: [LineOutcome] = []
    var framer = LineFramer(maxLineLength: maxLineLength, quoting: parser.quoteFraming)
    func handle(_ l: FramedLine) throws {
        switch l.kind {
        case .complete:
            outcomes.append(try parser.feed(l.bytes, lineNumber: l.number, into: &batch))
        case .tooLong:
            outcomes.append(.rejected(.lineTooLong, detail: "line \(l.number)"))
        case .unterminated:
            outcomes.append(.rejected(.truncatedLine, detail: "line \(l.number)"))
        case .unclosedQuote:
            outcomes.append(.rejected(.unterminatedQuote, detail: "line \(l.number)"))
        }
    }
    var i = 0
    while i < bytes.count {
        let end = min(bytes.count, i + chunk)
        try bytes[i..<end].withUnsafeBufferPointer { buf in try framer.consume(buf) { try handle($0) } }
        i = end
    }
    try framer.finish { try handle($0) }
    return Decoded(batch: batch, outcomes: outcomes, parser: parser)
}

func decode(_ text: String, dialect: Dialect?, options: ParserOptions = ParserOptions()) throws -> Decoded {
    try decode(Array(text.utf8), dialect: dialect, options: options)
}

/// UTC milliseconds of a calendar time.
func utc(_ y: Int, _ mo: Int, _ d: Int, _ h: Int = 0, _ mi: Int = 0, _ s: Int = 0, ms: Int = 0) -> Int64 {
    CivilTime.daysFromCivil(year: y, month: mo, day: d) * 86_400_000 + Int64(h * 3600 + mi * 60 + s) * 1000 + Int64(ms)
}

func ip(_ s: String) -> IPAddress { IPAddress(s)! }

/// Applies a closure to the bytes of a string.
func withBytes<R>(_ s: String, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
    Array(s.utf8).withUnsafeBufferPointer(body)
}

/// Deterministic random numbers for round-trip tests.
struct SplitMix {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func below(_ n: UInt64) -> UInt64 { next() % n }
    mutating func chance(_ pct: UInt64) -> Bool { below(100) < pct }
}
