import FlowCore
import FlowIO

/// What the nfcapd file header and appendix say.
public struct NfcapdFileInfo: Sendable, Equatable {
    /// Block compression: 0 none, 1 LZO, 2 BZ2, 3 LZ4, 4 ZSTD.
    public var compression: UInt8 = 0
    /// Program that wrote the file (1 nfcapd, 2 nfpcapd, 4 nfdump, …).
    public var creator: UInt32 = 0
    /// nfdump version that wrote the file (e.g. 0x01070100 for 1.7.1).
    public var nfdumpVersion: UInt32 = 0
    /// Data blocks the header announces.
    public var blocks: UInt32 = 0
    /// Ident string from the appendix.
    public var ident: String? = nil
    /// Flow count from the appendix stat record.
    public var statFlows: UInt64? = nil
    /// Sequence failures the collector counted (appendix stat record).
    public var sequenceFailures: UInt64? = nil

    public init() {}
}

/// Reads nfdump 1.7.x files (layout version 2, V3 records) fed in chunks: the 40-byte file
/// header, then data blocks (12-byte header, possibly LZO/BZ2/LZ4-compressed payload) whose
/// records are exporter info (7), exporter stats (8), V3 flow records (11) and, in the
/// appendix, ident (0x8001) and stat (0x8002). Memory: one block carried between chunks.
public struct NfcapdReader: Sendable, UnitStreamReader {
    public internal(set) var info = NfcapdFileInfo()
    public internal(set) var report = BinaryDecodeReport()
    public let options: BinaryDecodeOptions
    var rejects: [BinaryReject] = []
    /// Largest block (compressed or not) accepted.
    public static let maxBlockLength = 64 << 20

    var headerDone = false
    var carry: [UInt8] = []
    var offset: Int64 = 0
    var scratch: [UInt8] = []
    /// sysid → exporter address, from exporter info records.
    var exporters: [UInt16: IPAddress] = [:] {
        didSet { lastSysid = -1 }
    }
    /// The last sysid looked up in `exporters` (-1: none) and its address: records of one
    /// exporter come in long runs.
    var lastSysid = -1
    var lastExporter: IPAddress? = nil
    /// The element layout of the last flow record.
    var layout = NfcapdRecordLayout()
    /// False: every record has its elements walked and is decoded alone (tests compare).
    var usesLayouts = true
    /// The decoder of LZ4 blocks (tests pick each; `FLOE_LZ4_DECODER` sets the default).
    var lz4Decoder = LZ4Decoder.preferred

    public init(options: BinaryDecodeOptions = BinaryDecodeOptions()) {
        self.options = options
    }

    public mutating func takeRejects() -> [BinaryReject] {
        defer { rejects.removeAll(keepingCapacity: true) }
        return rejects
    }

    mutating func reject(_ reason: RejectReason, _ offset: Int64, _ records: Int, _ detail: String) {
        let n = max(1, records)
        report.rejectedRecords[reason, default: 0] += n
        if rejects.count < options.maxHeldRejects {
            rejects.append(BinaryReject(reason: reason, offset: offset, records: n, detail: detail))
        }
    }

    /// Feeds the next bytes of the file. Throws on an unreadable header, an unsupported
    /// compression (ZSTD) or a block length that loses the framing.
    public mutating func feed(_ chunk: UnsafeRawBufferPointer, into batch: FlowBatchBuilder) throws {
        try feedUnits(chunk, into: batch)
    }

    /// A unit whose length is not known yet: gather up to the 40-byte file header.
    func moreBytesToProbe(have: Int) -> Int { 40 - have }

    /// Ends the input. A block cut off by the end of the file is rejected with the record
    /// count its header announced.
    public mutating func finish(into batch: FlowBatchBuilder) throws {
        guard headerDone else {
            throw BinaryFormatError.truncated(offset: 0, detail: "nfcapd file header needs 40 bytes, the file has \(carry.count)")
        }
        if !carry.isEmpty {
            let records = carry.count >= 4 ? carry.withUnsafeBytes { Int(BinaryBytes.le32($0, 0)) } : 1
            let size = carry.count >= 8 ? carry.withUnsafeBytes { Int(BinaryBytes.le32($0, 4)) } : 0
            reject(.badBlock, offset, min(records, 1 << 20), "nfcapd block of \(size) bytes runs past the end of the file (\(carry.count - 12) bytes present)")
            carry.removeAll()
        }
    }

    func unitLength(_ p: UnsafeRawBufferPointer) throws -> Int? {
        if !headerDone {
            guard p.count >= 4 else { return nil }
            guard BinaryBytes.le16(p, 0) == 0xA50C else {
                throw BinaryFormatError.unrecognizedHeader(offset: 0, detail: "nfcapd magic 0xA50C missing")
            }
            let layout = BinaryBytes.le16(p, 2)
            guard layout == 2 else {
                throw BinaryFormatError.unrecognizedHeader(offset: 2, detail: "nfdump file layout \(layout); floe reads layout 2 (nfdump 1.7). Convert with nfdump 1.7: `nfdump -r FILE -w NEWFILE`")
            }
            return 40
        }
        guard p.count >= 12 else { return nil }
        let size = Int(BinaryBytes.le32(p, 4))
        guard size <= Self.maxBlockLength else {
            throw BinaryFormatError.corrupt(offset: offset, detail: "nfcapd block header says \(size) bytes (limit \(Self.maxBlockLength)): the file is corrupt from here")
        }
        return 12 + size
    }

    mutating func processUnit(_ p: UnsafeRawBufferPointer, into batch: FlowBatchBuilder) throws {
        if !headerDone {
            headerDone = true
            let header = BinaryCursor(p)
            guard let version = header.le32(at: 4), let compression = header.u8(at: 16), let creator = header.le32(at: 20),
                  let blocks = header.le32(at: 36), let encryption = header.u8(at: 17) else {
                throw BinaryFormatError.truncated(offset: 0, detail: "nfcapd file header needs 40 bytes, the file has \(p.count)")
            }
            info.nfdumpVersion = version
            info.compression = compression
            info.creator = creator
            info.blocks = blocks
            switch info.compression {
            case 0, 1, 2, 3: break
            case 4: throw BinaryFormatError.unsupportedCompression(name: "ZSTD", offset: 16)
            default: throw BinaryFormatError.unsupportedCompression(name: "unknown (\(info.compression))", offset: 16)
            }
            if encryption != 0 {
                throw BinaryFormatError.corrupt(offset: 17, detail: "nfcapd file is encrypted (\(encryption)); floe reads unencrypted files only")
            }
            return
        }
        let numRecords = Int(BinaryBytes.le32(p, 0))
        let type = BinaryBytes.le16(p, 8)
        let flags = BinaryBytes.le16(p, 10)
        let payload = UnsafeRawBufferPointer(rebasing: p[12...])
        guard type == 3 else {
            if type != 2 { reject(.badBlock, offset, max(numRecords, 1), "nfcapd block type \(type) is not a data block (3)") }
            return
        }
        let compressed = info.compression != 0 && flags & 1 == 0
        if !compressed {
            records(payload, count: numRecords, blockOffset: offset, into: batch)
            return
        }
        // LZ4 and LZO expand at most ~255x (a run byte is worth 255); BZ2 can expand far
        // more, so it gets the whole 32 MiB (nfdump's blocks are 5 MiB at most).
        let limit = info.compression == 2 ? 32 << 20 : min(32 << 20, payload.count * 256 + 1024)
        var out = scratch
        scratch = []
        defer { scratch = out }
        do {
            let n: Int
            switch info.compression {
            case 1: n = try NfcapdBlockDecompressor.lzo1x(payload, into: &out, limit: limit)
            case 2: n = try NfcapdBlockDecompressor.bz2(payload, into: &out, limit: limit)
            default: n = try NfcapdBlockDecompressor.lz4(payload, into: &out, limit: limit, decoder: lz4Decoder)
            }
            out.withUnsafeBytes { records(UnsafeRawBufferPointer(rebasing: $0[0..<n]), count: numRecords, blockOffset: offset, into: batch) }
        } catch let e as NfcapdBlockDecompressor.Failure {
            reject(.badBlock, offset, min(max(numRecords, 1), 1 << 20), "nfcapd block does not decompress: \(e.detail)")
        }
    }

    /// The records of one (decompressed) data block.
    mutating func records(_ b: UnsafeRawBufferPointer, count: Int, blockOffset: Int64, into batch: FlowBatchBuilder) {
        var pos = 0
        var seen = 0
        while seen < count {
            guard b.count - pos >= 4 else {
                reject(.badBlock, blockOffset, count - seen, "nfcapd block ends after \(seen) of \(count) records")
                return
            }
            let type = BinaryBytes.le16(b, pos)
            let size = Int(BinaryBytes.le16(b, pos + 2))
            guard size >= 4, size <= b.count - pos else {
                reject(.badBlock, blockOffset, count - seen, "nfcapd record \(seen) of type \(type) has size \(size) (\(b.count - pos) bytes left in the block)")
                return
            }
            if type == 11 {
                let n = v3Records(b, at: pos, upTo: count - seen, blockOffset: blockOffset, into: batch)
                pos += n * size
                seen += n
                continue
            }
            let r = UnsafeRawBufferPointer(rebasing: b[pos..<(pos + size)])
            switch type {
            case 7: exporterInfo(r)
            case 8: exporterStats(r)
            case 0x8001: identRecord(r)
            case 0x8002: statRecord(r)
            default: break  // sampler, extension maps, nbar, ifname …: no schema field
            }
            pos += size
            seen += 1
        }
    }

    mutating func exporterInfo(_ r: UnsafeRawBufferPointer) {
        let c = BinaryCursor(r)
        guard c.contains(0, 32), let family = c.le16(at: 24), let sysid = c.le16(at: 26),
              let v4 = c.le32(at: 16), let high = c.le64(at: 8), let low = c.le64(at: 16) else { return }
        let address = family == 2 ? IPAddress(ipv4: v4) : IPAddress(high: high, low: low)
        if exporters.count < 65_536 || exporters[sysid] != nil { exporters[sysid] = address }
    }

    mutating func exporterStats(_ r: UnsafeRawBufferPointer) {
        var c = BinaryCursor(r, at: 4)
        guard let count = c.le32() else { return }
        var i: UInt32 = 0
        // Entries of 24 bytes: sysid, sequence failures, packets, 8 bytes not read.
        while i < count, c.remaining >= 24, let id = c.le32(), let failures = c.le32(), let packets = c.le64(), c.skip(8) {
            let sysid = UInt16(truncatingIfNeeded: id)
            var s = ExporterSequenceStats(exporter: exporters[sysid], domain: UInt32(sysid), version: 0, unit: .datagrams)
            s.messages = Int(clamping: packets)
            s.gaps = Int(failures)
            if report.sequences.count < 65_536 { report.sequences.append(s) }
            i += 1
        }
    }

    mutating func identRecord(_ r: UnsafeRawBufferPointer) {
        let text = UnsafeRawBufferPointer(rebasing: r[4...])
        let end = text.firstIndex(of: 0) ?? text.count
        info.ident = String(decoding: UnsafeRawBufferPointer(rebasing: text[0..<end]), as: UTF8.self)
    }

    mutating func statRecord(_ r: UnsafeRawBufferPointer) {
        let c = BinaryCursor(r)
        guard let flows = c.le64(at: 4) else { return }
        info.statFlows = flows
        if let failures = c.le64(at: 4 + 17 * 8) { info.sequenceFailures = failures }
    }

    /// Records decoded as one run at most: a run's records stay in the L1 cache while each
    /// column is filled from them.
    static let runLimit = 128

    /// Decodes the V3 flow record at `at` in block `b` (its size checked against the block)
    /// and the records after it that have the same layout, up to `limit` records and
    /// `runLimit`, as one run; returns how many records it consumed. A record of a new
    /// layout has its elements walked first; one that cannot be read is rejected.
    mutating func v3Records(_ b: UnsafeRawBufferPointer, at: Int, upTo limit: Int, blockOffset: Int64,
                            into batch: FlowBatchBuilder) -> Int {
        if !usesLayouts || !layout.matches(b, at: at) {
            let size = Int(BinaryBytes.le16(b, at + 2))
            do {
                layout = try NfcapdRecordLayout.of(UnsafeRawBufferPointer(rebasing: b[at..<(at + size)]))
            } catch {
                layout = NfcapdRecordLayout()
                reject(.badBlock, blockOffset, 1, error.detail)
                return 1
            }
            if !usesLayouts {
                decodeRun(b, at: at, count: 1, into: batch)
                return 1
            }
        }
        let size = layout.size
        var n = 1
        var next = at + size
        while n < min(limit, Self.runLimit), b.count - next >= size, layout.matches(b, at: next) {
            n += 1
            next += size
        }
        decodeRun(b, at: at, count: n, into: batch)
        return n
    }

    /// Decodes `n` records of `layout` that follow each other from `at` in `b`, one column
    /// at a time.
    mutating func decodeRun(_ b: UnsafeRawBufferPointer, at: Int, count n: Int, into batch: FlowBatchBuilder) {
        let l = layout
        let base = b.baseAddress! + at
        // The exporter is the one the record's sysid names, else the address the record came
        // from. Records without a received address whose sysids all name the same known
        // exporter (the usual run) get it in one fill.
        var runExporter: IPAddress? = nil
        if l.received4 < 0 && l.received6 < 0 {
            let sysid = UInt16(littleEndian: (base + 8).loadUnaligned(as: UInt16.self))
            var k = 1
            while k < n && UInt16(littleEndian: (base + (k &* l.size &+ 8)).loadUnaligned(as: UInt16.self)) == sysid { k += 1 }
            if k == n { runExporter = exporter(sysid) }
        }
        var filled = l.filled
        if runExporter != nil { filled.insert(.exporter) }
        let run = NfcapdRun(base: base, stride: l.size, first: batch.openRows(n, filled: filled), count: n)
        NfcapdElement.generic(run, l.generic, batch)
        if l.ipv4 >= 0 { NfcapdElement.ipv4(run, l.ipv4, batch) }
        if l.ipv6 >= 0 { NfcapdElement.ipv6(run, l.ipv6, batch) }
        if l.misc >= 0 { NfcapdElement.misc(run, l.misc, batch) }
        if l.counters >= 0 { NfcapdElement.counters(run, l.counters, batch) }
        if l.routing >= 0 { NfcapdElement.routing(run, l.routing, batch) }
        if let runExporter {
            batch.fillExporter(run.first, n) { _ in runExporter }
        } else {
            for k in 0..<n {
                let received = l.received4 >= 0 ? NfcapdElement.received4(run, k, l.received4)
                    : l.received6 >= 0 ? NfcapdElement.received6(run, k, l.received6) : nil
                if let exporter = exporter(run.le16(k, 8)) ?? received { batch.setExporter(run.first + k, exporter) }
            }
        }
        batch.commitRows(n)
        report.flows += n
    }

    /// The address of exporter `sysid` from the exporter info records, if known.
    @inline(__always)
    mutating func exporter(_ sysid: UInt16) -> IPAddress? {
        if Int(sysid) != lastSysid {
            lastExporter = exporters[sysid]
            lastSysid = Int(sysid)
        }
        return lastExporter
    }
}
