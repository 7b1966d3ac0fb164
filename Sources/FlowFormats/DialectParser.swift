#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import FlowCore

/// What `DialectParser.feed` did with one line.
public enum LineOutcome: Equatable, Sendable {
    /// One record was appended to the batch.
    case record
    /// A header, comment, directive, trailer or blank line: nothing to do.
    case skipped
    /// A record that is not a flow (an Argus `man` record, a Suricata alert): counted as skipped
    /// (`rows_skipped`), neither written nor rejected. `kind` names what it was.
    case skippedRecord(kind: String)
    /// The line is bad; `detail` names the field and value.
    case rejected(RejectReason, detail: String)
}

/// Options of a `DialectParser`.
public struct ParserOptions: Sendable, Equatable {
    /// Zone of local (zone-less) timestamps: nfdump times, ISO times without offset.
    public var timeZone: TimeZoneSpec
    /// Local times repeated at the end of DST: earliest instant (default) or reject.
    public var dstOverlap: DSTOverlapPolicy
    /// Order of slashed day/month dates (`03/02/2018`); nil = reject ambiguous ones.
    public var dateOrder: DateOrder?
    /// Unit of bare epoch numbers in generic CSV time columns; nil = judge by the column
    /// name suffix (`_ms`) or the digit count (10 s, 13 ms, 16 µs), else reject.
    public var epochUnit: EpochUnit?
    /// Column mapping for generic CSV with unknown header names.
    public var mapping: ColumnMapping?
    /// Maximum fields per line.
    public var maxFields: Int

    public init(timeZone: TimeZoneSpec = .utc, dstOverlap: DSTOverlapPolicy = .earliest, dateOrder: DateOrder? = nil,
                epochUnit: EpochUnit? = nil, mapping: ColumnMapping? = nil, maxFields: Int = 1024) {
        self.timeZone = timeZone
        self.dstOverlap = dstOverlap
        self.dateOrder = dateOrder
        self.epochUnit = epochUnit
        self.mapping = mapping
        self.maxFields = maxFields
    }
}

/// A null token (`-`, `(empty)`) of at most 16 bytes packed into two words, so that
/// testing a field against it touches no array. Longer tokens never match (as before).
struct NullToken: Sendable, Equatable {
    let count: Int
    let low: UInt64
    let high: UInt64

    /// Matches nothing.
    static let none = NullToken([])

    init(_ bytes: [UInt8]) {
        guard !bytes.isEmpty, bytes.count <= 16 else { count = 0; low = 0; high = 0; return }
        count = bytes.count
        (low, high) = bytes.withUnsafeBufferPointer { Self.pack($0) }
    }

    /// The first 16 bytes of `f` as two little-endian words (zeros past the end).
    @inline(__always)
    static func pack(_ f: UnsafeBufferPointer<UInt8>) -> (UInt64, UInt64) {
        var low: UInt64 = 0, high: UInt64 = 0
        for i in 0..<min(f.count, 16) {
            if i < 8 { low |= UInt64(f[i]) << UInt64(8 * i) } else { high |= UInt64(f[i]) << UInt64(8 * (i - 8)) }
        }
        return (low, high)
    }

    /// True when the non-empty field `f` is exactly this token.
    @inline(__always)
    func matches(_ f: UnsafeBufferPointer<UInt8>) -> Bool {
        guard count != 0, f.count == count else { return false }
        // One-byte tokens (`-`) against one-byte fields (`6`, `0`, most flags and
        // interfaces): one compare instead of the packing loop.
        if count == 1 { return UInt64(f[0]) == low }
        let (l, h) = Self.pack(f)
        return l == low && h == high
    }
}

/// Per-dialect value conventions of data rows.
struct RowRules: Sendable {
    var delimiter: UInt8 = 0x2C
    var quoting = true
    var trimFields = false
    /// `-` means null (Zeek unset, AWS missing, generic).
    var dashIsNull = false
    /// Zeek's `(empty)` (the `#empty_field` value) means null.
    var emptyToken: [UInt8] = [] { didSet { emptyMatch = NullToken(emptyToken) } }
    var unsetToken: [UInt8] = Array("-".utf8) { didSet { unsetMatch = NullToken(unsetToken) } }
    /// The tokens packed for the per-field test (no array access per field).
    private(set) var emptyMatch = NullToken([])
    private(set) var unsetMatch = NullToken(Array("-".utf8))
    /// nfdump: AS 0, interface 0 and exporter 0.0.0.0 mean "not known".
    var zeroIsNull = false
    /// nfdump: opkt/obyt both 0 means no reverse direction.
    var revOnlyNonZero = false
    /// nfdump: ICMP destination port written as `type.code`.
    var icmpDotPort = false
    /// Zeek: ICMP type/code in id.orig_p/id.resp_p, `icmp` also for ICMPv6.
    var zeekICMP = false
    /// nfdump: flags of non-TCP flows are meaningless (always zero letters).
    var flagsOnlyForTCP = false
    /// CIC: counters may carry a zero fraction (`12.0`).
    var lenientCounters = false
    /// The time column's convention is a slashed date (CIC): infer an unambiguous order.
    var inferSlashedDates = false
    /// Lines starting with `#` are directives/comments (Zeek).
    var hashLines = false
    /// nfdump `Summary` block and `No matching flows`.
    var nfdumpTrailer = false
    /// Argus: ports may be `0x` hex; ICMP type/code come from the source "port"
    /// (`ArgusValues.icmpTypeCode`).
    var argusPorts = false
    /// Argus: `man` management and non-IP records are skipped records, not rows.
    var argusNonFlows = false
    /// Suricata: TCP flags as bare hex (`"1b"`).
    var hexFlags = false
}

/// Decodes the text dialects line by line into a `FlowBatch`.
///
/// Create it for a dialect, or with nil to detect the dialect from the header. Feed every
/// line in order (from `LineFramer`) until the header is consumed (`isReady`); after that
/// the parser is a small value that can be copied and fed disjoint chunks of data lines
/// on other threads (Zeek `#fields` re-declarations inside a chunk are honoured per copy).
public struct DialectParser: Sendable {
    public internal(set) var dialect: Dialect?
    public let options: ParserOptions
    /// True once the header has been read and data lines can be parsed.
    public internal(set) var isReady = false
    /// Column names of the header (trimmed).
    public internal(set) var columnNames: [String] = []
    /// The role of each column.
    public internal(set) var roles: [ColumnRole] = []

    var rules = RowRules()
    var mapped: [(index: Int, role: ColumnRole)] = []
    /// Fixed-position ISO times with the last date's day number (per parser copy).
    var isoFastPath = ISOTimestampFastPath()
    var expectedFields = 0
    var headerBytes: [UInt8] = []
    var splitter: FieldSplitter
    var converter: LocalTimeConverter
    var labelScratch: [UInt8] = []
    var summaryLinesLeft = 0
    var zeekSetSeparator: UInt8 = 0x2C
    var logStatusIndex = -1
    /// Column of the protocol when `rules.argusNonFlows` is set, else -1.
    var nonFlowIndex = -1
    /// JSON-lines dialects: where each member goes (nil for delimited text).
    var jsonFields: JSONFieldTable?

    /// A parser for `dialect` (nil: detect from the header).
    public init(dialect: Dialect?, options: ParserOptions = ParserOptions()) {
        self.dialect = options.mapping != nil ? .genericCSV : dialect
        self.options = options
        splitter = FieldSplitter(maxFields: options.maxFields)
        let tz = options.mapping?.timeZone ?? options.timeZone
        converter = LocalTimeConverter(tz, overlapPolicy: options.dstOverlap)
    }

    /// Feeds one line (without terminator), appending its record, if any, to `rows` (the
    /// hot path of ingest). Returns what happened; throws only while reading the header
    /// (`FlowFormatsError.unknownFormat`, `.missingColumns`, …).
    public mutating func feed(_ line: UnsafeBufferPointer<UInt8>, lineNumber: Int64,
                              into rows: FlowBatchBuilder) throws -> LineOutcome {
        if !isReady { return try headerLine(line, lineNumber: lineNumber, batch: rows) }
        return parseDataLine(line, batch: rows)
    }

    /// `feed(_:lineNumber:into:)` appending to `batch` (tests, slow paths).
    public mutating func feed(_ line: UnsafeBufferPointer<UInt8>, lineNumber: Int64,
                              into batch: inout FlowBatch) throws -> LineOutcome {
        try batch.appending { try feed(line, lineNumber: lineNumber, into: $0) }
    }

    // MARK: - Data lines

    mutating func parseDataLine(_ line: UnsafeBufferPointer<UInt8>, batch: FlowBatchBuilder) -> LineOutcome {
        if line.isEmpty { return .skipped }
        // Delimited text without `#` directives or trailers checks UTF-8 after the split,
        // whose word-wise pass already saw every byte (`sawOnlyASCII`): nothing before the
        // split depends on the text, so an invalid line is rejected as it was.
        let checkAfterSplit = jsonFields == nil && !rules.hashLines && !rules.nfdumpTrailer
        if !checkAfterSplit && !ByteParsing.isValidUTF8(line) { return Self.invalidUTF8 }
        if let table = jsonFields { return parseJSONLine(line, table, batch: batch) }
        if rules.hashLines && line[0] == 0x23 {
            // Zeek directive inside the data: a new header block (concatenated logs)
            // re-declares the fields; #close and others are skipped.
            if line.starts(with: "#fields".utf8) {
                if (try? zeekFields(line)) == nil { return .rejected(.fieldCount, detail: "unreadable #fields line") }
            }
            return .skipped
        }
        if rules.nfdumpTrailer {
            if summaryLinesLeft > 0 { summaryLinesLeft -= 1; return .skipped }
            if line.count == 7 && line[0] == 0x53 && line.elementsEqual(DialectHeaders.nfdumpSummaryTitle.utf8) {
                summaryLinesLeft = 2
                return .skipped
            }
            if line.count == 17 && line[0] == 0x4E && line.elementsEqual("No matching flows".utf8) { return .skipped }
        }
        if line.count == headerBytes.count && line.elementsEqual(headerBytes) {
            return checkAfterSplit && !ByteParsing.isValidUTF8(line) ? Self.invalidUTF8 : .skipped
        }
        let status = splitter.split(line, delimiter: rules.delimiter, quoting: rules.quoting, trimSpaces: rules.trimFields)
        if checkAfterSplit && !splitter.sawOnlyASCII && !ByteParsing.isValidUTF8(line) { return Self.invalidUTF8 }
        switch status {
        case .ok: break
        case .unterminatedQuote: return .rejected(.unterminatedQuote, detail: "a quoted field is not closed before the end of the line")
        case .badQuote: return .rejected(.unterminatedQuote, detail: "text after a closing quote")
        case .tooManyFields: return .rejected(.fieldCount, detail: "more than \(splitter.maxFields) fields")
        }
        if splitter.count != expectedFields {
            return .rejected(.fieldCount, detail: "expected \(expectedFields) fields, found \(splitter.count)")
        }
        return assemble(line, batch: batch)
    }

    static let invalidUTF8 = LineOutcome.rejected(.invalidUTF8, detail: "line is not valid UTF-8")

    static func show(_ f: UnsafeBufferPointer<UInt8>) -> String {
        String(decoding: f.prefix(80), as: UTF8.self)
    }

    static func reject(_ reason: RejectReason, _ role: ColumnRole, _ f: UnsafeBufferPointer<UInt8>,
                       _ why: String) -> LineOutcome {
        .rejected(reason, detail: "\(role.fieldName) '\(show(f))': \(why)")
    }

    static func addressProblem(_ f: UnsafeBufferPointer<UInt8>) -> String {
        var dots = 0, digitsOnly = true
        for c in f { if c == 0x2E { dots += 1 } else if c < 48 || c > 57 { digitsOnly = false } }
        if dots == 3 && digitsOnly {
            var atStart = true
            for (k, c) in f.enumerated() {
                if c == 0x2E { atStart = true; continue }
                if atStart && c == 0x30 && k + 1 < f.count && f[k + 1] != 0x2E { return "leading zero" }
                atStart = false
            }
            return "octet out of range"
        }
        return "not one IPv4 or IPv6 address"
    }

    mutating func time(_ f: UnsafeBufferPointer<UInt8>, _ format: TimeFormat, _ role: ColumnRole) -> Result<Int64, Rejection> {
        switch format {
        case .epoch(let unit):
            if let v = TimestampParsing.epoch(f, unit: unit) { return .success(v) }
            return .failure(Rejection(.badTimestamp, role, f, "not an epoch time in \(unit.rawValue)"))
        case .text:
            return textTime(f, role)
        case .epochOrText(let unit):
            for c in f where c == 0x2D || c == 0x3A { return textTime(f, role) }
            if let v = TimestampParsing.epoch(f, unit: unit) { return .success(v) }
            return .failure(Rejection(.badTimestamp, role, f, "not an epoch time in \(unit.rawValue) or an ISO 8601 text"))
        case .auto:
            for c in f where c == 0x2D || c == 0x2F || c == 0x3A { return textTime(f, role) }
            guard let unit = options.epochUnit ?? TimestampParsing.epochUnitByDigits(f) else {
                return .failure(Rejection(.ambiguousTimestamp, role, f,
                                          "epoch unit unknown: name the column *_s/*_ms/*_us or set the epoch unit"))
            }
            if let v = TimestampParsing.epoch(f, unit: unit) { return .success(v) }
            return .failure(Rejection(.badTimestamp, role, f, "not an epoch time"))
        }
    }

    mutating func textTime(_ f: UnsafeBufferPointer<UInt8>, _ role: ColumnRole) -> Result<Int64, Rejection> {
        if let v = isoFastPath.parse(f, zoneLessOffsetMillis: converter.zoneIsNamed ? nil : converter.fixedOffsetMillis) {
            return .success(v)
        }
        let order = options.dateOrder ?? options.mapping?.dateOrder
        switch TimestampParsing.text(f, converter: &converter, dateOrder: order, inferSlashedOrder: rules.inferSlashedDates) {
        case .ok(let v): return .success(v)
        case .bad(let why): return .failure(Rejection(.badTimestamp, role, f, why))
        case .ambiguous(let why): return .failure(Rejection(.ambiguousTimestamp, role, f, why))
        }
    }

    struct Rejection: Error {
        let outcome: LineOutcome
        init(_ reason: RejectReason, _ role: ColumnRole, _ f: UnsafeBufferPointer<UInt8>, _ why: String) {
            outcome = DialectParser.reject(reason, role, f, why)
        }
    }

    @inline(__always)
    static func counter(_ f: UnsafeBufferPointer<UInt8>, lenient: Bool, max: UInt64 = .max) -> UInt64? {
        if let v = ByteParsing.unsigned(f, max: max) { return v }
        return lenient ? ByteParsing.unsignedAllowingZeroFraction(f, max: max) : nil
    }

    mutating func assemble(_ line: UnsafeBufferPointer<UInt8>, batch: FlowBatchBuilder) -> LineOutcome {
        if logStatusIndex >= 0 {
            let f = splitter.field(logStatusIndex, in: line)
            if f.elementsEqual("NODATA".utf8) {
                return .rejected(.noData, detail: "log-status NODATA: no traffic in the capture window")
            }
            if f.elementsEqual("SKIPDATA".utf8) {
                return .rejected(.skipData, detail: "log-status SKIPDATA: records were skipped in the capture window")
            }
        }
        if nonFlowIndex >= 0, let kind = ArgusValues.nonFlowKind(splitter.field(nonFlowIndex, in: line)) {
            return .skippedRecord(kind: kind)
        }
        var r = FlowRecord()
        var have: UInt32 = 0  // bits: 1 start, 2 src, 4 dst, 8 proto, 16 packets, 32 bytes
        var endMillis: Int64? = nil
        var durationMillis: Int64? = nil
        var flagCounts: UInt8 = 0
        var sawFlagCounts = false
        var labelIndex = -1
        var labelFallbackIndex = -1
        var totalBytes: UInt64? = nil
        var srcPortWasHex = false
        var icmpType: UInt16? = nil
        var dotPort: (UInt16, UInt16)? = nil
        let lenient = rules.lenientCounters
        let zeroIsNull = rules.zeroIsNull
        let unsetToken = rules.dashIsNull ? rules.unsetMatch : NullToken.none
        let emptyToken = rules.emptyMatch
        let isoZoneLess = converter.zoneIsNamed ? nil : converter.fixedOffsetMillis
        // Indexed, not `for m in mapped`: an iterator would retain the array for every line.
        for k in 0..<mapped.count {
            let m = mapped[k]
            let f = splitter.field(m.index, in: line)
            if f.isEmpty || unsetToken.matches(f) || emptyToken.matches(f) {
                switch m.role {
                case .start, .srcAddr, .dstAddr, .proto, .packets, .bytes:
                    return .rejected(.missingField, detail: "\(m.role.fieldName) is empty or unset")
                default: continue
                }
            }
            switch m.role {
            case .ignore: continue
            case .start(let fmt):
                if fmt.mayBeText, let v = isoFastPath.parse(f, zoneLessOffsetMillis: isoZoneLess) {
                    r.start = v; have |= 1; continue
                }
                switch time(f, fmt, m.role) {
                case .success(let v): r.start = v; have |= 1
                case .failure(let e): return e.outcome
                }
            case .end(let fmt):
                // pmacct prints an end it did not track as the zero date: unknown, not bad.
                if TimestampParsing.isZeroDate(f) { continue }
                if fmt.mayBeText, let v = isoFastPath.parse(f, zoneLessOffsetMillis: isoZoneLess) {
                    endMillis = v; continue
                }
                switch time(f, fmt, m.role) {
                case .success(let v): endMillis = v
                case .failure(let e): return e.outcome
                }
            case .duration(let fmt):
                let v: Int64?
                switch fmt {
                case .seconds: v = ByteParsing.scaled(f, digits: 3)
                case .millis: v = ByteParsing.scaled(f, digits: 0)
                case .micros: v = Self.microsToMillis(f, lenient: lenient)
                }
                guard let v else { return Self.reject(.badNumber, m.role, f, "not a non-negative duration") }
                durationMillis = v
            case .srcAddr:
                guard let a = IPAddress.parse(f) else { return Self.reject(.badAddress, m.role, f, Self.addressProblem(f)) }
                r.srcAddr = a; have |= 2
            case .dstAddr:
                guard let a = IPAddress.parse(f) else { return Self.reject(.badAddress, m.role, f, Self.addressProblem(f)) }
                r.dstAddr = a; have |= 4
            case .srcPort:
                if rules.argusPorts, let p = ArgusValues.hexPort(f) {
                    r.srcPort = p; icmpType = p; srcPortWasHex = true; continue
                }
                guard let p = ByteParsing.unsigned(f, max: 65535) else {
                    if lenient, let p = ByteParsing.unsignedAllowingZeroFraction(f, max: 65535) {
                        r.srcPort = UInt16(p); icmpType = UInt16(p); continue
                    }
                    return Self.reject(.badPort, m.role, f, "not an integer 0–65535")
                }
                r.srcPort = UInt16(p)
                icmpType = UInt16(p)
            case .dstPort:
                if let p = ByteParsing.unsigned(f, max: 65535) { r.dstPort = UInt16(p); continue }
                if rules.argusPorts, let p = ArgusValues.hexPort(f) { r.dstPort = p; continue }
                if rules.icmpDotPort, let dot = f.firstIndex(of: 0x2E),
                   let t = ByteParsing.unsigned(UnsafeBufferPointer(rebasing: f[..<dot]), max: 255),
                   let c = ByteParsing.unsigned(UnsafeBufferPointer(rebasing: f[(dot + 1)...]), max: 255) {
                    dotPort = (UInt16(t), UInt16(c))
                    continue
                }
                if lenient, let p = ByteParsing.unsignedAllowingZeroFraction(f, max: 65535) {
                    r.dstPort = UInt16(p); continue
                }
                return Self.reject(.badPort, m.role, f, "not an integer 0–65535")
            case .proto:
                guard let p = ByteParsing.proto(f) else {
                    return Self.reject(.badProtocol, m.role, f, "not a protocol number 0–255 or known name")
                }
                r.proto = p; have |= 8
            case .tcpFlags:
                if rules.hexFlags {
                    guard let v = ByteParsing.hexByte(f) else { return Self.reject(.badFlags, m.role, f, "not a hex byte such as 1b") }
                    r.tcpFlags = v
                    continue
                }
                guard let v = ByteParsing.tcpFlags(f) else {
                    return Self.reject(.badFlags, m.role, f, "not nfdump flag letters, a number or 0x hex")
                }
                r.tcpFlags = v
            case .packets:
                guard let v = Self.counter(f, lenient: lenient) else { return Self.reject(.badNumber, m.role, f, Self.numberProblem(f)) }
                r.packets = v; have |= 16
            case .bytes:
                guard let v = Self.counter(f, lenient: lenient) else { return Self.reject(.badNumber, m.role, f, Self.numberProblem(f)) }
                r.bytes = v; have |= 32
            case .revPackets:
                guard let v = Self.counter(f, lenient: lenient) else { return Self.reject(.badNumber, m.role, f, Self.numberProblem(f)) }
                r.revPackets = v
            case .revBytes:
                guard let v = Self.counter(f, lenient: lenient) else { return Self.reject(.badNumber, m.role, f, Self.numberProblem(f)) }
                r.revBytes = v
            case .inputIf, .outputIf, .srcAS, .dstAS, .samplingRate:
                guard let v = Self.counter(f, lenient: lenient, max: UInt64(UInt32.max)) else {
                    return Self.reject(.badNumber, m.role, f, Self.numberProblem(f))
                }
                let u: UInt32? = zeroIsNull && v == 0 ? nil : UInt32(v)
                switch m.role {
                case .inputIf: r.inputInterface = u
                case .outputIf: r.outputInterface = u
                case .srcAS: r.srcAS = u
                case .dstAS: r.dstAS = u
                default: r.samplingRate = u
                }
            case .tos:
                guard let v = Self.counter(f, lenient: lenient, max: 255) else { return Self.reject(.badNumber, m.role, f, Self.numberProblem(f)) }
                r.tos = UInt8(v)
            case .exporter:
                guard let a = IPAddress.parse(f) else { return Self.reject(.badAddress, m.role, f, Self.addressProblem(f)) }
                r.exporter = zeroIsNull && a.isUnspecified ? nil : a
            case .direction:
                if let v = ByteParsing.unsigned(f, max: 1) { r.flowDirection = UInt8(v) }
                else if ByteParsing.equalsLowercase(f, "i") || ByteParsing.equalsLowercase(f, "ingress") { r.flowDirection = 0 }
                else if ByteParsing.equalsLowercase(f, "e") || ByteParsing.equalsLowercase(f, "egress") { r.flowDirection = 1 }
                else { return Self.reject(.badNumber, m.role, f, "not 0/1, I/E or ingress/egress") }
            case .label:
                labelIndex = m.index
            case .labelFallback:
                labelFallbackIndex = m.index
            case .totalBytes:
                guard let v = Self.counter(f, lenient: lenient) else { return Self.reject(.badNumber, m.role, f, Self.numberProblem(f)) }
                totalBytes = v
            case .flagCount(let bit):
                guard let v = Self.counter(f, lenient: lenient) else { return Self.reject(.badNumber, m.role, f, Self.numberProblem(f)) }
                sawFlagCounts = true
                if v > 0 { flagCounts |= bit }
            case .logStatus:
                continue
            }
        }
        if have & 63 != 63 {
            // Required columns are checked when the header is read; defensive only.
            return .rejected(.missingField, detail: "a required field is missing")
        }
        // Ports of ICMP flows.
        if let (t, c) = dotPort { r.dstPort = t << 8 | c }
        if rules.zeekICMP && (r.proto == 1 || r.proto == 58) {
            if r.proto == 1 && !r.srcAddr.isIPv4 { r.proto = 58 }
            if let t = icmpType, let c = r.dstPort, t <= 255, c <= 255 { r.dstPort = t << 8 | c }
            r.srcPort = nil
        }
        if rules.argusPorts && (r.proto == 1 || r.proto == 58), let t = icmpType {
            r.dstPort = ArgusValues.icmpTypeCode(srcPort: t, srcWasHex: srcPortWasHex, dstPort: r.dstPort)
            r.srcPort = nil
        }
        if let total = totalBytes {
            guard total >= r.bytes else {
                return .rejected(.badNumber, detail: "total_bytes \(total) is less than the source bytes \(r.bytes)")
            }
            r.revBytes = total - r.bytes
        }
        // End time.
        if let e = endMillis {
            r.end = e
        } else if let d = durationMillis {
            r.end = r.start &+ d
        } else {
            r.end = r.start
        }
        // An end before the start is kept as read: it is floe-clean's `end_before_start`
        // rule that rejects it, by name, so ingest stays a faithful reading of the input.
        if rules.flagsOnlyForTCP && r.proto != 6 { r.tcpFlags = nil }
        if sawFlagCounts && r.tcpFlags == nil && r.proto == 6 { r.tcpFlags = flagCounts }
        if rules.revOnlyNonZero && (r.revPackets ?? 0) == 0 && (r.revBytes ?? 0) == 0 {
            r.revPackets = nil
            r.revBytes = nil
        }
        if labelIndex < 0 { labelIndex = labelFallbackIndex }
        if labelIndex >= 0 {
            let f = splitter.field(labelIndex, in: line)
            if splitter.isEscaped(labelIndex) {
                labelScratch.removeAll(keepingCapacity: true)
                FieldSplitter.unescape(f, into: &labelScratch)
                labelScratch.withUnsafeBufferPointer { batch.append(r, label: $0) }
            } else {
                batch.append(r, label: f)
            }
        } else {
            batch.append(r, label: nil)
        }
        return .record
    }

    /// A microsecond duration as milliseconds. CICFlowMeter writes integers; the Python
    /// `cicflowmeter` writes floats with binary noise (`1021.9999999999999`): the value is
    /// rounded to the nearest microsecond (1022), then truncated to milliseconds like every
    /// other sub-millisecond time. Exact decimal arithmetic, no floating point.
    static func microsToMillis(_ f: UnsafeBufferPointer<UInt8>, lenient: Bool) -> Int64? {
        if let v = ByteParsing.unsigned(f, max: UInt64(Int64.max)) { return Int64(v) / 1000 }
        guard lenient, let nanos = ByteParsing.scaled(f, digits: 3) else { return nil }
        return (nanos / 1000 + (nanos % 1000 >= 500 ? 1 : 0)) / 1000
    }

    static func numberProblem(_ f: UnsafeBufferPointer<UInt8>) -> String {
        if ByteParsing.isNonFinite(f) { return "not a finite number" }
        if f.first == 0x2D || f.first == 0x2B { return "signed number" }
        if f.contains(0x65) || f.contains(0x45) { return "exponent notation" }
        if f.contains(0x20) { return "contains a space" }
        if f.allSatisfy({ $0 >= 48 && $0 <= 57 }) { return "out of range" }
        return "not an unsigned integer"
    }
}

extension DialectParser {
    /// True when `line` must be fed to the stream's own parser, in order, rather than to a
    /// copy on another thread: the parser is still reading its header or is inside nfdump's
    /// Summary block, or the line may change its state (a Zeek `#` directive such as a
    /// repeated `#fields`, nfdump's `Summary` title). Cheap: looks at the first byte.
    public func mustParseInOrder(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
        if !isReady || summaryLinesLeft > 0 { return true }
        guard let first = line.first else { return false }
        if rules.hashLines && first == UInt8(ascii: "#") { return true }
        if rules.nfdumpTrailer && (first == UInt8(ascii: "S") || first == UInt8(ascii: "N")) { return true }
        return false
    }
}
