import FlowCore

/// What validating one raw record batch produced.
struct BatchOutcome {
    /// Rows that passed every rule (labels are ids into `labels`).
    var rows: [CleanRow] = []
    /// The batch's own label table; the engine maps its ids into the run's table.
    var labels = LocalLabels()
    /// Quarantine lines of the rejected rows, in row order.
    var quarantine: [UInt8] = []
    /// Rejected rows by rule index.
    var rejects = [Int](repeating: 0, count: CleanRule.allCases.count)
}

/// Phase 1 of the engine for one record batch: decodes each row into a `CleanRow`
/// (addresses parsed, nulls recorded), runs the rules, and keeps or quarantines it.
/// Pure function of the batch, so batches are processed in parallel.
enum BatchCleaner {
    /// Cleans rows `rows` of the batch (a slice, so huge batches are split into jobs).
    static func clean(_ v: borrowing RawBatchView, rows: Range<Int>, input: UInt32, batch: Int, sourceJSON: [UInt8],
                      validator: RowValidator) -> BatchOutcome {
        var out = BatchOutcome()
        out.rows.reserveCapacity(rows.count)
        var lastExporterBytes: UnsafeBufferPointer<UInt8> = UnsafeBufferPointer(start: nil, count: 0)
        var lastExporter: IPAddress? = nil
        for i in rows {
            var r = CleanRow()
            r.input = input
            var ok = (v.startValid?[i] ?? true) && (v.endValid?[i] ?? true) && (v.srcValid?[i] ?? true)
                && (v.dstValid?[i] ?? true) && v.proto.isValid(i) && v.packets.isValid(i) && v.bytes.isValid(i)
            r.start = v.start[i]
            r.end = v.end[i]
            r.proto = v.proto.values[i]
            r.packets = v.packets.values[i]
            r.bytes = v.bytes.values[i]
            if ok, let a = IPAddress.parse(v.src[i]), let b = IPAddress.parse(v.dst[i]) {
                r.src = a
                r.dst = b
            } else {
                ok = false
            }
            var present: UInt16 = 0
            if v.srcPort.isValid(i) { r.srcPort = v.srcPort.values[i]; present |= Present.srcPort }
            if v.dstPort.isValid(i) { r.dstPort = v.dstPort.values[i]; present |= Present.dstPort }
            if v.tcpFlags.isValid(i) { r.tcpFlags = v.tcpFlags.values[i]; present |= Present.tcpFlags }
            if v.inputIf.isValid(i) { r.inputIf = v.inputIf.values[i]; present |= Present.inputIf }
            if v.outputIf.isValid(i) { r.outputIf = v.outputIf.values[i]; present |= Present.outputIf }
            if v.srcAS.isValid(i) { r.srcAS = v.srcAS.values[i]; present |= Present.srcAS }
            if v.dstAS.isValid(i) { r.dstAS = v.dstAS.values[i]; present |= Present.dstAS }
            if v.tos.isValid(i) { r.tos = v.tos.values[i]; present |= Present.tos }
            if v.samplingRate.isValid(i) { r.samplingRate = v.samplingRate.values[i]; present |= Present.samplingRate }
            if v.flowDirection.isValid(i) { r.flowDirection = v.flowDirection.values[i]; present |= Present.flowDirection }
            if v.revPackets.isValid(i) { r.revPackets = v.revPackets.values[i]; present |= Present.revPackets }
            if v.revBytes.isValid(i) { r.revBytes = v.revBytes.values[i]; present |= Present.revBytes }
            if v.exporterValid?[i] ?? true {
                let text = v.exporter[i]
                if let last = lastExporter, text.count == lastExporterBytes.count,
                   memcmpEqual(text, lastExporterBytes) {
                    r.exporter = last
                    present |= Present.exporter
                } else if let e = IPAddress.parse(text) {
                    r.exporter = e
                    lastExporter = e
                    lastExporterBytes = text
                    present |= Present.exporter
                } else if !text.isEmpty {
                    ok = false  // a non-empty exporter that is not an address
                }
            }
            if v.labelValid?[i] ?? true {
                r.label = out.labels.id(of: v.label[i])
                present |= Present.label
            }
            r.present = present
            let rule: CleanRule? = ok ? validator.check(r) : .invalidValue
            if let rule {
                out.rejects[rule.index] += 1
                QuarantineLine.append(view: v, row: i, sourceJSON: sourceJSON, batch: batch, rule: rule,
                                      detail: validator.detail(rule, r), to: &out.quarantine)
            } else {
                out.rows.append(r)
            }
        }
        return out
    }

    @inline(__always)
    static func memcmpEqual(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let pa = a.baseAddress, let pb = b.baseAddress else { return a.count == b.count }
        for k in 0..<a.count where pa[k] != pb[k] { return false }
        return true
    }
}
