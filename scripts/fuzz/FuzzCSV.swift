// libFuzzer harness for the text path: LineFramer → DialectParser (header and dialect
// detection, field splitting with quotes, data lines), the bytes fed in two chunks split at
// a byte the input chooses, as floe-ingest feeds them. Traps (crashes) when an invariant
// the code promises does not hold:
//  1. framing does not depend on chunk boundaries: one chunk and two chunks give the same
//     lines (bytes, numbers, offsets, kinds);
//  2. the lines account for the input: numbered 1…n, each at the offset where the last
//     one ended, bytes equal to the input there (LF never inside, the CR of CRLF dropped),
//     `.tooLong` only past the limit, `.unterminated` only for the last line;
//  3. FieldSplitter: fields in order inside the line; the word-at-a-time path agrees with
//     the byte path; unquoted splitting has one field more than delimiters;
//  4. ingest's way of parsing (each chunk by the stream's parser when `mustParseInOrder`
//     says so, else by a copy) gives the same outcomes and rows as one parser fed every
//     line in order;
//  5. accounting: records + rejected + skipped == lines framed (up to a header error); the
//     builder holds one row per `.record`; every column has one value per row; labels are
//     valid UTF-8. (`end >= start` is not promised: ingest keeps such rows as read and
//     floe-clean rejects them by name.)
// The last byte of the input chooses the dialect (a final LF: detection) and the line limit,
// the first and the last but one the cut, so the seed files stay valid logs as they are.

/// One framed line, copied out of the callback.
struct Line: Equatable {
    var bytes: [UInt8]
    var number: Int64
    var offset: Int64
    var kind: FramedLine.Kind
}

/// What parsing a line did, with the reject detail (equal between the two ways).
enum Outcome: Equatable {
    case line(LineOutcome)
    case headerError(String)
}

func check(_ ok: Bool, _ what: @autoclosure () -> String) {
    if !ok { fatalError("invariant: " + what()) }
}

/// Frames `input` split at `cuts`; returns the lines of each consume call and of finish.
func frame(_ input: UnsafeBufferPointer<UInt8>, cuts: [Int], maxLineLength: Int) -> [[Line]] {
    var framer = LineFramer(maxLineLength: maxLineLength)
    var groups: [[Line]] = []
    var start = 0
    for end in cuts + [input.count] {
        var group: [Line] = []
        framer.consume(UnsafeBufferPointer(rebasing: input[start..<end])) { l in
            group.append(Line(bytes: Array(l.bytes), number: l.number, offset: l.offset, kind: l.kind))
        }
        groups.append(group)
        start = end
    }
    var last: [Line] = []
    framer.finish { l in last.append(Line(bytes: Array(l.bytes), number: l.number, offset: l.offset, kind: l.kind)) }
    groups.append(last)
    return groups
}

/// Invariant 2.
func checkLines(_ lines: [Line], input: UnsafeBufferPointer<UInt8>, maxLineLength: Int) {
    let bom = input.count >= 3 && input[0] == 0xEF && input[1] == 0xBB && input[2] == 0xBF ? 3 : 0
    var expected = Int64(bom)
    let newlines = input[bom...].filter { $0 == 0x0A }.count
    let tail = input[bom...].last.map { $0 != 0x0A } ?? false
    check(lines.count == newlines + (tail ? 1 : 0), "\(lines.count) lines for \(newlines) LFs, tail \(tail)")
    for (i, l) in lines.enumerated() {
        check(l.number == Int64(i + 1), "line number \(l.number) at \(i)")
        check(l.offset == expected, "line \(l.number) at offset \(l.offset), expected \(expected)")
        let at = Int(l.offset)
        check(!l.bytes.contains(0x0A), "LF inside line \(l.number)")
        switch l.kind {
        case .complete:
            check(l.bytes.count <= maxLineLength, "complete line \(l.number) of \(l.bytes.count) bytes")
            check(input[at..<(at + l.bytes.count)].elementsEqual(l.bytes), "bytes of line \(l.number)")
            var end = at + l.bytes.count
            check(!(l.bytes.last == 0x0D && input[end] == 0x0A), "CR of CRLF kept in line \(l.number)")
            if input[end] == 0x0D { end += 1 }
            check(input[end] == 0x0A, "line \(l.number) not ended by (CR)LF")
            expected = Int64(end + 1)
        case .tooLong(let length):
            check(l.bytes.isEmpty && length > Int64(maxLineLength), "tooLong line \(l.number) of \(length)")
            let end = at + Int(length)
            check(end < input.count && input[end] == 0x0A && !input[at..<end].contains(0x0A), "tooLong line \(l.number) length")
            expected = Int64(end + 1)
        case .unterminated:
            check(i == lines.count - 1, "unterminated line \(l.number) is not the last")
            check(!input[at...].contains(0x0A), "unterminated line \(l.number) holds a LF")
            check(l.bytes.isEmpty ? input.count - at > maxLineLength : input[at...].elementsEqual(l.bytes),
                  "unterminated line \(l.number)")
            expected = Int64(input.count)
        case .unclosedQuote:
            check(false, "unclosed-quote record \(l.number) from a framer without quote framing")
        }
    }
    check(expected == Int64(input.count), "lines end at \(expected) of \(input.count)")
}

/// Invariant 3 on one line.
func checkSplit(_ line: UnsafeBufferPointer<UInt8>, delimiter: UInt8, quoting: Bool) {
    var sp = FieldSplitter(maxFields: 64)
    let status = sp.split(line, delimiter: delimiter, quoting: quoting)
    if status == .ok {
        check(sp.count >= 1 && sp.count <= 64, "field count \(sp.count)")
        var previousEnd = -1
        for i in 0..<sp.count {
            let f = sp.field(i, in: line)
            var s = 0
            if let lineBase = line.baseAddress, let fieldBase = f.baseAddress { s = fieldBase - lineBase }
            check(s >= 0 && s + f.count <= line.count && s > previousEnd, "field \(i) at \(s)+\(f.count) of \(line.count)")
            previousEnd = s + f.count
            if sp.isEscaped(i) {
                var out: [UInt8] = []
                FieldSplitter.unescape(f, into: &out)
                check(out.count < f.count, "unescaped field \(i) not shorter")
            }
        }
        if !quoting { check(sp.count == line.filter { $0 == delimiter }.count + 1, "unquoted count \(sp.count)") }
    } else if !quoting {
        check(status == .tooManyFields, "unquoted split gave \(status)")
    }
    // The word-at-a-time path, when it answers, agrees with the byte path.
    var fast = [UInt64](repeating: 0, count: 65), slow = [UInt64](repeating: 0, count: 65)
    let words = fast.withUnsafeMutableBufferPointer { FieldSplitter.splitWords($0.baseAddress!, limit: 64, line, delimiter, quoting) }
    if let words {
        var n = 0
        let st = slow.withUnsafeMutableBufferPointer { FieldSplitter.splitInto($0.baseAddress!, limit: 64, count: &n, line, delimiter, quoting, false) }
        check(st == .ok && n == words && fast[0..<n] == slow[0..<n], "fast split \(words) vs byte split \(n) \(st)")
    }
}

/// Parses framed line groups the way floe-ingest does (FileIngestor + PieceParser): each
/// group (one chunk's lines) goes to the stream's parser when it must be parsed in order,
/// else to a copy of it. `sequential` feeds every line to one parser instead.
func parse(_ groups: [[Line]], dialect: Dialect?, sequential: Bool, rows: FlowBatchBuilder) -> (outcomes: [Outcome], batch: FlowBatch) {
    var stream = DialectParser(dialect: dialect)
    var outcomes: [Outcome] = []
    var batch = FlowBatch()
    for group in groups {
        var inOrder = sequential || !stream.isReady
        for l in group where !inOrder && l.kind == .complete {
            inOrder = l.bytes.withUnsafeBufferPointer { stream.mustParseInOrder($0) }
        }
        var copy = stream
        for l in group {
            switch l.kind {
            case .tooLong: outcomes.append(.line(.rejected(.lineTooLong, detail: "")))
            case .unterminated: outcomes.append(.line(.rejected(.truncatedLine, detail: "")))
            case .unclosedQuote: outcomes.append(.line(.rejected(.unterminatedQuote, detail: "")))
            case .complete:
                let before = rows.count
                do {
                    let o = try l.bytes.withUnsafeBufferPointer {
                        inOrder ? try stream.feed($0, lineNumber: l.number, into: rows) : try copy.feed($0, lineNumber: l.number, into: rows)
                    }
                    check(rows.count == before + (o == .record ? 1 : 0), "rows \(before) → \(rows.count) for \(o)")
                    outcomes.append(.line(o))
                } catch {
                    check(rows.count == before, "rows added by a header error")
                    outcomes.append(.headerError("\(error)"))
                    rows.drain(into: &batch)
                    return (outcomes, batch)  // the file fails here
                }
            }
        }
    }
    rows.drain(into: &batch)
    return (outcomes, batch)
}

/// Invariant 5 on a parse.
func checkRows(_ outcomes: [Outcome], _ batch: FlowBatch, framed: Int) {
    var records = 0, rejected = 0, skipped = 0, errors = 0
    for o in outcomes {
        switch o {
        case .line(.record): records += 1
        case .line(.rejected): rejected += 1
        case .line(.skipped), .line(.skippedRecord): skipped += 1
        case .headerError: errors += 1
        }
    }
    check(errors == 0 ? records + rejected + skipped == framed : errors == 1 && outcomes.count <= framed,
          "\(records) + \(rejected) + \(skipped) of \(framed) lines")
    let n = batch.count
    check(n == records, "\(n) rows for \(records) records")
    let counts = [batch.end.count, batch.srcAddr.count, batch.dstAddr.count, batch.srcPort.count, batch.dstPort.count,
                  batch.proto.count, batch.tcpFlags.count, batch.packets.count, batch.bytes.count, batch.inputInterface.count,
                  batch.outputInterface.count, batch.srcAS.count, batch.dstAS.count, batch.tos.count, batch.exporter.count,
                  batch.samplingRate.count, batch.flowDirection.count, batch.revPackets.count, batch.revBytes.count, batch.label.count]
    check(counts.allSatisfy { $0 == n }, "column lengths \(counts) for \(n) rows")
    let offsets = batch.label.offsets
    for i in 0..<n where batch.label.validity[i] {
        let bytes = batch.label.data[Int(offsets[i])..<Int(offsets[i + 1])]
        check(String(validating: bytes, as: UTF8.self) != nil, "label of row \(i) is not UTF-8")
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCSV(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = UnsafeBufferPointer(start: data, count: size)
    let choice = size > 0 ? Int(input[size - 1] ^ 0x0A) : 0  // a final LF: detect, 64 KiB lines
    let dialects: [Dialect?] = [nil, nil, nil, nil] + Dialect.allCases.map { $0 }
    let dialect = dialects[choice % dialects.count]
    let maxLineLength = choice >= 0xC0 ? 40 + choice % 64 : 64 * 1024
    let cut = size > 1 ? (Int(input[size - 2]) << 8 | Int(input[0])) % (size + 1) : 0

    // 1 and 2: framing.
    let whole = frame(input, cuts: [], maxLineLength: maxLineLength)
    let split = frame(input, cuts: [cut], maxLineLength: maxLineLength)
    let lines = whole.flatMap { $0 }
    check(split.flatMap { $0 } == lines, "framing differs with a cut at \(cut)")
    checkLines(lines, input: input, maxLineLength: maxLineLength)

    // 3: field splitting of every complete line, with and without quotes.
    for l in lines where l.kind == .complete {
        l.bytes.withUnsafeBufferPointer { b in
            checkSplit(b, delimiter: 0x2C, quoting: true)
            checkSplit(b, delimiter: 0x09, quoting: false)
        }
    }

    // 4 and 5: parsing, in order and the ingest way (small builders, so they grow).
    let one = parse([lines], dialect: dialect, sequential: true, rows: FlowBatchBuilder(capacity: 4))
    let two = parse(split, dialect: dialect, sequential: false, rows: FlowBatchBuilder(capacity: 4))
    check(one.outcomes == two.outcomes, "outcomes differ between in-order and ingest-style parsing")
    check(one.batch == two.batch, "rows differ between in-order and ingest-style parsing")
    checkRows(one.outcomes, one.batch, framed: lines.count)
    return 0
}
