import FlowColumnar
import FlowCore
import FlowIO
import Foundation

/// One Arrow file shared by consecutive tiny inputs (an archive of thousands of small
/// objects): their rows, in input order, regrouped into record batches of `batchRows` to
/// twice that many rows. Creating a file costs more than parsing a tiny input's rows (an
/// inode, a schema, a footer, a rename), and a reader would pay again for each one.
///
/// Each input that reached the bundle lists it in `outputs` with `output_row_offset`, the
/// first of its rows in the file; so the manifest keeps one entry per input and every row
/// can be traced to its file. Inputs that failed (no rows) keep `outputs` empty and pass
/// through in order. The file is written under a temporary name and handed, unsynced, to
/// the caller with the reports of every input in it, to be published with them
/// (`GroupPublisher.add(_:tags:)`). Used by one thread.
final class OutputBundle {
    /// A closed bundle: its file (nil when no input had rows to give) and the reports of
    /// the inputs that passed through it, in order.
    typealias Closed = (file: GroupPublisher<InputReport>.File?, reports: [InputReport])

    let outputDirectory: String
    let batchRows: Int
    private var writer: FlowArrowWriter?
    private var temporary: String?
    private var name = ""
    private var pending = FlowBatch()
    private var reports: [InputReport] = []
    /// Rows added to the open file so far.
    private(set) var rows: Int64 = 0

    init(outputDirectory: String, batchRows: Int) {
        self.outputDirectory = outputDirectory
        self.batchRows = max(1, batchRows)
    }

    /// True when no input is waiting in the bundle.
    var isEmpty: Bool { reports.isEmpty }

    /// `bundle+NAME-HASH.arrow`, after the first input with rows (`resolvedPath`): a rerun
    /// over the same files writes the same names, and `+` never occurs in an input's own
    /// output name (`FileIngestor.outputName`), so the two never collide.
    static func name(first resolvedPath: String) -> String {
        "bundle+" + FileIngestor.outputName(resolved: resolvedPath)
    }

    /// Adds one input: its report and, unless it failed, its rows.
    func add(_ report: InputReport, resolvedPath: String, rows batch: FlowBatch?) throws {
        var report = report
        if let batch {
            if writer == nil {
                name = Self.name(first: resolvedPath)
                let path = try AtomicFile.temporaryPath(for: outputDirectory + "/" + name)
                temporary = path
                writer = try FlowArrowWriter(path: path, metadata: [("floe:source", report.path), ("floe:bundle", "true")])
            }
            report.outputs = [name]
            report.outputRowOffset = rows
            pending.append(contentsOf: batch)
            rows += Int64(batch.count)
            if pending.count >= batchRows {
                try writer!.write(pending)
                pending.removeAll()
            }
        }
        reports.append(report)
    }

    /// Finishes the file (footer, no fsync) and hands it over with its inputs' reports;
    /// the bundle is then empty, ready for the next inputs.
    func close() throws -> Closed {
        guard let writer, let temporary else {
            defer { reports = [] }
            return (nil, reports)
        }
        do {
            if !pending.isEmpty {
                try writer.write(pending)
                pending.removeAll()
            }
            try writer.finish(sync: false)
        } catch {
            abandon()
            throw error
        }
        let closed: Closed = ((temporary, outputDirectory + "/" + name), reports)
        self.writer = nil
        self.temporary = nil
        reports = []
        rows = 0
        return closed
    }

    /// Drops the open file (after an error elsewhere): nothing of it is published.
    func abandon() {
        if let temporary { unlink(temporary) }
        writer = nil
        temporary = nil
        pending.removeAll()
        reports = []
        rows = 0
    }
}
