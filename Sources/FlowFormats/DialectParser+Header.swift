import FlowCore

extension DialectParser {
    /// Handles a line while the header is not complete.
    mutating func headerLine(_ line: UnsafeBufferPointer<UInt8>, lineNumber: Int64,
                             batch: FlowBatchBuilder) throws -> LineOutcome {
        if line.isEmpty { return .skipped }
        guard ByteParsing.isValidUTF8(line) else {
            throw FlowFormatsError.badHeader(line: lineNumber, detail: "header line is not valid UTF-8")
        }
        if dialect?.isJSONLines == true || (dialect == nil && line[0] == UInt8(ascii: "{")) {
            try configureJSON(firstLine: line, lineNumber: lineNumber)
            isReady = true
            return parseDataLine(line, batch: batch)
        }
        let text = String(decoding: line, as: UTF8.self)
        if (dialect == nil || dialect == .zeekConn) && line[0] == 0x23 {
            if dialect == nil {
                guard text.hasPrefix("#separator") else { throw FlowFormatsError.unknownFormat(firstLine: Self.clip(text)) }
                dialect = .zeekConn
            }
            try zeekDirective(line, lineNumber: lineNumber)
            return .skipped
        }
        if dialect == .zeekConn {
            throw FlowFormatsError.badHeader(line: lineNumber, detail: "a Zeek conn.log starts with #separator and #fields lines; "
                + "found '\(Self.clip(text))'")
        }
        let delimiter = headerDelimiter(line)
        let names = headerNames(line, delimiter: delimiter)
        if dialect == .awsVPC, let first = names.first, !first.isEmpty, first.allSatisfy({ $0.isASCII && $0.isNumber }) {
            // CloudWatch-delivered VPC logs have no header line: default v2 fields.
            try configure(.awsVPC, names: DialectHeaders.awsVPC.split(separator: " ").map(String.init), delimiter: 0x20)
            isReady = true
            return parseDataLine(line, batch: batch)
        }
        if Self.isHeaderlessUNSWNB15(names, given: dialect) {
            // UNSW-NB15 parts 1–4 have no header line: the documented 49 columns.
            try configure(.unswNB15, names: DialectHeaders.unswNB15Columns, delimiter: 0x2C)
            isReady = true
            return parseDataLine(line, batch: batch)
        }
        if dialect == .argus, let first = names.first?.first, first.isASCII && first.isNumber {
            // `ra -L -1` (no title line) with --dialect argus: the documented field list.
            try configure(.argus, names: DialectHeaders.argus.split(separator: ",").map(String.init), delimiter: 0x2C)
            isReady = true
            return parseDataLine(line, batch: batch)
        }
        let d: Dialect
        if let known = dialect {
            d = known
        } else if let found = Self.detect(names: names, delimiter: delimiter) {
            d = found
        } else {
            let sniff = HeaderSniff(names: names)
            throw FlowFormatsError.unknownFormat(firstLine: Self.clip(text), recognised: sniff.recognisedSummary,
                                                 missing: sniff.missingRequired, note: sniff.timeNote)
        }
        try configure(d, names: names, delimiter: delimiter)
        headerBytes = Array(line)
        isReady = true
        return .skipped
    }

    /// A first line that is UNSW-NB15 data rather than a header: with the dialect given,
    /// an address in the first field; undetected, also exactly the 49 fields of
    /// UNSW-NB15_features.csv with addresses in fields 1 and 3 (no header has that).
    static func isHeaderlessUNSWNB15(_ names: [String], given: Dialect?) -> Bool {
        guard given == nil || given == .unswNB15, let first = names.first, isAddress(first) else { return false }
        return given == .unswNB15 || (names.count == DialectHeaders.unswNB15Columns.count && isAddress(names[2]))
    }

    static func isAddress(_ s: String) -> Bool {
        var u = Array(s.utf8)
        return u.withUnsafeMutableBufferPointer { IPAddress.parse(UnsafeBufferPointer($0)) } != nil
    }

    /// The delimiter of a (non-Zeek) header line: the mapping's, the dialect's, or judged
    /// from the line (comma, else tab, else space).
    func headerDelimiter(_ line: UnsafeBufferPointer<UInt8>) -> UInt8 {
        if let m = options.mapping { return m.delimiter }
        if dialect == .awsVPC { return 0x20 }
        if dialect == nil {
            if line.contains(0x2C) { return 0x2C }
            return line.contains(0x09) ? 0x09 : 0x20
        }
        return 0x2C
    }

    static func clip(_ s: String) -> String { s.count > 120 ? String(s.prefix(120)) + "…" : s }

    func headerNames(_ line: UnsafeBufferPointer<UInt8>, delimiter: UInt8) -> [String] {
        var sp = FieldSplitter(maxFields: options.maxFields)
        _ = sp.split(line, delimiter: delimiter, quoting: delimiter == 0x2C, trimSpaces: true)
        return (0..<sp.count).map { String(decoding: sp.field($0, in: line), as: UTF8.self) }
    }

    /// The dialect a header belongs to, or nil.
    static func detect(names: [String], delimiter: UInt8) -> Dialect? {
        let set = Set(names)
        if delimiter == 0x20 && set.contains("srcaddr") && set.contains("dstaddr") { return .awsVPC }
        if names.first == "ts" && set.contains("sa") && set.contains("da") && set.contains("ibyt") { return .nfdumpCSV }
        if names.count > 2 && names[0] == "cnt" && names[1] == "af" && set.contains("firstSeen") { return .nfdumpCSVFast }
        if set.contains("firstSeen") && set.contains("srcAddr") && set.contains("dstAddr") { return .nfdumpCSVNew }
        if set.contains("SrcAddr") && set.contains("DstAddr") && set.contains("Proto") { return .argus }
        let normalized = Set(names.map(ColumnNames.normalize))
        if ["srcip", "dstip", "dsport", "sbytes"].allSatisfy(normalized.contains) { return .unswNB15 }
        if normalized.contains("flowduration") && (normalized.contains("totfwdpkts") || normalized.contains("totalfwdpackets")) {
            return .cicFlowMeter
        }
        return HeaderSniff(names: names).missingRequired.isEmpty ? .genericCSV : nil
    }

    static func genericRole(_ name: String) -> ColumnRole? {
        if let r = ColumnNames.generic[ColumnNames.normalize(name)] { return r }
        if let unit = ColumnNames.unitSuffix(name) {
            let stem = String(name.prefix(upTo: name.lastIndex(of: "_") ?? name.lastIndex(of: "(") ?? name.endIndex))
            switch ColumnNames.generic[ColumnNames.normalize(stem)] {
            case .start?: return .start(.epoch(unit))
            case .end?: return .end(.epoch(unit))
            case .duration?:
                return .duration(unit == .seconds ? .seconds : unit == .millis ? .millis : .micros)
            default: return nil
            }
        }
        return nil
    }

    /// Sets rules and roles for a dialect and header names.
    mutating func configure(_ d: Dialect, names: [String], delimiter: UInt8) throws {
        dialect = d
        var rules = RowRules()
        rules.delimiter = delimiter
        rules.quoting = delimiter == 0x2C
        var roles: [ColumnRole] = []
        switch d {
        case .nfdumpCSV, .nfdumpCSVNew, .nfdumpCSVFast:
            rules.zeroIsNull = true
            rules.revOnlyNonZero = true
            rules.icmpDotPort = d != .nfdumpCSVFast
            rules.flagsOnlyForTCP = true
            rules.nfdumpTrailer = true
            let table = d == .nfdumpCSV ? ColumnNames.nfdumpOld : d == .nfdumpCSVNew ? ColumnNames.nfdumpNew : ColumnNames.nfdumpFast
            roles = names.map { table[$0] ?? .ignore }
        case .zeekConn:
            rules.quoting = false
            rules.dashIsNull = true
            rules.emptyToken = Array("(empty)".utf8)
            rules.zeekICMP = true
            rules.hashLines = true
            let hasIPProto = names.contains("ip_proto")
            roles = names.map { n in
                if n == "ip_proto" { return .proto }
                if n == "proto" && hasIPProto { return .ignore }
                return ColumnNames.zeek[n] ?? .ignore
            }
        case .awsVPC:
            rules.quoting = false
            rules.dashIsNull = true
            roles = names.map { ColumnNames.awsVPC[$0] ?? .ignore }
        case .argus, .unswNB15:
            rules.trimFields = true
            rules.dashIsNull = true
            rules.argusPorts = true
            rules.argusNonFlows = true
            let table = d == .argus ? ColumnNames.argus : ColumnNames.unswNB15
            let normalized = names.map(ColumnNames.normalize)
            // SrcPkts (forward) wins over TotPkts (both directions, CTU-13) wherever it stands.
            let hasForwardPackets = normalized.contains("srcpkts")
            roles = normalized.map { n in n == "totpkts" && hasForwardPackets ? .ignore : table[n] ?? .ignore }
        case .cicFlowMeter:
            rules.trimFields = true
            rules.lenientCounters = true
            rules.inferSlashedDates = true
            roles = names.map { ColumnNames.cic[ColumnNames.normalize($0)] ?? .ignore }
        case .zeekConnJSON, .suricataEve:
            throw FlowFormatsError.badHeader(line: 0, detail: "\(d.rawValue) is JSON lines, which have no header line")
        case .genericCSV:
            rules.dashIsNull = true
            if let m = options.mapping {
                var byHeader: [String: ColumnRole] = [:]
                for (field, header) in m.columns {
                    guard let role = m.role(forField: field) else { continue }
                    guard names.contains(header) else {
                        throw FlowFormatsError.badMapping("column '\(header)' (mapped to \(field)) is not in the header "
                            + names.joined(separator: ","))
                    }
                    byHeader[header] = role
                }
                // A mapping names the columns that differ; the others are found by alias,
                // unless their field is already mapped.
                let mappedKeys = Set(byHeader.values.map(\.key))
                roles = names.map { n in
                    if let r = byHeader[n] { return r }
                    guard let r = Self.genericRole(n), !mappedKeys.contains(r.key) else { return .ignore }
                    return r
                }
            } else {
                roles = names.map { Self.genericRole($0) ?? .ignore }
            }
            HeaderSniff.preferLabelText(names: names, roles: &roles)
        }
        // First occurrence wins (CIC-IDS2017 repeats "Fwd Header Length").
        var seen = Set<String>()
        for i in roles.indices where roles[i] != .ignore {
            if !seen.insert(roles[i].key).inserted { roles[i] = .ignore }
        }
        var missing: [String] = []
        for req in ["start", "src_addr", "dst_addr", "protocol", "packets", "bytes"] where !seen.contains(req) {
            missing.append(req)
        }
        if !missing.isEmpty {
            throw FlowFormatsError.missingColumns(dialect: d, columns: missing,
                                                  note: HeaderSniff.timeNote(missing: missing, names: names, roles: roles))
        }
        self.rules = rules
        self.roles = roles
        self.columnNames = names
        expectedFields = names.count
        logStatusIndex = roles.firstIndex(of: .logStatus) ?? -1
        nonFlowIndex = rules.argusNonFlows ? roles.firstIndex(of: .proto) ?? -1 : -1
        mapped = roles.enumerated().filter { $0.element != .ignore && $0.element != .logStatus }
            .map { (index: $0.offset, role: $0.element) }
    }

    // MARK: - Zeek

    /// Reads one Zeek `#` directive.
    mutating func zeekDirective(_ line: UnsafeBufferPointer<UInt8>, lineNumber: Int64) throws {
        let text = String(decoding: line, as: UTF8.self)
        if text.hasPrefix("#separator") {
            let value = text.dropFirst("#separator".count).trimmingPrefix(" ")
            guard let byte = Self.zeekUnescape(String(value)) else {
                throw FlowFormatsError.badHeader(line: lineNumber, detail: "#separator '\(value)' is not one byte such as \\x09")
            }
            rules.delimiter = byte
            return
        }
        if text.hasPrefix("#fields") {
            guard (try? zeekFields(line)) != nil else {
                throw FlowFormatsError.badHeader(line: lineNumber, detail: "#fields line lacks fields")
            }
            isReady = true
            return
        }
        let parts = text.split(separator: Character(UnicodeScalar(rules.delimiter)), maxSplits: 1,
                               omittingEmptySubsequences: false)
        guard parts.count == 2 else { return }
        let value = String(parts[1])
        switch parts[0] {
        case "#set_separator": zeekSetSeparator = Self.zeekUnescape(value) ?? 0x2C
        case "#empty_field": rules.emptyToken = Array(value.utf8)
        case "#unset_field": rules.unsetToken = Array(value.utf8)
        default: break  // #path, #open, #types, #close
        }
    }

    /// Re-reads the columns from a `#fields` line, keeping the separator and null tokens.
    mutating func zeekFields(_ line: UnsafeBufferPointer<UInt8>) throws {
        let keep = rules
        var names = String(decoding: line, as: UTF8.self)
            .split(separator: Character(UnicodeScalar(keep.delimiter)), omittingEmptySubsequences: false).map(String.init)
        guard names.first == "#fields", names.count > 1 else { throw FlowFormatsError.badHeader(line: 0, detail: "#fields") }
        names.removeFirst()
        try configure(.zeekConn, names: names, delimiter: keep.delimiter)
        rules.emptyToken = keep.emptyToken.isEmpty ? rules.emptyToken : keep.emptyToken
        rules.unsetToken = keep.unsetToken
    }

    /// `\x09` → 0x09; a single ASCII character → itself.
    static func zeekUnescape(_ s: String) -> UInt8? {
        let u = Array(s.utf8)
        if u.count == 4 && u[0] == 0x5C && (u[1] == 0x78 || u[1] == 0x58),
           let h = ByteParsing.hex(u[2]), let l = ByteParsing.hex(u[3]) {
            return h << 4 | l
        }
        if u.count == 1 { return u[0] }
        return nil
    }
}
