import FlowCore
import Testing
@testable import FlowFormats

/// Quote-aware framing: RFC 4180 records whose quoted fields hold line terminators, found
/// by the quote-parity pass of `LineFramer`, in any chunking.
@Suite struct QuoteFramingTests {
    struct Seen: Equatable {
        var text: String
        var number: Int64
        var offset: Int64
        var kind: FramedLine.Kind
    }

    func frame(_ text: String, chunks: [Int], max: Int = 64 * 1024, quoting: QuoteFraming = .always(delimiter: 0x2C)) -> [Seen] {
        let bytes = Array(text.utf8)
        var framer = LineFramer(maxLineLength: max, quoting: quoting)
        var seen: [Seen] = []
        func add(_ l: FramedLine) {
            seen.append(Seen(text: String(decoding: l.bytes, as: UTF8.self), number: l.number, offset: l.offset, kind: l.kind))
        }
        var i = 0, k = 0
        while i < bytes.count {
            let n = chunks.isEmpty ? bytes.count : Swift.max(1, chunks[k % chunks.count])
            k += 1
            let end = Swift.min(bytes.count, i + n)
            bytes[i..<end].withUnsafeBufferPointer { framer.consume($0, add) }
            i = end
        }
        framer.finish(add)
        return seen
    }

    /// Every chunking (every two-way cut, small fixed sizes) frames the same records.
    func expectSameInEveryChunking(_ text: String, _ expected: [Seen], max: Int = 64 * 1024,
                                   sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(frame(text, chunks: [], max: max) == expected, sourceLocation: sourceLocation)
        for cut in 1..<text.utf8.count {
            let got = frame(text, chunks: [cut, text.utf8.count], max: max)
            #expect(got == expected, "cut at \(cut): \(got)", sourceLocation: sourceLocation)
            if got != expected { return }
        }
        for size in 1...9 {
            #expect(frame(text, chunks: [size], max: max) == expected, "chunk size \(size)", sourceLocation: sourceLocation)
        }
    }

    @Test func quotedLineBreaksStayInsideTheirRecord() {
        let text = "h1,h2,h3\na,\"x\ny\",1\nb,\"p\"\"\r\nq\",2\r\nc,d,3\n"
        expectSameInEveryChunking(text, [
            Seen(text: "h1,h2,h3", number: 1, offset: 0, kind: .complete),
            Seen(text: "a,\"x\ny\",1", number: 2, offset: 9, kind: .complete),
            Seen(text: "b,\"p\"\"\r\nq\",2", number: 4, offset: 19, kind: .complete),
            Seen(text: "c,d,3", number: 6, offset: 33, kind: .complete),
        ])
    }

    /// A quote that does not start a field is text (`5" screen`), as the field splitter
    /// reads it, so it does not open a multi-line record.
    @Test func quoteInsideAnUnquotedFieldIsText() {
        expectSameInEveryChunking("a,5\" screen,1\nb,c,2\n", [
            Seen(text: "a,5\" screen,1", number: 1, offset: 0, kind: .complete),
            Seen(text: "b,c,2", number: 2, offset: 14, kind: .complete),
        ])
    }

    /// An unbalanced quote costs its own line only: past the length limit the record is
    /// cut back to its first line and framing starts again on the next line. Memory stays
    /// bounded by the limit.
    @Test func unbalancedQuoteIsRejectedAloneAtTheLimit() {
        var text = "h,l\nx,\"open\n"
        for i in 0..<12 { text += "r,\(i)\n" }
        var expected = [Seen(text: "h,l", number: 1, offset: 0, kind: .complete),
                        Seen(text: "x,\"open", number: 2, offset: 4, kind: .unclosedQuote)]
        var offset: Int64 = 12
        for i in 0..<12 {
            expected.append(Seen(text: "r,\(i)", number: Int64(3 + i), offset: offset, kind: .complete))
            offset += Int64("r,\(i)\n".utf8.count)
        }
        expectSameInEveryChunking(text, expected, max: 24)
        // Under the limit, the end of the input shows the quote was never closed.
        expectSameInEveryChunking(text, expected, max: 4096)
    }

    /// A quoted field that never meets a line end before the limit is simply a too-long
    /// line; the next line is framed normally.
    @Test func longQuotedLineIsTooLong() {
        let long = "a,\"" + String(repeating: "z", count: 40)
        let got = frame(long + "\nb,c\n", chunks: [7], max: 16)
        #expect(got == [Seen(text: "", number: 1, offset: 0, kind: .tooLong(length: Int64(long.utf8.count))),
                        Seen(text: "b,c", number: 2, offset: Int64(long.utf8.count + 1), kind: .complete)])
    }

    /// The first line decides: a tab-separated header means plain framing, so a quote in
    /// TSV data is text and every LF ends a line.
    @Test func firstLineDecidesWhetherQuotesFrame() {
        let decide = QuoteFraming.decidedByFirstLine { $0.contains(0x2C) ? 0x2C : nil }
        let tsv = frame("a\tb\n\"x\ty\nz\tw\"\n", chunks: [3], quoting: decide)
        #expect(tsv.map(\.text) == ["a\tb", "\"x\ty", "z\tw\""])
        let csv = frame("a,b\n\"x,y\nz\",w\n", chunks: [3], quoting: decide)
        #expect(csv.map(\.text) == ["a,b", "\"x,y\nz\",w"])
    }

    /// The parser's choice: comma dialects frame quotes, Zeek, AWS, tab CSV and JSON do not.
    @Test func parserChoosesQuoteFramingByDialect() {
        func choice(_ line: String, _ d: Dialect?) -> UInt8? {
            var s = line
            return s.withUTF8 { DialectParser(dialect: d).quoteDelimiter(firstLine: $0) }
        }
        #expect(choice("start,end,src_addr", nil) == 0x2C)
        #expect(choice("ts,te,td,sa,da", .nfdumpCSV) == 0x2C)
        #expect(choice("#separator \\x09", nil) == nil)
        #expect(choice("version account-id", nil) == nil)
        #expect(choice("a\tb\tc", nil) == nil)
        #expect(choice("{\"ts\":1,\"a\":2}", nil) == nil)
        #expect(choice("2 123 eni-1,x", .awsVPC) == nil)
    }

    /// End to end through the parser: a label with a line break is one record.
    @Test func multiLineLabelDecodes() throws {
        let text = "src_ip,dst_ip,proto,start_ms,pkts,bytes,label\n"
            + "10.0.0.1,10.0.0.2,tcp,1704164645123,3,180,\"two\nlines, \"\"quoted\"\"\"\n"
            + "10.0.0.3,10.0.0.4,udp,1704164645124,1,60,plain\n"
        for chunk in [1, 5, 64, 4096] {
            let d = try decode(Array(text.utf8), dialect: nil, chunk: chunk)
            #expect(d.rejects.isEmpty)
            #expect(d.batch.count == 2)
            guard d.batch.count == 2 else { return }
            #expect(d.batch.label[0] == "two\nlines, \"quoted\"")
            #expect(d.batch.label[1] == "plain")
        }
    }
}
