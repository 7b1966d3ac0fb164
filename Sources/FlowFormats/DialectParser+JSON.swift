import FlowCore

extension DialectParser {
    /// Sets up a JSON-lines dialect from the first line: the given one, or the one its keys
    /// name (`event_type` → Suricata eve.json; `id.orig_h` or `id_orig_h`, or `uid` with an
    /// `id` object → Zeek conn.log). Throws when the line is no JSON object or names neither.
    mutating func configureJSON(firstLine line: UnsafeBufferPointer<UInt8>, lineNumber: Int64) throws {
        let text = Self.clip(String(decoding: line, as: UTF8.self))
        var keys = Set<String>()
        let failure = JSONLineScanner.scan(line) { m in
            if m.parent.isEmpty { keys.insert(String(decoding: m.key, as: UTF8.self)) }
        }
        let d: Dialect
        if let known = dialect {
            if let failure, line.first != UInt8(ascii: "{") {
                throw FlowFormatsError.badHeader(line: lineNumber, detail: "a \(known.rawValue) input holds one JSON object "
                    + "per line; the first line is not one (\(failure)): '\(text)'")
            }
            d = known
        } else if let failure {
            throw FlowFormatsError.unknownFormat(firstLine: "\(text)' (it starts with '{' but is not one JSON object: \(failure))")
        } else if keys.contains("event_type") {
            d = .suricataEve
        } else if keys.contains("id.orig_h") || keys.contains("id_orig_h") || (keys.contains("uid") && keys.contains("id")) {
            d = .zeekConnJSON
        } else {
            throw FlowFormatsError.unknownFormat(firstLine: "\(text)' (a JSON object whose keys name neither a Zeek conn.log "
                + "(id.orig_h) nor a Suricata eve.json (event_type)")
        }
        let table = d == .suricataEve ? JSONFieldTable.suricataEve : JSONFieldTable.zeekConn
        var rules = RowRules()
        rules.quoting = false
        rules.zeekICMP = true  // ICMP type and code in the port fields, as Zeek and Suricata write them
        rules.hexFlags = d == .suricataEve
        self.rules = rules
        dialect = d
        jsonFields = table
        roles = table.roles
        columnNames = table.names
        expectedFields = table.slotCount
        logStatusIndex = -1
        mapped = table.roles.enumerated().filter { $0.element != .ignore }.map { (index: $0.offset, role: $0.element) }
    }

    /// Decodes one JSON line: its members are placed in the table's slots (as field
    /// ranges of the line) and the record is built by `assemble`, as for delimited text.
    mutating func parseJSONLine(_ line: UnsafeBufferPointer<UInt8>, _ table: JSONFieldTable,
                                batch: FlowBatchBuilder) -> LineOutcome {
        guard let base = line.baseAddress else { return .skipped }
        splitter.resetFields(table.slotCount)
        var strong: UInt64 = 0  // slots filled by a priority-1 member
        var problem: LineOutcome?
        let failure = JSONLineScanner.scan(line) { m in
            guard problem == nil, let e = table.lookup(parent: m.parent, key: m.key) else { return }
            let bit = UInt64(1) << UInt64(e.slot)
            if e.priority == 0 && strong & bit != 0 { return }
            if e.priority > 0 { strong |= bit }
            switch m.kind {
            case .string, .number:
                if m.valueEscaped {
                    problem = .rejected(.badJSON, detail: "\(table.names[e.slot]) '\(Self.show(m.value))' holds a JSON "
                        + "escape where a plain value is expected")
                    return
                }
                let start = m.value.baseAddress! - base
                splitter.setField(e.slot, start: start, end: start + m.value.count)
            case .null:
                splitter.setField(e.slot, start: 0, end: 0)
            case .bool, .object, .array:
                problem = .rejected(.badJSON, detail: "\(table.names[e.slot]) is a JSON \(m.kind), expected a string or a number")
            }
        }
        if let failure { return .rejected(.badJSON, detail: "not one JSON object: \(failure)") }
        if let problem { return problem }
        if let slot = table.eventTypeSlot {
            let type = splitter.field(slot, in: line)
            if type.isEmpty { return .rejected(.missingField, detail: "event_type is missing (every eve.json event has one)") }
            if !(type.elementsEqual("flow".utf8) || type.elementsEqual("netflow".utf8)) {
                return .skippedRecord(kind: "event_type " + String(decoding: type, as: UTF8.self))
            }
        }
        return assemble(line, batch: batch)
    }
}

extension FieldSplitter {
    /// Sets `count` empty fields, for decoders that place fields themselves (JSON lines).
    mutating func resetFields(_ count: Int) {
        if ranges.count < count { ranges = [UInt64](repeating: 0, count: count) }
        for i in 0..<count { ranges[i] = 0 }
        fieldCount = count
    }

    /// Field `i` is bytes `start..<end` of the line.
    mutating func setField(_ i: Int, start: Int, end: Int) {
        ranges[i] = UInt64(truncatingIfNeeded: start) | UInt64(truncatingIfNeeded: end) << 32
    }
}

extension ByteParsing {
    /// One or two hex digits (Suricata's `tcp_flags`, `"1b"`), either case.
    static func hexByte(_ f: UnsafeBufferPointer<UInt8>) -> UInt8? {
        guard f.count == 1 || f.count == 2 else { return nil }
        var v: UInt8 = 0
        for c in f {
            guard let d = hex(c) else { return nil }
            v = v << 4 | d
        }
        return v
    }
}
