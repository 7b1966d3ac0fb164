import FlowCore

/// IPFIX (RFC 7011): 16-byte message header with the message length, then Sets: 2
/// templates, 3 options templates, 256 and above data. Enterprise-specific IEs are skipped
/// by length (RFC 5103 reverse counters, enterprise 29305, are kept apart); variable-length
/// IEs carry a 1- or 3-byte length.
extension FlowExportDecoder {
    mutating func decodeIPFIX(_ p: UnsafeRawBufferPointer, exporter: IPAddress?, offset: Int64, into batch: FlowBatchBuilder) {
        var c = BinaryCursor(p, origin: offset)
        let length: Int, exportSecs: Int64, sequence: UInt32, domainID: UInt32
        do {
            try c.require(16)
            _ = try c.readBE16()  // version
            length = Int(try c.readBE16())
            exportSecs = Int64(try c.readBE32())
            sequence = try c.readBE32()
            domainID = try c.readBE32()
        } catch {
            reject(.badExportHeader, offset, 1, "IPFIX header needs 16 bytes, message has \(p.count)")
            return
        }
        guard length == p.count else {
            // nfcapd and tshark decode such messages silently; the length field frames the
            // message, so a disagreement means a cut or padded datagram.
            reject(.badExportHeader, offset, 1, "IPFIX header length \(length) disagrees with the \(p.count)-byte datagram")
            return
        }
        report.messages += 1
        let domain = FlowDomainKey(exporter: exporter, domain: domainID, version: 10)
        let ctx = FlowMessageContext(exporter: exporter, exportMs: exportSecs * 1000, sysUptime: 0, isIPFIX: true)
        var dataRecords: UInt32 = 0
        var countKnown = true

        while c.remaining >= 4 {
            let set: ExportSet
            do { set = try c.exportSet() } catch {
                reject(.badFlowset, error.offset, 1, "set \(error.id) length \(error.length) is \(error.length < 4 ? "below 4" : "past the message end (\(error.left) bytes left)")")
                countKnown = false
                break
            }
            let body = set.body, bodyOffset = set.bodyOffset
            switch set.id {
            case 2: parseIPFIXTemplates(body, domain: domain, offset: bodyOffset, options: false, into: batch)
            case 3: parseIPFIXTemplates(body, domain: domain, offset: bodyOffset, options: true, into: batch)
            case 0...255: break  // reserved (0, 1 are NetFlow v9's)
            default:
                let key = FlowTemplateKey(domain: domain, templateID: set.id)
                if let plan = template(for: key) {
                    if plan.needsSystemInit, domains[domain]?.sysInitMs == nil {
                        hold(body, key: key, context: ctx, offset: bodyOffset, reason: .missingTimeBase)
                        countKnown = false
                    } else {
                        let n = decodeDataSet(body, plan: plan, key: key, context: ctx, offset: bodyOffset, into: batch)
                        dataRecords &+= UInt32(truncatingIfNeeded: n)
                        if plan.isOptions { replayHeld(where: { $0.key.domain == domain && $0.reason == .missingTimeBase }, into: batch) }
                    }
                } else {
                    hold(body, key: key, context: ctx, offset: bodyOffset, reason: .missingTemplate)
                    countKnown = false
                }
            }
        }
        // The sequence number counts data records sent before this message.
        trackSequence(domain, seq: sequence, next: countKnown ? sequence &+ dataRecords : nil, unit: .records, offset: offset)
    }

    mutating func parseIPFIXTemplates(_ b: UnsafeRawBufferPointer, domain: FlowDomainKey, offset: Int64, options: Bool, into batch: FlowBatchBuilder) {
        var c = BinaryCursor(b, origin: offset)
        let headerLength = options ? 6 : 4
        while c.remaining >= 4 {
            let recordOffset = c.inputOffset
            var id: UInt16 = 0
            do {
                id = try c.readBE16()
                let fieldCount = Int(try c.readBE16())
                if fieldCount == 0 {
                    // Template withdrawal (RFC 7011 §8.1): ID 2/3 withdraws all of the domain.
                    if id == 2 || id == 3 { withdrawTemplates(domain, templateID: nil) } else if id >= 256 { withdrawTemplates(domain, templateID: id) }
                    continue
                }
                guard c.remaining >= headerLength - 4 else { return }  // padding
                let scopeCount = options ? Int(try c.readBE16()) : 0
                guard id >= 256, fieldCount * 4 <= c.remaining, !options || (scopeCount >= 1 && scopeCount <= fieldCount) else {
                    reject(.badTemplate, recordOffset, 1,
                           "template \(id) with \(fieldCount) fields\(options ? " and \(scopeCount) scope fields" : "") in \(c.remaining) bytes left\(id < 256 ? "; template IDs start at 256" : "")")
                    return
                }
                var fields: [(ie: UInt16, enterprise: UInt32, length: UInt16)] = []
                fields.reserveCapacity(fieldCount)
                var total = 0
                for _ in 0..<fieldCount {
                    guard c.remaining >= 4 else {
                        reject(.badTemplate, recordOffset, 1, "template \(id) is cut short")
                        return
                    }
                    var ie = try c.readBE16()
                    let len = try c.readBE16()
                    var enterprise: UInt32 = 0
                    if ie & 0x8000 != 0 {
                        guard c.remaining >= 4 else {
                            reject(.badTemplate, recordOffset, 1, "template \(id): enterprise number cut short")
                            return
                        }
                        ie &= 0x7FFF
                        enterprise = try c.readBE32()
                    }
                    total += len == 0xFFFF ? 1 : Int(len)
                    fields.append((ie, enterprise, len))
                }
                guard total > 0 else {
                    reject(.badTemplate, recordOffset, 1, "template \(id): all fields are empty")
                    continue
                }
                learnTemplate(FlowTemplateKey(domain: domain, templateID: id), FlowTemplatePlan(fields: fields, isOptions: options),
                              offset: recordOffset, into: batch)
            } catch {
                reject(.badTemplate, error.offset, 1, "template \(id) is cut short (\(error.needed) bytes needed, \(error.available) left)")
                return
            }
        }
    }
}
