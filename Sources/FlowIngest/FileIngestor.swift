import Dispatch
import FlowArtifacts
import FlowColumnar
import FlowCore
import FlowFormats
import FlowIO
import Foundation

/// Ingests one input file into one Arrow file.
///
/// The first decompressed bytes decide the path: a pcap, pcapng, nfcapd or IPFIX-file
/// magic goes to `BinaryStreamRun`, everything else to the text path (`StreamRun`).
///
/// Threads: the `ChunkReader` reads (and inflates) on its own thread; this thread frames
/// lines and hands each chunk's lines to a parsing thread with a copy of the stream's
/// parser; finished pieces are written in stream order. Lines that change the parser's
/// state (the header, Zeek `#` directives, nfdump's trailer) are parsed here, in order, on
/// the stream's own parser, so every copy handed out afterwards knows about them.
struct FileIngestor {
    let options: IngestOptions
    let outputDirectory: String
    /// Receives quarantine lines in order.
    let quarantine: ([UInt8]) throws -> Void
    /// Progress meter of the whole ingest, if any.
    var progress: StageProgress?
    /// Bytes (on disk) of the inputs ingested before this one, for the meter.
    var bytesBefore: Int64 = 0
    /// Read (and inflate) on the calling thread instead of a `ChunkReader` thread: for small
    /// files ingested several at a time, one per thread.
    var readOnCallingThread = false
    /// The header state remembered from this worker's earlier files (small files only).
    var headerCache: HeaderCache?
    /// Keep a text input's rows in memory (`Ingested.rows`) instead of writing its own
    /// Arrow file: for tiny files whose rows go into a shared file (`OutputBundle`). A
    /// binary input still gets its own file; a dry run keeps nothing.
    var collectRows = false

    init(options: IngestOptions, outputDirectory: String, quarantine: @escaping ([UInt8]) throws -> Void) {
        self.options = options
        self.outputDirectory = outputDirectory
        self.quarantine = quarantine
    }

    /// The size of `path` on disk (0 when it cannot be read).
    static func fileSize(_ path: String) -> Int64 {
        var info = stat()
        return stat(path, &info) == 0 ? Int64(info.st_size) : 0
    }

    /// What ingesting one input gave: its report, and where its rows are.
    struct Ingested {
        var report: InputReport
        /// Its own output, unsynced under its temporary name (with the final name in
        /// `report.outputs`), when it was not published (`publish: false`).
        var unpublished: String?
        /// Its rows, with `collectRows` (nil when the input failed or wrote its own file).
        var rows: FlowBatch?
    }

    /// Ingests `path`; never throws: every failure is recorded in the returned report.
    func ingest(path: String) -> InputReport {
        ingest(path: path, resolvedPath: Self.realpathString(path) ?? path, publish: true).report
    }

    /// Ingests `path`, whose resolved form (`realpath`, or `path` itself when it cannot be
    /// resolved) is `resolvedPath`; it names the output. With `publish` false the output is
    /// left unsynced under its temporary name, returned as `unpublished` (with the final
    /// name in `report.outputs`), for the caller to make durable and publish with other
    /// files at once (`AtomicFile.publishGroup`). With `collectRows` a text input's rows
    /// are returned instead, and `report.outputs` is left for the caller to fill.
    func ingest(path: String, resolvedPath: String, publish: Bool) -> Ingested {
        var unpublished: String?
        var rows: FlowBatch?
        var report = InputReport(path: path, compression: InputCompression.none.rawValue, bytes: 0)
        let opened: OpenedInput
        do {
            opened = try openInput(path: path)
        } catch {
            report.status = .failed
            report.error = "\(error)"
            quarantineFailure(report)
            return Ingested(report: report)
        }
        report.compression = opened.compression.rawValue
        report.bytes = opened.fileSize
        var run = StreamRun(options: options, file: path)
        var binary: BinaryStreamRun?
        let limiter = QuarantineLimiter(limit: options.maxQuarantineRows, sink: quarantine)
        do {
            let reader = ChunkReader(input: opened, chunkSize: max(options.chunkBytes, BinaryInputKind.prefixLength),
                                     chunkCount: max(1, options.parseThreads) + 2, onCallingThread: readOnCallingThread)
            defer { reader.cancel() }
            let chunks = try PeekedChunks(reader: reader)
            chunks.progress = progress.map { ($0, bytesBefore) }
            if let empty = EmptyInputError.check(chunks, path: path, compression: opened.compression) { throw empty }
            // A dry run decodes and counts with no writer; collected rows need none either.
            let collect = collectRows && !options.dryRun && chunks.binaryKind == nil
            // Named only when written: building the name costs more than a tiny file's rows.
            let outputName = options.dryRun || collect ? "" : Self.outputName(resolved: resolvedPath)
            let finalPath = outputDirectory + "/" + outputName
            let temporary = options.dryRun || collect ? nil : try AtomicFile.temporaryPath(for: finalPath)
            let writer = try temporary.map { try FlowArrowWriter(path: $0, metadata: [("floe:source", path)]) }
            defer { if let temporary, run.writer != nil || binary?.writer != nil { unlink(temporary) } }
            if let kind = chunks.binaryKind {
                binary = BinaryStreamRun(options: options, file: path, kind: kind)
                binary?.writer = writer
                binary?.progress = progress
                binary?.framesAhead = !readOnCallingThread
                try binary?.consume(chunks, quarantine: limiter.pass)
            } else {
                run.writer = writer
                run.progress = progress
                run.headerCache = headerCache
                if collect { run.collected = FlowBatch() }
                try run.consume(chunks, quarantine: limiter.pass)
            }
            try checkRejectShare(binary?.counts ?? run.counts, path: path)
            try writer?.finish(sync: publish)
            run.writer = nil
            binary?.writer = nil
            if let temporary {
                if publish { try AtomicFile.publish(temporary, as: finalPath) } else { unpublished = temporary }
                report.outputs = [outputName]
            }
            rows = run.collected
            report.fingerprint = (binary?.fingerprint ?? run.fingerprint)?.description
        } catch {
            report.status = .failed
            report.error = Self.describe(error, path: path, compression: opened.compression)
            run.rollBack()
            binary?.rollBack()
        }
        if let binary {
            binary.describe(into: &report)
            report.counts = binary.counts
        } else {
            report.format = run.parser?.dialect?.rawValue
            report.counts = run.counts
        }
        report.counts.rejectsNotQuarantined += limiter.dropped
        if report.status != .failed && report.counts.rowsRejected > 0 { report.status = .partial }
        if report.status == .failed { quarantineFailure(report) }
        return Ingested(report: report, unpublished: unpublished, rows: report.status == .failed ? nil : rows)
    }

    /// The quarantine line of a failed file. Every failed file has one, also one that failed
    /// before any row was read (unreadable, unknown format): the quarantine lists every
    /// input that gave nothing.
    private func quarantineFailure(_ report: InputReport) {
        var line: [UInt8] = []
        QuarantineEncoder().appendFile(file: report.path, rows: report.counts.rejectsByReason[RowCounts.inputFailed] ?? 0,
                                       reason: RowCounts.inputFailed, detail: report.error ?? "", into: &line)
        try? quarantine(line)
    }

    /// Fails an input most of whose rows were rejected (more than `maxRejectShare`): such a
    /// file is almost always in another dialect than the one detected, or damaged, and a
    /// run that kept its few matching rows would look like a success.
    func checkRejectShare(_ counts: RowCounts, path: String) throws {
        guard counts.rowsRead > 0, counts.rowsRejected > 0 else { return }
        let share = Double(counts.rowsRejected) / Double(counts.rowsRead)
        guard share > options.maxRejectShare else { return }
        let top = counts.rejectsByReason.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.prefix(3)
            .map { "\($0.key) \(NumberText.thousands($0.value))" }.joined(separator: ", ")
        throw IngestInputError.mostlyRejected(path: path, rejected: counts.rowsRejected, read: counts.rowsRead,
                                              limit: options.maxRejectShare, topReasons: top)
    }

    /// The message of a failure, naming the file; header problems say how to proceed.
    static func describe(_ error: Error, path: String, compression: InputCompression = .none) -> String {
        let text = "\(error)"
        if error is BinaryFormatError {
            let place = compression == .gzip ? " (byte offsets count the decompressed content)" : ""
            return "\(path): \(text)\(place)"
        }
        if let formatError = error as? FlowFormatsError {
            switch formatError {
            case .unknownFormat, .badHeader, .missingColumns:
                return "\(path): \(text) (at byte 0). If this is a supported dialect, name it with --dialect; for another CSV header, give a --mapping file."
            default:
                return "\(path): \(text)"
            }
        }
        return text.contains(path) ? text : "\(path): \(text)"
    }

    /// `NAME-HASH.arrow`: the input's file name (made safe) and 8 hex digits of a hash of
    /// its absolute path, so equal names in different folders do not collide and a rerun
    /// over the same files writes the same names. Leading dots are dropped: an output is
    /// never a hidden file (`.part1.csv` → `part1.csv-HASH.arrow`).
    static func outputName(for path: String) -> String {
        outputName(resolved: realpathString(path) ?? path)
    }

    /// `outputName(for:)` of a path already resolved (`realpath`).
    static func outputName(resolved absolute: String) -> String {
        DerivedFileName.make(path: absolute, key: absolute, hexDigits: 8) + ".arrow"
    }

    static func realpathString(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}

extension RowCounts {
    /// Reject reason of rows rolled back because their file turned out to be corrupt.
    public static let inputFailed = "input_failed"
}

/// The state of one input stream while it is ingested.
struct StreamRun {
    let options: IngestOptions
    let file: String
    var writer: FlowArrowWriter?
    var progress: StageProgress?
    var parser: DialectParser?
    var counts = RowCounts()
    var fingerprint: Fingerprint?
    /// Header state from earlier files of the same worker (one parsing thread only).
    var headerCache: HeaderCache?
    /// When set, the stream's rows are appended here instead of being written.
    var collected: FlowBatch?
    /// Rows per pooled batch when collecting: the rows are regrouped by the shared file,
    /// so a tiny file needs no builder of `batchRows` rows.
    static let collectingBatchRows = 4096
    private var recordsWritten: Int64 = 0

    init(options: IngestOptions, file: String) {
        self.options = options
        self.file = file
    }

    /// Reads, frames, parses and writes the whole stream.
    mutating func consume(_ chunks: PeekedChunks, quarantine: ([UInt8]) throws -> Void) throws {
        let threads = max(1, options.parseThreads)
        var streamParser = DialectParser(dialect: options.dialect, options: options.parser)
        var framer = LineFramer(maxLineLength: options.maxLineLength, quoting: streamParser.quoteFraming)
        let pool = BatchPool(capacity: collected == nil ? options.batchRows : min(options.batchRows, Self.collectingBatchRows))
        let pieceParser = PieceParser(file: file, maxLineLength: options.maxLineLength,
                                      pool: pool, quarantineCap: options.maxQuarantineRows)
        var pending: [(WorkItem, ParsedPiece)] = []
        defer {
            // On an error, let running pieces finish before their chunks go away.
            for (_, piece) in pending { piece.done.wait() }
        }
        var failure: Error?

        func dispatch(_ item: WorkItem) throws {
            let piece = ParsedPiece()
            if item.inOrder || threads == 1 {
                pieceParser.parse(item, with: &streamParser, into: piece)
                item.chunk = nil
                piece.done.signal()
            } else {
                let snapshot = streamParser
                DispatchQueue.global(qos: .userInitiated).async {
                    var local = snapshot
                    pieceParser.parse(item, with: &local, into: piece)
                    item.chunk = nil
                    piece.done.signal()
                }
            }
            pending.append((item, piece))
            while pending.count > threads || (pending.first.map { $0.0.inOrder } ?? false) {
                try complete(pending.removeFirst().1)
            }
        }

        func complete(_ piece: ParsedPiece) throws {
            piece.done.wait()
            if let error = piece.error { throw error }
            while !piece.filled.isEmpty {
                let rows = piece.filled.removeFirst()
                if collected != nil {
                    let batch = pool.batch(from: rows)
                    collected!.append(contentsOf: batch)
                    pool.give(batch)
                } else {
                    try writer?.write(rows.rowsInPlace)
                    rows.removeAll()
                }
                pool.giveBuilder(rows)
            }
            if !piece.quarantine.isEmpty { try quarantine(piece.quarantine) }
            counts.rejectsNotQuarantined += piece.unencodedRejects
            counts.rowsRead += piece.records + piece.rejected
            counts.rowsWritten += piece.records
            counts.rowsSkipped += piece.skipped
            progress?.addRows(piece.records)
            for (reason, n) in piece.rejects { counts.addRejects(reason.rawValue, n) }
        }

        var item = WorkItem()
        item.inOrder = !streamParser.isReady
        let headerCache = threads == 1 ? headerCache : nil
        do {
            while let chunk = try chunks.next() {
                let raw = chunk.bytes
                let bytes = UnsafeBufferPointer(start: raw.baseAddress?.assumingMemoryBound(to: UInt8.self), count: raw.count)
                // A constant for the closure: through the `var` (a boxed capture) every line
                // paid a retain and a release of the item (~0.2 CPU-s per 10 M lines).
                let current = item
                framer.consume(bytes) { line in
                    if let headerCache, line.number == 1, line.kind == .complete, !streamParser.isReady {
                        if let ready = headerCache.parser(after: line.bytes) {
                            streamParser = ready  // what feeding this header line gives
                            return
                        }
                        headerCache.remember(line.bytes, fresh: streamParser)
                    }
                    if !current.inOrder, line.kind == .complete, streamParser.mustParseInOrder(line.bytes) {
                        current.inOrder = true
                    }
                    current.add(line, chunkStart: raw.baseAddress, chunkCount: raw.count)
                }
                item.chunk = consume chunk
                let lineCount = item.lines.count
                try dispatch(item)
                item = WorkItem()
                // Chunks hold similar numbers of lines: no regrowing of the line list.
                item.lines.reserveCapacity(lineCount + lineCount / 8)
                item.inOrder = !streamParser.isReady
            }
        } catch {
            failure = error
        }
        if let failure {
            // Account for the rows already parsed (they are rolled back with the file).
            while !pending.isEmpty { try? complete(pending.removeFirst().1) }
            throw failure
        }
        framer.finish { line in item.add(line, chunkStart: nil, chunkCount: 0) }
        try dispatch(item)
        while !pending.isEmpty { try complete(pending.removeFirst().1) }
        parser = streamParser
        fingerprint = chunks.reader.summary?.fingerprint
        if !streamParser.isReady { throw EmptyInputError(path: file, kind: .noHeader) }
    }

    /// Counts every row parsed so far as rolled back (the file failed).
    mutating func rollBack() {
        collected = nil
        let written = counts.rowsWritten
        counts.rowsWritten = 0
        counts.addRejects(RowCounts.inputFailed, written)
    }
}
