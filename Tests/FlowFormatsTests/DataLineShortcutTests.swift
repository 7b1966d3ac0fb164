import FlowCore
import Testing
@testable import FlowFormats

/// The shortcuts of a data line's hot path give what the general paths give, rejects and
/// their details included: UTF-8 judged from the splitter's word pass (`sawOnlyASCII`),
/// ISO times read before the format chooses by the value's bytes (`TimeFormat.mayBeText`),
/// one-byte null tokens.
@Suite struct DataLineShortcutTests {
    static let header = "start,end,src_addr,dst_addr,src_port,dst_port,protocol,packets,bytes,exporter,label"
    static let good = "2026-11-01T00:00:01.104Z,2026-11-01T00:00:01.802Z,10.0.16.43,203.0.113.242,56710,8443,6,6,1522,10.0.255.1,benign"

    func decodeLines(_ lines: [[UInt8]], options: ParserOptions = ParserOptions()) throws -> Decoded {
        var bytes = Array((Self.header + "\n").utf8)
        for line in lines { bytes += line + [0x0A] }
        return try decode(bytes, dialect: .genericCSV, options: options)
    }

    @Test func splitterSeesASCIIInItsWordPass() {
        var sp = FieldSplitter()
        func ascii(_ bytes: [UInt8], quoting: Bool = true, trim: Bool = false) -> Bool {
            _ = bytes.withUnsafeBufferPointer { sp.split($0, delimiter: 0x2C, quoting: quoting, trimSpaces: trim) }
            return sp.sawOnlyASCII
        }
        #expect(ascii(Array(Self.good.utf8)))
        #expect(!ascii(Array("10.0.0.1,10.0.0.2,6,1500,b\u{e9}nign".utf8)))  // in the last, partial word
        #expect(ascii(Array("10.0.0.1,10.0.0.2".utf8)))  // a line after a non-ASCII one starts afresh
        #expect(!ascii(Array("caf\u{e9},10.0.0.2,6,1500,benign".utf8)))  // in a full word
        #expect(!ascii([0x61, 0x2C, 0xFF, 0x2C, 0x62]))
        #expect(!ascii(Array(#""a",b"#.utf8)))  // a quote: the byte path, which says nothing
        #expect(!ascii(Array("a , b".utf8), trim: true))
        #expect(ascii(Array("a\"b,c".utf8), quoting: false))
    }

    /// Invalid UTF-8 anywhere is the line's reject, before its field count, quotes or
    /// values are looked at; valid multi-byte text is kept.
    @Test func invalidUTF8IsTheRejectWhereverItIs() throws {
        let good = Array(Self.good.utf8)
        let lines: [[UInt8]] = [
            good + [0xFF],  // the label's last, partial word
            [0xC3] + good.dropFirst(),  // a lone lead byte in the first word
            good.dropLast(6) + [0xED, 0xA0, 0x80],  // an encoded surrogate
            good.dropLast(6) + [0xC0, 0xAF],  // an overlong form
            Array("a,".utf8) + [0xFF],  // and too few fields
            good.dropLast(6) + [0x22, 0xE9, 0x22],  // inside a quoted field (the byte path)
            good.dropLast(6) + [0x22, 0x61, 0x22, 0xE9],  // and text after a closing quote
            good + [0x2C, 0xFF],  // and too many fields
        ]
        let d = try decodeLines(lines + [good.dropLast(6) + Array("b\u{e9}nign \u{653B}\u{6483}".utf8), good])
        #expect(d.rejects == Array(repeating: .invalidUTF8, count: lines.count), "\(d.details)")
        #expect(d.details.allSatisfy { $0 == "line is not valid UTF-8" })
        #expect(d.batch.count == 2)
        #expect(d.batch.label[0] == "b\u{e9}nign \u{653B}\u{6483}" && d.batch.label[1] == "benign")
        // A line repeating the header is skipped, as before.
        #expect(try decodeLines([Array(Self.header.utf8), good]).outcomes == [.skipped, .skipped, .record])
    }

    @Test func isoTimesTakeTheShortcutOnlyWhereTextIsRead() throws {
        #expect(!TimeFormat.epoch(.millis).mayBeText)
        #expect(TimeFormat.text.mayBeText && TimeFormat.auto.mayBeText && TimeFormat.epochOrText(.seconds).mayBeText)
        let lines = [
            "2026-11-01T00:00:01.104Z,2026-11-01T00:00:01.8,10.0.0.1,10.0.0.2,1,2,6,1,60,10.0.255.1,",
            "2026-11-01 23:59:59,2026-11-02T00:00:00.123456Z,10.0.0.1,10.0.0.2,1,2,6,1,60,10.0.255.1,",
            "1793491201104,2026-11-01T00:00:01+01:00,10.0.0.1,10.0.0.2,1,2,6,1,60,10.0.255.1,",
            "2026-02-30T00:00:00Z,2026-11-01T00:00:01Z,10.0.0.1,10.0.0.2,1,2,6,1,60,10.0.255.1,",
            "2026-13-01T00:00:00Z,2026-11-01T00:00:01Z,10.0.0.1,10.0.0.2,1,2,6,1,60,10.0.255.1,",
        ]
        let options = ParserOptions(timeZone: try TimeZoneSpec(parsing: "+02:00"))
        let d = try decodeLines(lines.map { Array($0.utf8) }, options: options)
        #expect(d.batch.count == 3, "\(d.details)")
        #expect(d.records[0].start == utc(2026, 11, 1, 0, 0, 1, ms: 104))
        #expect(d.records[0].end == utc(2026, 10, 31, 22, 0, 1, ms: 800))  // zone-less: the fixed +02:00
        #expect(d.records[1].start == utc(2026, 11, 1, 21, 59, 59) && d.records[1].end == utc(2026, 11, 2, 0, 0, 0, ms: 123))
        #expect(d.records[2].start == 1_793_491_201_104 && d.records[2].end == utc(2026, 10, 31, 23, 0, 1))
        #expect(d.rejects == [.badTimestamp, .badTimestamp], "\(d.details)")
        // A named zone's local times go to the general parser, as before.
        let berlin = try decodeLines([Array(lines[1].utf8)], options: ParserOptions(timeZone: try TimeZoneSpec(parsing: "Europe/Berlin")))
        #expect(berlin.records.first?.start == utc(2026, 11, 1, 22, 59, 59))
    }

    @Test func oneByteNullTokens() {
        func matches(_ token: [UInt8], _ field: [UInt8]) -> Bool {
            field.withUnsafeBufferPointer { NullToken(token).matches($0) }
        }
        #expect(matches([0x2D], [0x2D]) && matches([0xFF], [0xFF]) && matches([0x30], [0x30]))
        #expect(!matches([0x2D], [0x36]) && !matches([0x2D], [0xAD]) && !matches([0xFF], [0x7F]))
        #expect(!matches([0x2D], [0x2D, 0x2D]) && !matches([0x2D, 0x2D], [0x2D]))
    }
}
