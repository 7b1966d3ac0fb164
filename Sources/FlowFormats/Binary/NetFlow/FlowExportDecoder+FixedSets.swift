import FlowCore

extension FlowExportDecoder {
    /// Decodes the `n` records of a data set of the fixed-length, non-options template
    /// `plan` field by field: each field's loop runs over every record of the set, so the
    /// dispatch on the field's target is paid once per set (v9 and IPFIX sets hold tens of
    /// records) instead of once per record and field. Fields that need the whole record
    /// (times, total counters, sampling, ICMP type/code against the destination port) go
    /// through each record's `FlowRecordScratch` exactly as in the record-by-record path,
    /// in field order; times, sampling rate and exporter are then resolved as `emit` does.
    mutating func decodeFixedDataSet(_ body: UnsafeRawBufferPointer, plan: FlowTemplatePlan, fixed: Int, count n: Int,
                                     state: inout FlowDomainState, ctx: FlowMessageContext, sysUptime: UInt32?,
                                     into batch: FlowBatchBuilder) {
        let first = batch.openRows(n, filled: plan.filledColumns)
        var scratch = takeScratch()
        for k in 0..<n { scratch.append(FlowRecordScratch(row: first + k)) }
        scratch.withUnsafeMutableBufferPointer { s in
            for op in plan.ops {
                let o = Int(op.offset), len = Int(op.length)
                /// Calls `store(row, offset of the field in that record)` for every record.
                @inline(__always) func each(_ store: (Int, Int) -> Void) {
                    var at = o
                    for k in 0..<n {  // n * fixed <= the set's length: no overflow
                        store(first &+ k, at)
                        at &+= fixed
                    }
                }
                /// Where the field of record k starts.
                @inline(__always) func at(_ k: Int) -> Int { o &+ k &* fixed }
                if op.target.fill(batch, first, n, body, length: len, at: at) { continue }
                @inline(__always) func value(_ k: Int) -> UInt64 { BinaryBytes.beUInt(body, at(k), len) }
                switch op.target {
                // Times wait in the record's scratch until the record is resolved.
                case .firstSysUp: for k in 0..<n { s[k].firstSysUp = UInt32(truncatingIfNeeded: value(k)) }
                case .lastSysUp: for k in 0..<n { s[k].lastSysUp = UInt32(truncatingIfNeeded: value(k)) }
                case .startMs: for k in 0..<n { s[k].startMs = Int64(truncatingIfNeeded: value(k)) }
                case .endMs: for k in 0..<n { s[k].endMs = Int64(truncatingIfNeeded: value(k)) }
                default:
                    // Destination port and ICMP type/code decide between them in field
                    // order; times, totals and sampling wait for the whole record.
                    each { s[$0 - first].apply(op.target, body, $1, len, into: batch) }
                }
            }
            // Every record of the template has every field. Without sampling fields every
            // record takes the domain's rate; the exporter is the message's.
            let perRecordRate = plan.targetMask & Self.samplingTargets != 0
            for k in 0..<n {
                s[k].have |= plan.targetMask
                s[k].resolveTimes(exportMs: ctx.exportMs, sysUptime: sysUptime, sysInit: state.sysInitMs, into: batch)
                if perRecordRate, let rate = samplingRate(of: s[k], state: state) { batch.setSamplingRate(first + k, rate) }
            }
            if !perRecordRate, let rate = state.samplingRate {
                for k in 0..<n { batch.setSamplingRate(first + k, rate) }
            }
            if let exporter = ctx.exporter {
                for k in 0..<n { batch.setExporter(first + k, exporter) }
            }
        }
        batch.commitRows(n)
        report.flows += n
        giveScratch(scratch)
    }

    /// The targets that give a record its own sampling rate.
    static let samplingTargets = FlowRecordScratch.bit(.samplingInterval) | FlowRecordScratch.bit(.samplingPacketInterval)
        | FlowRecordScratch.bit(.samplerID)

    /// The reusable record buffer, emptied (moved out so the decoder can be mutated while
    /// the buffer is in use).
    mutating func takeScratch() -> [FlowRecordScratch] {
        var records: [FlowRecordScratch] = []
        swap(&records, &scratchRecords)
        records.removeAll(keepingCapacity: true)
        return records
    }

    mutating func giveScratch(_ records: [FlowRecordScratch]) {
        scratchRecords = records
    }
}
