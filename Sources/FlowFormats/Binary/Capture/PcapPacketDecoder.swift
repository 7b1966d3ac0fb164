import FlowCore

/// From a captured frame to the export message inside its UDP datagram.
extension PcapReader {
    mutating func packet(_ p: UnsafeRawBufferPointer, linkType: UInt32, fileOffset: Int64, into batch: FlowBatchBuilder) {
        decoder.report.packets += 1
        guard let n = CaptureLinkType.networkOffset(p, linkType: linkType), n < p.count else {
            decoder.report.packetsSkipped += 1
            return
        }
        let ip = UnsafeRawBufferPointer(rebasing: p[n...])
        switch ip[0] >> 4 {
        case 4: ipv4(ip, fileOffset: fileOffset + Int64(n), into: batch)
        case 6: ipv6(ip, fileOffset: fileOffset + Int64(n), into: batch)
        default: decoder.report.packetsSkipped += 1
        }
    }

    mutating func ipv4(_ p: UnsafeRawBufferPointer, fileOffset: Int64, into batch: FlowBatchBuilder) {
        guard p.count >= 20 else { return skipOrReject(p, fileOffset, "IPv4 header cut short") }
        let ihl = Int(p[0] & 0x0F) * 4
        let total = Int(BinaryBytes.be16(p, 2))
        guard ihl >= 20, total >= ihl, p.count >= ihl else {
            return skipOrReject(p, fileOffset, "IPv4 header length \(ihl) / total length \(total) invalid")
        }
        guard p[9] == 17 else { decoder.report.packetsSkipped += 1; return }
        let source = IPAddress(ipv4: BinaryBytes.be32(p, 12))
        let flags = BinaryBytes.be16(p, 6)
        let fragOffset = Int(flags & 0x1FFF) * 8
        let more = flags & 0x2000 != 0
        let end = min(total, p.count)
        let truncated = total > p.count
        if more || fragOffset != 0 {
            guard !truncated else {
                decoder.reject(.unreassembledFragment, fileOffset, 1, "IPv4 fragment cut by the capture's snapshot length")
                return
            }
            fragment(p, ihl: ihl, end: end, fragOffset: fragOffset, more: more, fileOffset: fileOffset, into: batch)
            return
        }
        udp(UnsafeRawBufferPointer(rebasing: p[ihl..<end]), source: source, ipTruncated: truncated, fileOffset: fileOffset + Int64(ihl), into: batch)
    }

    mutating func ipv6(_ p: UnsafeRawBufferPointer, fileOffset: Int64, into batch: FlowBatchBuilder) {
        guard p.count >= 40 else { return skipOrReject(p, fileOffset, "IPv6 header cut short") }
        let payloadLength = Int(BinaryBytes.be16(p, 4))
        let source = IPAddress(high: BinaryBytes.be64(p, 8), low: BinaryBytes.be64(p, 16))
        var next = p[6]
        var o = 40
        let end = min(40 + payloadLength, p.count)
        // Hop-by-hop, routing and destination options headers: skip by their length.
        var hops = 0
        while next == 0 || next == 43 || next == 60, hops < 8 {
            guard end - o >= 8 else { return skipOrReject(p, fileOffset, "IPv6 extension header cut short") }
            next = p[o]
            o += (Int(p[o + 1]) + 1) * 8
            hops += 1
            guard o <= end else { return skipOrReject(p, fileOffset, "IPv6 extension header runs past the packet") }
        }
        if next == 44 {
            decoder.reject(.unreassembledFragment, fileOffset, 1, "IPv6 fragment (not reassembled)")
            return
        }
        guard next == 17 else { decoder.report.packetsSkipped += 1; return }
        udp(UnsafeRawBufferPointer(rebasing: p[o..<end]), source: source, ipTruncated: 40 + payloadLength > p.count, fileOffset: fileOffset + Int64(o), into: batch)
    }

    mutating func udp(_ p: UnsafeRawBufferPointer, source: IPAddress, ipTruncated: Bool, fileOffset: Int64, into batch: FlowBatchBuilder) {
        guard p.count >= 8 else { return skipOrReject(p, fileOffset, "UDP header cut short") }
        let sport = BinaryBytes.be16(p, 0)
        let dport = BinaryBytes.be16(p, 2)
        let ports = decoder.options.ports
        if !ports.isEmpty && !ports.contains(sport) && !ports.contains(dport) {
            decoder.report.packetsSkipped += 1
            return
        }
        let udpLength = Int(BinaryBytes.be16(p, 4))
        guard udpLength >= 8 else { return skipOrReject(p, fileOffset, "UDP length \(udpLength) below 8") }
        let payload = UnsafeRawBufferPointer(rebasing: p[8..<min(udpLength, p.count)])
        if udpLength > p.count || ipTruncated {
            // Cut by the snapshot length: an export datagram we cannot read whole.
            if payload.count >= 2, [5, 9, 10].contains(BinaryBytes.be16(payload, 0)) || !ports.isEmpty {
                decoder.reject(.badPacket, fileOffset, 1, "UDP datagram of \(udpLength) bytes captured with only \(p.count) (snapshot length too small)")
            } else {
                decoder.report.packetsSkipped += 1
            }
            return
        }
        guard FlowExportDecoder.exportVersion(of: payload) != nil else {
            decoder.report.packetsSkipped += 1
            return
        }
        decoder.decode(message: payload, exporter: source, offset: fileOffset + 8, into: batch)
    }

    /// A malformed packet: rejected when the port filter says it should have been an
    /// export datagram, else skipped as foreign traffic.
    mutating func skipOrReject(_ p: UnsafeRawBufferPointer, _ fileOffset: Int64, _ detail: String) {
        if decoder.options.ports.isEmpty {
            decoder.report.packetsSkipped += 1
        } else {
            decoder.reject(.badPacket, fileOffset, 1, detail)
        }
    }

    /// IPv4 fragment reassembly (RFC 791), bounded by `maxFragmentBytes`.
    mutating func fragment(_ p: UnsafeRawBufferPointer, ihl: Int, end: Int, fragOffset: Int, more: Bool, fileOffset: Int64, into batch: FlowBatchBuilder) {
        let key = CaptureFragmentKey(source: BinaryBytes.be32(p, 12), destination: BinaryBytes.be32(p, 16), id: BinaryBytes.be16(p, 4), proto: p[9])
        let data = Array(UnsafeRawBufferPointer(rebasing: p[ihl..<end]))
        guard fragOffset + data.count <= 65_535 else {
            decoder.reject(.unreassembledFragment, fileOffset, 1, "IPv4 fragment past 65535 bytes")
            return
        }
        if fragmentBytes + data.count > decoder.options.maxFragmentBytes, fragments[key] == nil {
            decoder.reject(.unreassembledFragment, fileOffset, 1, "IPv4 fragment dropped: reassembly buffer (\(decoder.options.maxFragmentBytes) bytes) full")
            return
        }
        var entry = fragments[key] ?? CaptureFragmentEntry(firstOffset: fileOffset)
        if fragOffset == 0 { entry.header = Array(UnsafeRawBufferPointer(rebasing: p[0..<ihl])) }
        if !more { entry.totalLength = fragOffset + data.count }
        entry.pieces.append((fragOffset, data))
        entry.bytes += data.count
        fragmentBytes += data.count
        if entry.pieces.count > 64 {
            fragments[key] = nil
            fragmentBytes -= entry.bytes
            decoder.reject(.unreassembledFragment, entry.firstOffset, 1, "IPv4 datagram in more than 64 fragments")
            return
        }
        guard let total = entry.totalLength, !entry.header.isEmpty else {
            fragments[key] = entry
            return
        }
        // Complete when the pieces, sorted, cover 0..<total without a hole.
        let sorted = entry.pieces.sorted { $0.0 < $1.0 }
        var covered = 0
        for (o, d) in sorted where o <= covered { covered = max(covered, o + d.count) }
        guard covered >= total else {
            fragments[key] = entry
            return
        }
        fragments[key] = nil
        fragmentBytes -= entry.bytes
        var whole = [UInt8](repeating: 0, count: total)
        for (o, d) in sorted {
            let n = min(d.count, total - o)
            if n > 0 { whole.replaceSubrange(o..<(o + n), with: d[0..<n]) }
        }
        decoder.report.reassembled += 1
        let source = IPAddress(ipv4: key.source)
        whole.withUnsafeBytes { udp($0, source: source, ipTruncated: false, fileOffset: entry.firstOffset + Int64(ihl), into: batch) }
    }
}
