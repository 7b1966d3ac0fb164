import FlowCore

/// NetFlow v9 (RFC 3954): 20-byte header, then FlowSets: 0 templates, 1 options templates,
/// 256 and above data. Times are SysUptime-relative; the header carries whole seconds only.
extension FlowExportDecoder {
    mutating func decodeV9(_ p: UnsafeRawBufferPointer, exporter: IPAddress?, offset: Int64, into batch: FlowBatchBuilder) {
        var c = BinaryCursor(p, origin: offset)
        let sysUptime: UInt32, secs: Int64, sequence: UInt32, sourceID: UInt32
        do {
            try c.require(20)
            _ = try c.readBE32()  // version, count
            sysUptime = try c.readBE32()
            secs = Int64(try c.readBE32())
            sequence = try c.readBE32()
            sourceID = try c.readBE32()
        } catch {
            reject(.badExportHeader, offset, 1, "NetFlow v9 header needs 20 bytes, datagram has \(p.count)")
            return
        }
        report.messages += 1
        let domain = FlowDomainKey(exporter: exporter, domain: sourceID, version: 9)
        let ctx = FlowMessageContext(exporter: exporter, exportMs: secs * 1000, sysUptime: sysUptime, isIPFIX: false)
        trackSequence(domain, seq: sequence, next: sequence &+ 1, unit: .datagrams, offset: offset)

        while c.remaining >= 4 {
            let set: ExportSet
            do { set = try c.exportSet() } catch {
                reject(.badFlowset, error.offset, 1, "FlowSet \(error.id) length \(error.length) is \(error.length < 4 ? "below 4" : "past the datagram end (\(error.left) bytes left)")")
                return
            }
            switch set.id {
            case 0: parseV9Templates(set.body, domain: domain, offset: set.bodyOffset, options: false, into: batch)
            case 1: parseV9Templates(set.body, domain: domain, offset: set.bodyOffset, options: true, into: batch)
            case 2...255: break  // reserved
            default:
                let key = FlowTemplateKey(domain: domain, templateID: set.id)
                if let plan = template(for: key) {
                    _ = decodeDataSet(set.body, plan: plan, key: key, context: ctx, offset: set.bodyOffset, into: batch)
                } else {
                    hold(set.body, key: key, context: ctx, offset: set.bodyOffset, reason: .missingTemplate)
                }
            }
        }
    }

    /// Template or options-template FlowSet body.
    mutating func parseV9Templates(_ b: UnsafeRawBufferPointer, domain: FlowDomainKey, offset: Int64, options: Bool, into batch: FlowBatchBuilder) {
        var c = BinaryCursor(b, origin: offset)
        let headerLength = options ? 6 : 4
        while c.remaining >= headerLength {
            let recordOffset = c.inputOffset
            do {
                let id = try c.readBE16()
                var fieldCount: Int
                if options {
                    let scopeBytes = Int(try c.readBE16())
                    let optionBytes = Int(try c.readBE16())
                    guard scopeBytes % 4 == 0, optionBytes % 4 == 0 else {
                        reject(.badTemplate, recordOffset, 1, "options template \(id): scope/option lengths \(scopeBytes)/\(optionBytes) are not multiples of 4")
                        return
                    }
                    fieldCount = (scopeBytes + optionBytes) / 4
                } else {
                    fieldCount = Int(try c.readBE16())
                }
                if id == 0 && fieldCount == 0 { return }  // padding
                guard id >= 256, fieldCount >= 1, fieldCount * 4 <= c.remaining else {
                    reject(.badTemplate, recordOffset, 1,
                           "template \(id) with \(fieldCount) fields (\(fieldCount * 4) bytes) in \(c.remaining) bytes left\(id < 256 ? "; template IDs start at 256" : "")")
                    return
                }
                var fields: [(ie: UInt16, enterprise: UInt32, length: UInt16)] = []
                fields.reserveCapacity(fieldCount)
                var total = 0
                for _ in 0..<fieldCount {
                    let ie = try c.readBE16()
                    let len = try c.readBE16()
                    total += Int(len)
                    fields.append((ie, 0, len))
                }
                guard total > 0, total <= 65_535 else {
                    reject(.badTemplate, c.inputOffset, 1, "template \(id): record length \(total) is impossible")
                    continue
                }
                learnTemplate(FlowTemplateKey(domain: domain, templateID: id), FlowTemplatePlan(fields: fields, isOptions: options),
                              offset: c.inputOffset, into: batch)
            } catch {
                reject(.badTemplate, error.offset, 1, "template at byte \(recordOffset) is cut short: \(error.needed) bytes needed, \(error.available) left")
                return
            }
        }
    }
}
