extension DialectParser {
    /// The delimiter whose RFC 4180 quoted fields may hold line terminators, for a stream
    /// whose first non-empty line is `line`; nil when every line is one record.
    ///
    /// Only comma dialects quote (the rule `configure` applies to fields): Zeek's TSV
    /// (`#` directives), AWS's space-separated logs, tab- or space-separated generic files
    /// and JSON lines (`{`) are framed on every LF.
    public func quoteDelimiter(firstLine line: UnsafeBufferPointer<UInt8>) -> UInt8? {
        guard let first = line.first else { return nil }
        switch dialect {
        case .zeekConn?, .awsVPC?: return nil
        case nil where first == UInt8(ascii: "#") || first == UInt8(ascii: "{"): return nil
        default: break
        }
        let delimiter = headerDelimiter(line)
        return delimiter == 0x2C ? delimiter : nil
    }

    /// How `LineFramer` should frame this parser's input: quote-aware from the line after
    /// the header when `quoteDelimiter(firstLine:)` says so.
    public var quoteFraming: QuoteFraming {
        let parser = self
        return .decidedByFirstLine { parser.quoteDelimiter(firstLine: $0) }
    }
}
