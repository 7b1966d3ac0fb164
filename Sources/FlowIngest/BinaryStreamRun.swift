import FlowArtifacts
import FlowColumnar
import FlowCore
import FlowFormats
import FlowIO

/// The state of one binary input (pcap, pcapng, nfcapd, IPFIX stream) while it is ingested:
/// chunks go to the matching reader on this thread (decoding is sequential: templates,
/// sequence numbers and capture framing run through the whole file; a compressed nfcapd
/// file's blocks are framed and decompressed on a reader thread a few blocks ahead,
/// `NfcapdBlocksAhead`), records are written in
/// record batches of `batchRows` to twice that many rows (the last one shorter), every `BinaryReject`
/// becomes a quarantine line and is counted by reason.
///
/// Accounting: `rows_read` = records decoded + records rejected, where a reject counts the
/// records its unit stood for (`BinaryReject.records`; 1 when unknowable). The counts come
/// from the reader's exact counters, so they hold even when more rejects than
/// `BinaryDecodeOptions.maxHeldRejects` arrive in one chunk (the quarantine then says how
/// many were not itemised).
struct BinaryStreamRun {
    let options: IngestOptions
    let file: String
    let kind: BinaryInputKind
    var writer: FlowArrowWriter?
    var progress: StageProgress?
    var counts = RowCounts()
    var fingerprint: Fingerprint?
    /// Decoder counters and sequence accounting, also after a failure.
    var report = BinaryDecodeReport()
    /// nfcapd inputs: what the file header and appendix say.
    var nfcapdInfo: NfcapdFileInfo?
    /// Compressed nfcapd blocks are framed and decompressed on a reader thread ahead of the
    /// decoding (`NfcapdBlocksAhead`); false: on this thread (small files ingested several
    /// at a time, one per thread).
    var framesAhead = true
    /// Rejected records already counted, by reason (from the reader's counters).
    private var accounted: [RejectReason: Int] = [:]
    private let encoder = QuarantineEncoder()

    init(options: IngestOptions, file: String, kind: BinaryInputKind) {
        self.options = options
        self.file = file
        self.kind = kind
    }

    /// The decoder settings these ingest options describe.
    var decodeOptions: BinaryDecodeOptions {
        var d = BinaryDecodeOptions()
        d.ports = options.exportPorts
        return d
    }

    /// Decodes and writes the whole stream. Throws `BinaryFormatError` when the input
    /// cannot be read on (the caller rolls the file back) and any IO error.
    mutating func consume(_ chunks: PeekedChunks, quarantine: ([UInt8]) throws -> Void) throws {
        switch kind {
        case .pcap, .pcapng:
            var reader = PcapReader(options: decodeOptions)
            defer { report = reader.report }
            var feed = ChunkFeed<PcapReader>(chunks: chunks)
            try run(&reader, &feed, quarantine)
        case .nfcapd:
            var reader = NfcapdReader(options: decodeOptions)
            defer { report = reader.report; nfcapdInfo = reader.info }
            let compressed = chunks.prefix.withUnsafeBytes { NfcapdBlockFramer.compressesBlocks(header: $0) }
            if framesAhead && compressed {
                let ahead = NfcapdBlocksAhead(chunks: chunks)
                defer { ahead.stop() }
                var feed = NfcapdAheadFeed(ahead: ahead)
                try run(&reader, &feed, quarantine)
            } else {
                var feed = ChunkFeed<NfcapdReader>(chunks: chunks)
                try run(&reader, &feed, quarantine)
            }
        case .ipfixStream:
            var reader = IPFIXStreamReader(options: decodeOptions)
            defer { report = reader.report }
            var feed = ChunkFeed<IPFIXStreamReader>(chunks: chunks)
            try run(&reader, &feed, quarantine)
        }
        fingerprint = chunks.reader.summary?.fingerprint
    }

    private mutating func run<Feed: BinaryFeed>(_ reader: inout Feed.Reader, _ feed: inout Feed,
                                                _ quarantine: ([UInt8]) throws -> Void) throws {
        let pool = BatchPool(capacity: min(options.batchRows, 65_536))
        var batch = pool.take()
        let rows = FlowBatchBuilder(capacity: min(options.batchRows, 65_536))
        // Arrow encoding and writing run on their own thread while the next chunk decodes;
        // written batches go back to the pool, so their pages are reused.
        let writer = self.writer
        let behind = BackgroundConsumer<FlowBatch>(capacity: 2) { (written: consuming FlowBatch) in
            try writer?.write(written)
            pool.give(written)
        }
        var lines: [UInt8] = []
        // A dry run has nothing to write: its rows are counted and dropped, not copied into
        // batches that nothing would read.
        let dryRun = writer == nil
        func collect() {
            if dryRun {
                let n = rows.count
                rows.removeAll()
                countKept(n)
                progress?.addRows(Int64(n))
            } else {
                rows.drain(into: &batch)
            }
        }
        do {
            while try feed.feedNext(&reader, into: rows, collect: collect,
                                    drain: { r, quote in drain(&r, quote: quote, into: &lines) }) {
                if !lines.isEmpty {
                    try quarantine(lines)
                    lines.removeAll(keepingCapacity: true)
                }
                flush(&batch, final: false, pool: pool, to: behind)
            }
            do {
                defer { collect() }
                try feed.finish(&reader, into: rows)
            }
            drain(&reader, quote: { _ in nil }, into: &lines)
            if !lines.isEmpty { try quarantine(lines) }
            flush(&batch, final: true, pool: pool, to: behind)
            try behind.finish()
        } catch {
            // Let queued writes end before the caller abandons the file.
            try? behind.finish()
            // Records decoded but not yet written are counted like written ones: the caller
            // rolls them all back as `input_failed`. Rejects so far stay counted.
            countKept(batch.count)
            drain(&reader, quote: { _ in nil }, into: &lines)
            if !lines.isEmpty { try? quarantine(lines) }
            throw error
        }
    }

    /// Writes full batches of `batchRows` rows (and whatever is left when `final`). A batch
    /// under twice that size is written whole: with the default sizes one chunk holds about
    /// one batch of records, and cutting at the exact size would copy almost every row once
    /// more (a fifth of the decode time under perf). Record batches therefore hold between
    /// `batchRows` and twice that many rows, except the last.
    private mutating func flush(_ batch: inout FlowBatch, final: Bool, pool: BatchPool,
                                to behind: BackgroundConsumer<FlowBatch>) {
        let size = max(1, options.batchRows)
        if batch.count >= size && batch.count < 2 * size {
            write(handOver(&batch, pool), to: behind)
        } else if batch.count >= size {
            var from = 0
            while batch.count - from >= size {
                write(batch.rows(from..<(from + size)), to: behind)
                from += size
            }
            batch = batch.rows(from..<batch.count)
        }
        if final && !batch.isEmpty {
            write(handOver(&batch, pool), to: behind)
        }
    }

    /// `batch`, replaced by an empty pooled one: the writer gets the only reference, so the
    /// pool takes it back without a copy.
    private func handOver(_ batch: inout FlowBatch, _ pool: BatchPool) -> FlowBatch {
        var full = pool.take()
        swap(&full, &batch)
        return full
    }

    /// Queues `batch` for writing and counts its rows (a failed write fails the file, which
    /// rolls every counted row back).
    private mutating func write(_ batch: consuming FlowBatch, to behind: BackgroundConsumer<FlowBatch>) {
        let n = batch.count
        countKept(n)
        progress?.addRows(Int64(n))
        behind.push(batch)
    }

    /// Counts `n` decoded records as read and kept.
    private mutating func countKept(_ n: Int) {
        counts.rowsRead += Int64(n)
        counts.rowsWritten += Int64(n)
    }

    /// Turns the reader's pending rejects into quarantine lines and counts the records it
    /// rejected since the last call. `quote` gives the raw bytes a reject at an offset
    /// quotes (`RejectQuotes`), or nil.
    private mutating func drain<R: BinaryFlowReader>(_ reader: inout R, quote: (Int64) -> UnsafeRawBufferPointer?,
                                                     into lines: inout [UInt8]) {
        let rejects = reader.takeRejects()
        let totals = reader.report.rejectedRecords
        if rejects.isEmpty && totals == accounted { return }
        var itemised: [RejectReason: Int] = [:]
        for r in rejects {
            itemised[r.reason, default: 0] += r.records
            encoder.appendBinaryReject(file: file, offset: r.offset, reason: r.reason.rawValue, records: r.records,
                                       detail: r.detail, raw: quote(r.offset), into: &lines)
        }
        for (reason, total) in totals.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
            let delta = total - (accounted[reason] ?? 0)
            guard delta > 0 else { continue }
            counts.rowsRead += Int64(delta)
            counts.addRejects(reason.rawValue, Int64(delta))
            let unlisted = delta - (itemised[reason] ?? 0)
            if unlisted > 0 {
                encoder.appendFile(file: file, rows: Int64(unlisted), reason: reason.rawValue,
                                   detail: "\(unlisted) more records rejected for this reason are counted but not itemised (over \(decodeOptions.maxHeldRejects) rejects in one chunk)",
                                   into: &lines)
            }
        }
        accounted = totals
    }

    /// Counts every record written so far as rolled back (the file failed).
    mutating func rollBack() {
        let written = counts.rowsWritten
        counts.rowsWritten = 0
        counts.addRejects(RowCounts.inputFailed, written)
    }

    /// The manifest facts of this input: format, export versions, loss, nfcapd details.
    func describe(into report: inout InputReport) {
        report.format = kind == .ipfixStream ? "ipfix" : kind.rawValue
        let versions = Set(self.report.sequences.map(\.version).filter { $0 != 0 })
        if kind != .nfcapd {
            report.exportVersions = versions.sorted().map(ExportLoss.versionName)
        }
        report.exportLoss = self.report.sequences.map(ExportLoss.init)
        report.nfcapd = nfcapdInfo.map(NfcapdReport.init)
        report.decode = kind == .nfcapd ? nil : BinaryDecodeCounts(self.report)
    }
}
