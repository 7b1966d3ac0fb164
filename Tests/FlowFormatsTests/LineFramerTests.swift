import Testing
@testable import FlowFormats

@Suite struct LineFramerTests {
    struct Seen: Equatable {
        var text: String
        var number: Int64
        var offset: Int64
        var kind: FramedLine.Kind
    }

    func frame(_ bytes: [UInt8], chunks: [Int], max: Int = 64 * 1024) -> [Seen] {
        var framer = LineFramer(maxLineLength: max)
        var seen: [Seen] = []
        var i = 0
        var k = 0
        while i < bytes.count {
            let n = chunks.isEmpty ? bytes.count : Swift.max(1, chunks[k % chunks.count])
            k += 1
            let end = Swift.min(bytes.count, i + n)
            bytes[i..<end].withUnsafeBufferPointer { buf in
                framer.consume(buf) { seen.append(Seen(text: String(decoding: $0.bytes, as: UTF8.self), number: $0.number, offset: $0.offset, kind: $0.kind)) }
            }
            i = end
        }
        framer.finish { seen.append(Seen(text: String(decoding: $0.bytes, as: UTF8.self), number: $0.number, offset: $0.offset, kind: $0.kind)) }
        return seen
    }

    @Test func everyTwoWaySplitGivesTheSameLines() {
        let text = Array("\u{FEFF}ts,te\r\nab,c\n\nlast,line\r\n".utf8)
        let expected = [
            Seen(text: "ts,te", number: 1, offset: 3, kind: .complete),
            Seen(text: "ab,c", number: 2, offset: 10, kind: .complete),
            Seen(text: "", number: 3, offset: 15, kind: .complete),
            Seen(text: "last,line", number: 4, offset: 16, kind: .complete),
        ]
        #expect(frame(text, chunks: []) == expected)
        #expect(frame(text, chunks: [1]) == expected)
        for cut in 1..<text.count {
            #expect(frame(text, chunks: [cut, text.count]) == expected, "cut at \(cut)")
        }
        for size in 2...7 { #expect(frame(text, chunks: [size]) == expected, "chunk size \(size)") }
    }

    @Test func bomOnlyStrippedAtStreamStart() {
        let text = Array("a\n\u{FEFF}b\n".utf8)
        let seen = frame(text, chunks: [1])
        #expect(seen.map(\.text) == ["a", "\u{FEFF}b"])
        // A stream shorter than a BOM, or a partial BOM prefix, is kept.
        #expect(frame([0xEF, 0xBB], chunks: [1]).map(\.kind) == [.unterminated])
        #expect(frame([0xEF, 0x41, 0x0A], chunks: [1]).first?.text == "\u{FFFD}A")
    }

    @Test func unterminatedLastLineIsReported() {
        let seen = frame(Array("a,b\nc,d".utf8), chunks: [3])
        #expect(seen.count == 2)
        #expect(seen[1] == Seen(text: "c,d", number: 2, offset: 4, kind: .unterminated))
    }

    @Test func overLongLinesAreSkippedWithoutBuffering() {
        let long = String(repeating: "x", count: 50)
        let text = Array("ok\n\(long)\nfine\n\(long)".utf8)
        for size in [1, 3, 7, 64] {
            let seen = frame(text, chunks: [size], max: 10)
            #expect(seen.map(\.kind) == [.complete, .tooLong(length: 50), .complete, .unterminated], "chunk \(size)")
            #expect(seen.map(\.number) == [1, 2, 3, 4])
            #expect(seen[2].text == "fine")
            #expect(seen[2].offset == 54)
        }
        // Exactly at the limit, with CRLF, is accepted.
        let exact = frame(Array("0123456789\r\n".utf8), chunks: [1], max: 10)
        #expect(exact == [Seen(text: "0123456789", number: 1, offset: 0, kind: .complete)])
    }
}
