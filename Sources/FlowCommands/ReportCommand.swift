import ArgumentParser
import FlowCore
import FlowReports
import Foundation

/// `floe report` / `floe-report`: the HTML and Markdown report of a period.
public struct ReportCommand: ParsableCommand {
    public static var configuration: CommandConfiguration { CommandConfiguration(
        commandName: stageCommandName("report"),
        abstract: "Write the HTML and Markdown report of a period of the flow dataset.",
        discussion: """
        Reads the dataset (DATASET_DIR/date=YYYY-MM-DD/*.arrow and its manifest.json), \
        optionally the ingest manifest (--ingest RAW_DIR) and the score output \
        (--scores SCORES_DIR: anomalies.csv and report-feed.json), and writes \
        REPORT_DIR/report.html (one self-contained file: inline CSS and SVG, no network), \
        REPORT_DIR/report.md (GitHub-flavoured) and the chart-*.svg files it links to. \
        Sections whose model did not run say so.

        The period is --date D, or --from D --to D (inclusive), else every partition of \
        the dataset. Same inputs give byte-identical files: the "generated at" line is the \
        end of the period unless --generated-at TEXT replaces it or --no-generated-at drops it.

        Exit status: 0 written; 1 an input could not be read or a file not written; 64 usage.

        Examples:
          floe-report --dataset data/flows --date 2026-11-01 --output reports/2026-11-01
          floe-report --dataset data/flows --ingest data/raw --scores data/scores \\
            --from 2026-11-01 --to 2026-11-30 --output reports/2026-11 --title "November"
        """) }

    @Option(help: ArgumentHelp("The flow dataset (written by floe-clean).", valueName: "DATASET_DIR"))
    public var dataset: String

    @Option(help: ArgumentHelp("The folder floe-ingest wrote (its manifest.json), for inputs and rejects.", valueName: "RAW_DIR"))
    public var ingest: String?

    @Option(help: ArgumentHelp("The folder floe-score wrote (anomalies.csv, report-feed.json).", valueName: "SCORES_DIR"))
    public var scores: String?

    @Option(help: ArgumentHelp("One UTC day, YYYY-MM-DD.", valueName: "D"))
    public var date: String?

    @Option(help: ArgumentHelp("First UTC day, YYYY-MM-DD (with --to).", valueName: "D"))
    public var from: String?

    @Option(help: ArgumentHelp("Last UTC day, YYYY-MM-DD, inclusive (with --from).", valueName: "D"))
    public var to: String?

    @Option(name: [.short, .long], help: ArgumentHelp("The report folder to write (created if missing).", valueName: "REPORT_DIR"))
    public var output: String

    @Option(help: ArgumentHelp("Title of the report (default: \"Network flows, PERIOD\").", valueName: "T"))
    public var title: String?

    @Option(name: .customLong("generated-at"), help: ArgumentHelp("Text of the \"generated at\" line (default: the end of the period).", valueName: "TEXT"))
    public var generatedAt: String?

    @Flag(name: .customLong("no-generated-at"), help: "Omit the \"generated at\" line.")
    public var noGeneratedAt = false

    @Option(help: ArgumentHelp("Name of the pipeline, recorded in the footer.", valueName: "NAME"))
    public var pipeline: String?

    @Option(help: ArgumentHelp("Entries in each top table (default 10).", valueName: "N"))
    public var top: Int = 10

    @Option(help: ArgumentHelp("Threads reading the dataset (default 2; the output does not depend on it).", valueName: "N"))
    public var threads: Int = 2

    public init() {}

    /// The inclusive day range the options select, nil for the whole dataset.
    public func days() throws -> ClosedRange<Int64>? {
        func day(_ text: String, _ option: String) throws -> Int64 {
            guard let d = CivilTime.parseDate(text) else { throw ValidationError("\(option): '\(text)' is not a date YYYY-MM-DD.") }
            return d
        }
        if let date {
            if from != nil || to != nil { throw ValidationError("give either --date or --from/--to, not both.") }
            let d = try day(date, "--date")
            return d...d
        }
        switch (from, to) {
        case (nil, nil): return nil
        case (let f?, let t?):
            let a = try day(f, "--from"), b = try day(t, "--to")
            guard a <= b else { throw ValidationError("--from \(f) is after --to \(t).") }
            guard b - a < 3660 else { throw ValidationError("the period is longer than ten years; report shorter periods.") }
            return a...b
        default: throw ValidationError("--from and --to go together.")
        }
    }

    public func validate() throws {
        if dataset.isEmpty { throw ValidationError("--dataset: give the dataset folder.") }
        if output.isEmpty { throw ValidationError("--output: give the report folder.") }
        if generatedAt != nil && noGeneratedAt { throw ValidationError("give either --generated-at or --no-generated-at.") }
        if top < 1 || top > 1000 { throw ValidationError("--top must be 1–1000.") }
        if threads < 1 || threads > 256 { throw ValidationError("--threads must be 1–256.") }
        _ = try days()
    }

    public func run() throws {
        try bindStageToRunner("floe-report")
        var options = ReportOptions(datasetDir: dataset, ingestDir: ingest, scoresDir: scores, days: try days())
        options.title = title
        options.generatedAt = noGeneratedAt ? .none : (generatedAt.map { .text($0) } ?? .automatic)
        options.pipeline = pipeline
        options.topCount = top
        options.threads = threads
        do {
            let input = try ReportLoader.load(options, toolVersion: floeVersion)
            let doc = ReportBuilder.document(input)
            try ReportWriter.write(doc, to: output)
            FileHandle.standardError.write(Data(
                "floe-report: \(Units.thousands(input.traffic.totals.flows)) flows, \(doc.charts.count) charts; wrote \(output)/\(ReportWriter.htmlFileName) and \(output)/\(ReportWriter.markdownFileName)\n".utf8))
        } catch let error as ReportError {
            FileHandle.standardError.write(Data("floe-report: \(error)\n".utf8))
            if case .usage = error { throw ExitCode(64) }
            throw ExitCode(1)
        } catch {
            FileHandle.standardError.write(Data("floe-report: \(error)\n".utf8))
            throw ExitCode(1)
        }
    }
}
