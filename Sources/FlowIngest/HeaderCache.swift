import FlowCore
import FlowFormats

/// The parser state right after a header line, kept by one small-file worker across its
/// files: the files of one archive mostly start with the same header, and reading a header
/// (detecting the dialect, matching the column names) costs more than parsing a tiny file's
/// rows. A header is remembered only when that one line makes a fresh parser ready and
/// yields nothing else, so starting from the remembered state is the same as feeding it.
/// Used by one thread.
final class HeaderCache {
    private var header: [UInt8] = []
    private var ready: DialectParser?

    /// The state after `line` if it is the remembered header line.
    func parser(after line: UnsafeBufferPointer<UInt8>) -> DialectParser? {
        guard let ready, line.count == header.count, line.elementsEqual(header) else { return nil }
        return ready
    }

    /// Feeds `line` (line 1 of a file) to a copy of `fresh` (a parser that has seen
    /// nothing) and remembers the result if the line alone is a complete header.
    func remember(_ line: UnsafeBufferPointer<UInt8>, fresh: DialectParser) {
        var probe = fresh
        var scratch = FlowBatch(capacity: 1)
        guard let outcome = try? probe.feed(line, lineNumber: 1, into: &scratch),
              outcome == .skipped, probe.isReady, scratch.count == 0 else { return }
        header = Array(line)
        ready = probe
    }
}
