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
/// appendix, ident (0x8001) and stat (0x8002). `NfcapdBlockFramer` frames and decompresses
/// the blocks; this reader decodes them (`decode(_:into:)`), on the same thread (`feed`),
/// or behind a framer that runs ahead on another thread. Memory: one block carried between
/// chunks, one decompressed block.
public struct NfcapdReader: Sendable {
    public internal(set) var info = NfcapdFileInfo()
    public internal(set) var report = BinaryDecodeReport()
    public let options: BinaryDecodeOptions
    var rejects: [BinaryReject] = []
    /// Largest block (compressed or not) accepted.
    public static let maxBlockLength = NfcapdBlockFramer.maxBlockLength

    /// Frames the chunks `feed` is given (unused when another thread frames).
    var framer = NfcapdBlockFramer()
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
    var lz4Decoder: LZ4Decoder {
        get { framer.lz4Decoder }
        set { framer.lz4Decoder = newValue }
    }

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
        // The framer leaves `self` while it runs: its sink decodes into `self`.
        var framer = NfcapdBlockFramer()
        swap(&framer, &self.framer)
        defer { swap(&framer, &self.framer) }
        try framer.feed(chunk) { decode($0, into: batch) }
    }

    /// Ends the input. A block cut off by the end of the file is rejected with the record
    /// count its header announced.
    public mutating func finish(into batch: FlowBatchBuilder) throws {
        var framer = NfcapdBlockFramer()
        swap(&framer, &self.framer)
        defer { swap(&framer, &self.framer) }
        try framer.finish { decode($0, into: batch) }
    }

    /// Decodes one unit from a framer: takes in the file header, decodes a data block's
    /// records (rejecting a block that did not decompress or is not a data block), rejects
    /// a block cut off by the end of the file.
    public mutating func decode(_ unit: NfcapdUnit, into batch: FlowBatchBuilder) {
        switch unit {
        case .header(let h):
            info.nfdumpVersion = h.nfdumpVersion
            info.compression = h.compression
            info.creator = h.creator
            info.blocks = h.blocks
        case .block(let b):
            guard b.type == 3 else {
                if b.type != 2 { reject(.badBlock, b.offset, max(b.records, 1), "nfcapd block type \(b.type) is not a data block (3)") }
                return
            }
            if let failure = b.failure {
                reject(.badBlock, b.offset, min(max(b.records, 1), 1 << 20), "nfcapd block does not decompress: \(failure)")
                return
            }
            records(b.payload, count: b.records, blockOffset: b.offset, into: batch)
        case .cutOff(let offset, let records, let detail):
            reject(.badBlock, offset, records, detail)
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
