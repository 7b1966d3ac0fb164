import FlowCore

/// NetFlow v9 (RFC 3954): 20-byte header, then FlowSets: 0 templates, 1 options templates,
/// 256 and above data. Times are SysUptime-relative; the header carries whole seconds only.
extension FlowExportDecoder {
    mutating func decodeV9(_ p: UnsafeRawBufferPointer, exporter: IPAddress?, offset: Int64, into batch: FlowBatchBuilder) {
        guard p.count >= 20 else {
            reject(.badExportHeader, offset, 1, "NetFlow v9 header needs 20 bytes, datagram has \(p.count)")
            return
        }
        report.messages += 1
        let sysUptime = BinaryBytes.be32(p, 4)
        let secs = Int64(BinaryBytes.be32(p, 8))
        let sequence = BinaryBytes.be32(p, 12)
        let sourceID = BinaryBytes.be32(p, 16)
        let domain = FlowDomainKey(exporter: exporter, domain: sourceID, version: 9)
        let ctx = FlowMessageContext(exporter: exporter, exportMs: secs * 1000, sysUptime: sysUptime, isIPFIX: false)
        trackSequence(domain, seq: sequence, next: sequence &+ 1, unit: .datagrams, offset: offset)

        var pos = 20
        while p.count - pos >= 4 {
            let setID = BinaryBytes.be16(p, pos)
            let length = Int(BinaryBytes.be16(p, pos + 2))
            guard length >= 4, pos + length <= p.count else {
                reject(.badFlowset, offset + Int64(pos), 1, "FlowSet \(setID) length \(length) is \(length < 4 ? "below 4" : "past the datagram end (\(p.count - pos) bytes left)")")
                return
            }
            let body = UnsafeRawBufferPointer(rebasing: p[(pos + 4)..<(pos + length)])
            let bodyOffset = offset + Int64(pos + 4)
            switch setID {
            case 0: parseV9Templates(body, domain: domain, offset: bodyOffset, options: false, into: batch)
            case 1: parseV9Templates(body, domain: domain, offset: bodyOffset, options: true, into: batch)
            case 2...255: break  // reserved
            default:
                let key = FlowTemplateKey(domain: domain, templateID: setID)
                if let plan = template(for: key) {
                    _ = decodeDataSet(body, plan: plan, key: key, context: ctx, offset: bodyOffset, into: batch)
                } else {
                    hold(body, key: key, context: ctx, offset: bodyOffset, reason: .missingTemplate)
                }
            }
            pos += length
        }
    }

    /// Template or options-template FlowSet body.
    mutating func parseV9Templates(_ b: UnsafeRawBufferPointer, domain: FlowDomainKey, offset: Int64, options: Bool, into batch: FlowBatchBuilder) {
        var pos = 0
        let headerLength = options ? 6 : 4
        while b.count - pos >= headerLength {
            let id = BinaryBytes.be16(b, pos)
            var fieldCount: Int
            if options {
                let scopeBytes = Int(BinaryBytes.be16(b, pos + 2))
                let optionBytes = Int(BinaryBytes.be16(b, pos + 4))
                guard scopeBytes % 4 == 0, optionBytes % 4 == 0 else {
                    reject(.badTemplate, offset + Int64(pos), 1, "options template \(id): scope/option lengths \(scopeBytes)/\(optionBytes) are not multiples of 4")
                    return
                }
                fieldCount = (scopeBytes + optionBytes) / 4
            } else {
                fieldCount = Int(BinaryBytes.be16(b, pos + 2))
            }
            if id == 0 && fieldCount == 0 { return }  // padding
            pos += headerLength
            guard id >= 256, fieldCount >= 1, fieldCount * 4 <= b.count - pos else {
                reject(.badTemplate, offset + Int64(pos - headerLength), 1,
                       "template \(id) with \(fieldCount) fields (\(fieldCount * 4) bytes) in \(b.count - pos) bytes left\(id < 256 ? "; template IDs start at 256" : "")")
                return
            }
            var fields: [(ie: UInt16, enterprise: UInt32, length: UInt16)] = []
            fields.reserveCapacity(fieldCount)
            var total = 0
            for i in 0..<fieldCount {
                let len = BinaryBytes.be16(b, pos + 4 * i + 2)
                total += Int(len)
                fields.append((BinaryBytes.be16(b, pos + 4 * i), 0, len))
            }
            pos += fieldCount * 4
            guard total > 0, total <= 65_535 else {
                reject(.badTemplate, offset + Int64(pos), 1, "template \(id): record length \(total) is impossible")
                continue
            }
            learnTemplate(FlowTemplateKey(domain: domain, templateID: id), FlowTemplatePlan(fields: fields, isOptions: options), offset: offset + Int64(pos), into: batch)
        }
    }
}
