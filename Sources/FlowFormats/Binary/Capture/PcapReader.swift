import FlowCore

/// Reads pcap (both byte orders, µs and ns) and pcapng (SHB/IDB/EPB/SPB/PB, several
/// interfaces and sections, both byte orders) captures fed in successive chunks, pulls out
/// UDP datagrams (Ethernet with VLAN tags, Linux SLL/SLL2, raw IP, BSD loopback; IPv4 with
/// fragment reassembly, IPv6) and decodes those whose payload is a NetFlow v5/v9 or IPFIX
/// message. Memory is bounded: one incomplete capture record is carried between chunks.
public struct PcapReader: Sendable, UnitStreamReader {
    /// The NetFlow/IPFIX decoder (templates, report, rejects).
    public var decoder: FlowExportDecoder
    /// Largest capture record accepted; beyond it the framing is taken as lost.
    public static let maxRecordLength = 64 << 20

    enum Format { case unknown, pcap, pcapng }
    var format = Format.unknown
    var bigEndian = false
    var headerDone = false
    var snapLength = 0
    var linkType: UInt32 = 0
    /// pcapng interfaces of the current section: link type and snap length.
    var interfaces: [(linkType: UInt32, snapLength: Int)] = []
    var carry: [UInt8] = []
    /// File offset of the first byte not yet consumed (carry starts here).
    var offset: Int64 = 0
    var fragments: [CaptureFragmentKey: CaptureFragmentEntry] = [:]
    var fragmentBytes = 0

    public init(options: BinaryDecodeOptions = BinaryDecodeOptions()) {
        decoder = FlowExportDecoder(options: options)
    }

    /// Counters so far (capture and decoder together).
    public var report: BinaryDecodeReport { decoder.report }

    /// Returns and clears the rejects gathered so far.
    public mutating func takeRejects() -> [BinaryReject] { decoder.takeRejects() }

    /// Feeds the next bytes of the file. Throws when the file cannot be read on (bad
    /// header, unsupported link type, a record length that loses the framing).
    public mutating func feed(_ chunk: UnsafeRawBufferPointer, into batch: FlowBatchBuilder) throws {
        try feedUnits(chunk, into: batch)
    }

    /// A record whose length is not known yet: gather 16 more bytes (a record header).
    func moreBytesToProbe(have: Int) -> Int { 16 }

    /// Ends the input: a cut-off last record, unfinished fragments and data sets whose
    /// template never came become rejects.
    public mutating func finish(into batch: FlowBatchBuilder) throws {
        if !carry.isEmpty {
            if !headerDone {
                throw BinaryFormatError.truncated(offset: 0, detail: "capture header needs more than the \(carry.count) bytes present")
            }
            decoder.reject(.badPacket, offset, 1, "capture ends inside a packet record (\(carry.count) bytes of it present)")
            carry.removeAll()
        }
        for (_, f) in fragments {
            decoder.reject(.unreassembledFragment, f.firstOffset, 1, "IPv4 UDP fragments of \(f.bytes) bytes never completed their datagram")
        }
        fragments.removeAll()
        fragmentBytes = 0
        decoder.finish()
    }

    // MARK: - Framing

    /// Length of the unit (file header, packet record, block) starting at `p`, or nil when
    /// more bytes are needed to tell.
    func unitLength(_ p: UnsafeRawBufferPointer) throws -> Int? {
        let c = BinaryCursor(p, origin: offset)
        if !headerDone {
            guard let magic = c.le32(at: 0) else { return nil }
            if magic == 0x0A0D_0D0A { return try blockLength(p) }
            switch magic {
            case 0xA1B2_C3D4, 0xD4C3_B2A1, 0xA1B2_3C4D, 0x4D3C_B2A1: return 24
            default: throw BinaryFormatError.unrecognizedHeader(offset: offset, detail: "magic \(String(magic, radix: 16))")
            }
        }
        switch format {
        case .pcap:
            // Record header: seconds, fraction, captured length, original length.
            guard c.contains(0, 16), let captured = c.u32(at: 8, bigEndian: bigEndian) else { return nil }
            let caplen = Int(captured)
            guard caplen <= Self.maxRecordLength else {
                throw BinaryFormatError.corrupt(offset: offset, detail: "pcap record says \(caplen) captured bytes (snapshot length \(snapLength)): the file is corrupt from here")
            }
            return 16 + caplen
        case .pcapng:
            return try blockLength(p)
        case .unknown:
            return nil
        }
    }

    /// Length of the pcapng block starting at `p` (its header's length field), or nil
    /// when fewer than the 12 bytes that tell it are present.
    func blockLength(_ p: UnsafeRawBufferPointer) throws -> Int? {
        let c = BinaryCursor(p, origin: offset)
        guard c.contains(0, 12), let type = c.le32(at: 0) else { return nil }
        var be = bigEndian
        if type == 0x0A0D_0D0A, let bom = c.le32(at: 8) {
            guard bom == 0x1A2B_3C4D || bom == 0x4D3C_2B1A else {
                throw BinaryFormatError.unrecognizedHeader(offset: offset, detail: "pcapng section header with byte-order magic \(String(bom, radix: 16))")
            }
            be = bom == 0x4D3C_2B1A
        }
        let length = Int(c.u32(at: 4, bigEndian: be) ?? 0)
        guard length >= 12, length % 4 == 0, length <= Self.maxRecordLength else {
            throw BinaryFormatError.corrupt(offset: offset, detail: "pcapng block length \(length) is invalid (must be a multiple of 4, at least 12): the file is corrupt from here")
        }
        return length
    }

    // MARK: - Units

    mutating func processUnit(_ p: UnsafeRawBufferPointer, into batch: FlowBatchBuilder) throws {
        if !headerDone {
            headerDone = true
            var c = BinaryCursor(p, origin: offset)
            let magic = try header { try c.readLE32() }
            if magic == 0x0A0D_0D0A {
                format = .pcapng
            } else {
                // pcap global header: magic, version (2 + 2), thiszone, sigfigs, snaplen, network.
                format = .pcap
                bigEndian = magic == 0xD4C3_B2A1 || magic == 0x4D3C_B2A1
                _ = try header { try c.take(12) }
                snapLength = Int(try header { try c.readU32(bigEndian: bigEndian) })
                linkType = try header { try c.readU32(bigEndian: bigEndian) } & 0x0FFF_FFFF
                guard CaptureLinkType.isSupported(linkType) else { throw BinaryFormatError.unsupportedLinkType(linkType, offset: 20) }
                return
            }
        }
        switch format {
        case .pcap:
            let caplen = p.count - 16
            let snap = snapLength > 0 ? snapLength : 262_144
            if caplen > max(snap, 262_144) || (snapLength > 0 && caplen > snapLength) {
                decoder.report.packets += 1
                decoder.reject(.badPacket, offset, 1, "packet of \(caplen) captured bytes exceeds the snapshot length \(snapLength)")
                return
            }
            var c = BinaryCursor(p, origin: offset)
            let data = try header { _ = try c.take(16); return try c.take(caplen) }
            packet(data, linkType: linkType, fileOffset: offset + 16, into: batch)
        case .pcapng:
            try pcapngBlock(p, into: batch)
        case .unknown:
            break
        }
    }

    /// Runs the checked reads of a header whose length `unitLength` vouched for; a read
    /// that still does not fit is a framing error at its offset.
    func header<T>(_ read: () throws -> T) throws -> T {
        do { return try read() } catch let error as BinaryBoundsError {
            throw BinaryFormatError.truncated(offset: error.offset, detail: "capture header needs \(error.needed) more bytes, \(error.available) present")
        }
    }

    mutating func pcapngBlock(_ p: UnsafeRawBufferPointer, into batch: FlowBatchBuilder) throws {
        // Block header: type, total length; the body from byte 8; the length again at the end.
        var c = BinaryCursor(p, origin: offset)
        let first = try header { try c.readLE32() }
        let type = first == 0x0A0D_0D0A ? 0x0A0D_0D0A : (bigEndian ? first.byteSwapped : first)
        _ = try header { try c.readLE32() }  // total length (framed by `blockLength`)
        switch type {
        case 0x0A0D_0D0A:  // Section Header Block: new byte order, new interface list
            bigEndian = try header { try c.readLE32() } == 0x4D3C_2B1A
            interfaces.removeAll()
        case 1:  // Interface Description Block: link type, reserved, snap length, options
            guard c.remaining >= 12 else { throw BinaryFormatError.corrupt(offset: offset, detail: "pcapng interface block too short") }
            let lt = UInt32(try header { try c.readU16(bigEndian: bigEndian) })
            guard CaptureLinkType.isSupported(lt) else { throw BinaryFormatError.unsupportedLinkType(lt, offset: offset + 8) }
            _ = try header { try c.readU16(bigEndian: bigEndian) }
            let snap = Int(try header { try c.readU32(bigEndian: bigEndian) })
            if interfaces.count < 65_536 {
                interfaces.append((lt, snap))
            }
        case 6, 2:  // Enhanced Packet Block, obsolete Packet Block
            decoder.report.packets += 1
            guard p.count >= 32 else {
                decoder.reject(.badPacket, offset, 1, "pcapng packet block of \(p.count) bytes is too short")
                return
            }
            // EPB: interface (4), timestamp (8), captured, original; PB: interface (2), drops (2), …
            let iface = type == 6 ? Int(try header { try c.readU32(bigEndian: bigEndian) })
                                  : Int(try header { try c.readU16(bigEndian: bigEndian) })
            let caplen = Int(c.u32(at: 20, bigEndian: bigEndian) ?? 0)
            guard iface < interfaces.count else {
                decoder.reject(.badPacket, offset, 1, "pcapng packet on undeclared interface \(iface)")
                return
            }
            guard caplen <= p.count - 32 else {
                decoder.reject(.badPacket, offset, 1, "pcapng packet says \(caplen) captured bytes in a block of \(p.count)")
                return
            }
            let snap = interfaces[iface].snapLength
            if snap > 0 && caplen > snap {
                decoder.reject(.badPacket, offset, 1, "packet of \(caplen) captured bytes exceeds the interface's snapshot length \(snap)")
                return
            }
            decoder.report.packets -= 1  // counted in `packet`
            var data = BinaryCursor(p, at: 28, origin: offset)
            packet(try header { try data.take(caplen) }, linkType: interfaces[iface].linkType, fileOffset: offset + 28, into: batch)
        case 3:  // Simple Packet Block: interface 0, original length, data
            guard let first = interfaces.first, p.count >= 16 else {
                decoder.reject(.badPacket, offset, 1, "pcapng simple packet block without an interface")
                return
            }
            let orig = Int(try header { try c.readU32(bigEndian: bigEndian) })
            var caplen = min(orig, p.count - 16)
            if first.snapLength > 0 { caplen = min(caplen, first.snapLength) }
            packet(try header { try c.take(caplen) }, linkType: first.linkType, fileOffset: offset + 12, into: batch)
        default:
            break  // name resolution, statistics, custom blocks
        }
    }
}
