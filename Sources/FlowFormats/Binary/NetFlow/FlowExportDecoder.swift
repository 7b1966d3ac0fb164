import FlowCore

/// Decodes NetFlow v5, NetFlow v9 (RFC 3954) and IPFIX (RFC 7011) export messages into flow
/// records. Bytes in, records out: the caller (a capture reader, a stream reader) hands one
/// message at a time with its exporter address and byte offset.
///
/// State kept across messages, all bounded by `BinaryDecodeOptions`: templates per
/// (exporter, source ID / observation domain), options-derived sampling rates and system
/// init times, data sets waiting for their template, sequence-number accounting.
public struct FlowExportDecoder: Sendable {
    public var options: BinaryDecodeOptions
    /// Counters for the manifest.
    public internal(set) var report = BinaryDecodeReport()
    /// Rejects not yet taken by `takeRejects()` (at most `options.maxHeldRejects`).
    public internal(set) var pendingRejects: [BinaryReject] = []

    var templates: [FlowTemplateKey: FlowTemplatePlan] = [:] {
        didSet { lastTemplate = nil }
    }
    /// The template last found by `template(for:)`: an exporter sends long runs of sets
    /// of one template.
    var lastTemplate: (key: FlowTemplateKey, plan: FlowTemplatePlan)?
    var domains: [FlowDomainKey: FlowDomainState] = [:]
    var held: [FlowHeldSet] = []
    var heldBytes = 0
    /// Index into `report.sequences` (and `expectedSequence`) of each domain.
    var sequenceSlots: [FlowDomainKey: Int] = [:]
    /// The sequence number the next message of each slot should carry (nil: unknown).
    var expectedSequence: [UInt32?] = []
    var lastSequenceSlot: (key: FlowDomainKey, slot: Int)?
    /// Per-set record buffer of `decodeFixedDataSet`, kept for reuse.
    var scratchRecords: [FlowRecordScratch] = []

    public init(options: BinaryDecodeOptions = BinaryDecodeOptions()) {
        self.options = options
    }

    /// The NetFlow/IPFIX version (5, 9 or 10) when `p` starts with a plausible export
    /// message header of that version, else nil. Used to pick export datagrams out of
    /// captures without assuming a port.
    public static func exportVersion(of p: UnsafeRawBufferPointer) -> UInt16? {
        guard p.count >= 20 else {
            if p.count >= 16, BinaryBytes.be16(p, 0) == 10 { return 10 }
            return nil
        }
        switch BinaryBytes.be16(p, 0) {
        case 5:
            let count = Int(BinaryBytes.be16(p, 2))
            return count >= 1 && count <= 30 ? 5 : nil
        case 9:
            let count = Int(BinaryBytes.be16(p, 2))
            guard count <= 2048 else { return nil }
            guard p.count >= 24 else { return count == 0 ? 9 : nil }
            let setID = BinaryBytes.be16(p, 20)
            let setLen = Int(BinaryBytes.be16(p, 22))
            return (setID <= 1 || setID >= 256) && setLen >= 4 && 20 + setLen <= p.count ? 9 : nil
        case 10:
            let len = Int(BinaryBytes.be16(p, 2))
            return len >= 16 && len <= p.count ? 10 : nil
        default:
            return nil
        }
    }

    /// `decode(message:exporter:offset:into:)` appending to `batch` (tests, slow paths).
    public mutating func decode(message p: UnsafeRawBufferPointer, exporter: IPAddress?, offset: Int64, into batch: inout FlowBatch) {
        batch.appending { decode(message: p, exporter: exporter, offset: offset, into: $0) }
    }

    /// Decodes one export message. `exporter` is the datagram's source address (nil for
    /// raw streams), `offset` the message's byte offset in the input. Flows go to `batch`;
    /// problems go to `pendingRejects` and `report`.
    public mutating func decode(message p: UnsafeRawBufferPointer, exporter: IPAddress?, offset: Int64, into batch: FlowBatchBuilder) {
        guard p.count >= 4 else {
            reject(.badExportHeader, offset, 1, "export message of \(p.count) bytes")
            return
        }
        switch BinaryBytes.be16(p, 0) {
        case 5: decodeV5(p, exporter: exporter, offset: offset, into: batch)
        case 9: decodeV9(p, exporter: exporter, offset: offset, into: batch)
        case 10: decodeIPFIX(p, exporter: exporter, offset: offset, into: batch)
        default:
            reject(.badExportHeader, offset, 1, "export version \(BinaryBytes.be16(p, 0)) is not 5, 9 or 10")
        }
    }

    /// Ends the input: data sets still waiting for a template (or a time base) become
    /// rejects.
    public mutating func finish() {
        for h in held {
            reject(h.reason, h.offset, 1, h.reason == .missingTimeBase
                ? "data set of template \(h.key.templateID): no systemInitTimeMilliseconds (IE 160) from this exporter"
                : "data set of template \(h.key.templateID) from \(h.key.domain.describe()): the template never arrived")
        }
        held.removeAll()
        heldBytes = 0
    }

    /// Returns and clears the rejects gathered so far.
    public mutating func takeRejects() -> [BinaryReject] {
        defer { pendingRejects.removeAll(keepingCapacity: true) }
        return pendingRejects
    }

    // MARK: - Shared machinery

    mutating func reject(_ reason: RejectReason, _ offset: Int64, _ records: Int, _ detail: String) {
        let n = max(1, records)
        report.rejectedRecords[reason, default: 0] += n
        if pendingRejects.count < options.maxHeldRejects {
            pendingRejects.append(BinaryReject(reason: reason, offset: offset, records: n, detail: detail))
        }
    }

    /// Sequence accounting: `seq` is the message's number, `next` the number the following
    /// message should carry (nil when unknown, e.g. a set was held).
    mutating func trackSequence(_ key: FlowDomainKey, seq: UInt32, next: UInt32?, unit: ExporterSequenceStats.Unit, offset: Int64) {
        let slot: Int
        if let last = lastSequenceSlot, last.key == key {
            slot = last.slot
        } else if let s = sequenceSlots[key] {
            slot = s
        } else {
            slot = report.sequences.count
            sequenceSlots[key] = slot
            report.sequences.append(ExporterSequenceStats(exporter: key.exporter, domain: key.domain, version: key.version, unit: unit))
            expectedSequence.append(nil)
        }
        lastSequenceSlot = (key, slot)
        report.sequences[slot].messages += 1
        if let expected = expectedSequence[slot], expected != seq {
            let jump = seq &- expected
            // A forward jump of up to 2^24 units is loss; anything else is a restart or
            // reordering, which is counted but not called loss.
            if jump < 1 << 24 {
                report.sequences[slot].gaps += 1
                report.sequences[slot].lost += UInt64(jump)
                if report.sequences[slot].firstGapOffset == nil { report.sequences[slot].firstGapOffset = offset }
            } else {
                report.sequences[slot].resets += 1
            }
        }
        expectedSequence[slot] = next
    }

    /// The compiled template of `key`, if known.
    mutating func template(for key: FlowTemplateKey) -> FlowTemplatePlan? {
        if let last = lastTemplate, last.key == key { return last.plan }
        guard let plan = templates[key] else { return nil }
        lastTemplate = (key, plan)
        return plan
    }

    /// Stores a template definition; replays held sets that were waiting for it.
    mutating func learnTemplate(_ key: FlowTemplateKey, _ plan: FlowTemplatePlan, offset: Int64, into batch: FlowBatchBuilder) {
        if let old = templates[key] {
            if old.signature != plan.signature { report.templatesReplaced += 1 }
        } else if templates.count >= options.maxTemplates {
            reject(.badTemplate, offset, 1, "more than \(options.maxTemplates) templates; template \(key.templateID) ignored")
            return
        }
        templates[key] = plan
        report.templates += 1
        replayHeld(where: { $0.key == key }, into: batch)
    }

    /// Removes templates: one (`templateID`), or all of the domain (`nil`).
    mutating func withdrawTemplates(_ domain: FlowDomainKey, templateID: UInt16?) {
        if let id = templateID {
            if templates.removeValue(forKey: FlowTemplateKey(domain: domain, templateID: id)) != nil { report.templatesReplaced += 1 }
        } else {
            let before = templates.count
            templates = templates.filter { $0.key.domain != domain }
            report.templatesReplaced += before - templates.count
        }
    }

    /// Decodes the held sets matching `match`, in arrival order; those still blocked stay.
    mutating func replayHeld(where match: (FlowHeldSet) -> Bool, into batch: FlowBatchBuilder) {
        guard held.contains(where: match) else { return }
        let waiting = held
        held.removeAll()
        heldBytes = 0
        for h in waiting {
            if match(h), let plan = templates[h.key],
               !(h.context.isIPFIX && plan.needsSystemInit && domains[h.key.domain]?.sysInitMs == nil) {
                report.heldSetsDecoded += 1
                h.bytes.withUnsafeBytes { body in
                    _ = decodeDataSet(body, plan: plan, key: h.key, context: h.context, offset: h.offset, into: batch)
                }
            } else {
                var again = h
                if templates[h.key] != nil { again.reason = .missingTimeBase }
                held.append(again)
                heldBytes += h.bytes.count
            }
        }
    }

    /// Keeps a data set until its template (or time base) arrives, if the budget allows.
    mutating func hold(_ body: UnsafeRawBufferPointer, key: FlowTemplateKey, context: FlowMessageContext, offset: Int64, reason: RejectReason) {
        if heldBytes + body.count > options.maxHeldBytes {
            reject(reason, offset, 1, "data set of template \(key.templateID) arrived before its \(reason == .missingTimeBase ? "time base" : "template") and the hold buffer (\(options.maxHeldBytes) bytes) is full")
            return
        }
        held.append(FlowHeldSet(key: key, context: context, bytes: Array(body), offset: offset, reason: reason))
        heldBytes += body.count
    }

    /// Decodes the records of one data set; returns the number of records (flows and
    /// options records) read.
    mutating func decodeDataSet(_ body: UnsafeRawBufferPointer, plan: FlowTemplatePlan, key: FlowTemplateKey, context ctx: FlowMessageContext, offset: Int64, into batch: FlowBatchBuilder) -> Int {
        var state = domains[key.domain] ?? FlowDomainState()
        let sysUptime: UInt32? = ctx.isIPFIX ? nil : ctx.sysUptime
        var records = 0
        // Each record's fields go straight into a row of the builder (`FlowRecordScratch`);
        // `emit` commits it, or drops it for options records, and a truncated record's row
        // is dropped here.
        if let fixed = plan.fixedLength {
            guard fixed > 0 else { return 0 }
            let n = body.count / fixed
            if !plan.isOptions {
                decodeFixedDataSet(body, plan: plan, fixed: fixed, count: n, state: &state, ctx: ctx,
                                   sysUptime: sysUptime, into: batch)
                return n  // data records leave the domain state as it was
            }
            var base = 0
            let ops = plan.ops
            for _ in 0..<n {
                var s = FlowRecordScratch(row: batch.openRow())
                for op in ops {
                    s.apply(op.target, body, base + Int(op.offset), Int(op.length), into: batch)
                }
                emit(&s, plan: plan, state: &state, ctx: ctx, sysUptime: sysUptime, into: batch)
                base += fixed
                records += 1
            }
        } else {
            var pos = 0
            let end = body.count
            outer: while end - pos >= plan.minLength && end - pos > 0 {
                var s = FlowRecordScratch(row: batch.openRow())
                let start = pos
                for op in plan.ops {
                    var len = Int(op.length)
                    if op.length == 0xFFFF {
                        guard pos < end else {
                            batch.abandonRow(s.row)
                            break outer
                        }
                        len = Int(body[pos]); pos += 1
                        if len == 255 {
                            guard end - pos >= 2 else {
                                batch.abandonRow(s.row)
                                reject(.truncatedRecord, offset + Int64(start), 1, "variable-length field runs past the set")
                                break outer
                            }
                            len = Int(BinaryBytes.be16(body, pos)); pos += 2
                        }
                    }
                    guard end - pos >= len else {
                        batch.abandonRow(s.row)
                        reject(.truncatedRecord, offset + Int64(start), 1, "record of template \(key.templateID) runs past the end of its set")
                        break outer
                    }
                    if op.target != .skip { s.apply(op.target, body, pos, len, into: batch) }
                    pos += len
                }
                emit(&s, plan: plan, state: &state, ctx: ctx, sysUptime: sysUptime, into: batch)
                records += 1
            }
        }
        domains[key.domain] = state
        return records
    }

    @inline(__always)
    mutating func emit(_ s: inout FlowRecordScratch, plan: FlowTemplatePlan, state: inout FlowDomainState, ctx: FlowMessageContext, sysUptime: UInt32?, into batch: FlowBatchBuilder) {
        if plan.isOptions {
            // Options records teach the domain's state; they are not flows.
            batch.abandonRow(s.row)
            report.optionsRecords += 1
            if s.has(.sysInitMs) { state.sysInitMs = s.sysInitMs }
            if let rate = s.statedSamplingRate {
                if s.has(.samplerID) {
                    if state.samplerRates.count < 4096 || state.samplerRates[s.samplerID] != nil { state.samplerRates[s.samplerID] = rate }
                } else {
                    state.samplingRate = rate
                }
            }
            return
        }
        s.resolveTimes(exportMs: ctx.exportMs, sysUptime: sysUptime, sysInit: state.sysInitMs, into: batch)
        if let rate = samplingRate(of: s, state: state) { batch.setSamplingRate(s.row, rate) }
        if let exporter = ctx.exporter { batch.setExporter(s.row, exporter) }
        batch.commitRow()
        report.flows += 1
    }
}

extension FlowExportDecoder {
    /// A data record's sampling rate: its sampler's (options records), the rate it states
    /// itself, or its domain's.
    @inline(__always)
    func samplingRate(of s: FlowRecordScratch, state: FlowDomainState) -> UInt32? {
        if s.has(.samplerID), let known = state.samplerRates[s.samplerID] { return known }
        return s.statedSamplingRate ?? state.samplingRate
    }
}

/// (exporter, NetFlow version, source ID / observation domain / v5 engine).
struct FlowDomainKey: Hashable, Sendable {
    var exporter: IPAddress?
    var domain: UInt32
    var version: UInt8

    func describe() -> String {
        "exporter \(exporter?.description ?? "-") domain \(domain)"
    }
}

struct FlowTemplateKey: Hashable, Sendable {
    var domain: FlowDomainKey
    var templateID: UInt16
}

/// What options records taught about one exporter domain.
struct FlowDomainState: Sendable {
    var sysInitMs: Int64? = nil
    var samplingRate: UInt32? = nil
    var samplerRates: [UInt64: UInt32] = [:]
}

/// The header values data records of one message are resolved against.
struct FlowMessageContext: Sendable {
    var exporter: IPAddress?
    var exportMs: Int64
    var sysUptime: UInt32
    var isIPFIX: Bool
}

/// A data set kept until its template arrives.
struct FlowHeldSet: Sendable {
    var key: FlowTemplateKey
    var context: FlowMessageContext
    var bytes: [UInt8]
    var offset: Int64
    var reason: RejectReason
}

extension FlowTemplatePlan {
    /// True when record times come only from SysUpTime IEs (21/22), which IPFIX resolves
    /// through systemInitTimeMilliseconds.
    var needsSystemInit: Bool {
        var sysUp = false
        for op in ops {
            switch op.target {
            case .firstSysUp, .lastSysUp: sysUp = true
            case .startSec, .startMs, .startNtpUs, .startNtpNs, .startDeltaUs: return false
            default: break
            }
        }
        return sysUp
    }
}

/// One set of an export message (a NetFlow v9 FlowSet, an IPFIX Set): its ID, its body
/// (the bytes after the 4-byte header) and the body's input offset.
struct ExportSet {
    let id: UInt16
    let body: UnsafeRawBufferPointer
    let bodyOffset: Int64
}

/// A set header whose length is below 4 or runs past the message.
struct ExportSetError: Error {
    /// The set's ID and its declared length (header included).
    let id: UInt16, length: Int
    /// Input offset of the set, and the bytes left in the message from there.
    let offset: Int64, left: Int
}

extension BinaryCursor {
    /// The next set of an export message: a 4-byte header (ID, length including the
    /// header) and its body, the position moved past it. Throws (position unchanged) when
    /// fewer than 4 bytes remain, or the length is below 4 or runs past the message.
    mutating func exportSet() throws(ExportSetError) -> ExportSet {
        let start = self, offset = inputOffset, left = remaining
        guard let id = be16(at: position), let length = be16(at: position + 2).map(Int.init) else {
            throw ExportSetError(id: 0, length: 0, offset: offset, left: left)
        }
        do {
            skip(4)
            guard length >= 4 else { throw BinaryBoundsError(offset: offset, needed: 4, available: left) }
            let body = try take(length - 4)
            return ExportSet(id: id, body: body, bodyOffset: offset + 4)
        } catch {
            self = start
            throw ExportSetError(id: id, length: length, offset: offset, left: left)
        }
    }
}
