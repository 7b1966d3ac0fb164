import FlowArtifacts
import FlowCore
import FlowDataset

/// 1. Run summary: period, inputs, row accounting, rejects by reason, export loss and a
/// warning block when the data quality is poor.
enum SummarySection {
    /// Share of rejected rows above which the report warns.
    static let rejectWarningShare = 0.01

    static func build(_ input: ReportInput) -> ReportSection {
        let t = input.traffic
        var blocks: [Block] = []
        let warnings = qualityWarnings(input)
        if !warnings.isEmpty { blocks.append(.warning("Data quality needs attention", warnings)) }

        var facts: [(String, [Inline])] = [
            ("Period", [.text(UTCText.minute(t.periodStart) + " – " + UTCText.minute(t.periodEnd) + " UTC")]),
            ("Flows", [.strong(Units.thousands(t.totals.flows))]),
            ("Bytes", [.strong(Units.bytes(t.totals.bytes)), .text(" (" + Units.thousands(t.totals.bytes) + " B, average " + Units.byteRate(Double(t.totals.bytes) / ReportBuilder.periodSeconds(input)) + ")")]),
            ("Packets", [.text(Units.thousands(t.totals.packets))]),
            ("Distinct hosts", [.text(Units.thousands(t.distinctSources) + " sources, " + Units.thousands(t.distinctDestinations) + " destinations")]),
        ]
        if let first = t.firstStart, let last = t.lastStart {
            facts.append(("First / last flow", [.text(UTCText.second(first) + " / " + UTCText.second(last))]))
        }
        facts.append(("Dataset files read", [.text(plural(t.partitions.count, "partition file") + ", " + Units.bytes(t.partitions.reduce(0) { $0 + $1.bytes }) + ", " + Units.thousands(t.partitions.reduce(0) { $0 + $1.rows }) + " rows")]))
        if t.sampledFlows > 0 {
            facts.append(("Sampled flows", [.text(Units.thousands(t.sampledFlows) + " flows had a sampling rate > 1; their counters are scaled up")]))
        }
        blocks.append(.facts(facts))

        // Row accounting, ingest then clean.
        var rows: [[ReportTable.Cell]] = []
        if let i = input.ingest {
            rows.append([ReportTable.Cell("ingest (" + plural(i.totals.files, "file") + ")"), .count(i.totals.rowsRead), .count(i.totals.rowsWritten),
                         .count(i.totals.rowsRejected), ReportTable.Cell("–"), ReportTable.Cell(Units.percent(Double(i.totals.rowsRejected), of: Double(i.totals.rowsRead)))])
        }
        if let c = input.clean {
            let lost = c.totals.rowsRejected + c.totals.duplicates
            rows.append([ReportTable.Cell("clean (" + plural(c.files, "file") + ")"), .count(c.totals.rowsIn), .count(c.totals.rowsOut),
                         .count(c.totals.rowsRejected), .count(c.totals.duplicates), ReportTable.Cell(Units.percent(Double(lost), of: Double(c.totals.rowsIn)))])
        }
        blocks.append(.heading("Rows"))
        if rows.isEmpty {
            blocks.append(.absent("No manifests found: give --ingest RAW_DIR and a dataset with manifest.json to see the row accounting."))
        } else {
            blocks.append(.table(ReportTable(columns: [.init("Stage"), .init("Read", numeric: true), .init("Kept", numeric: true),
                                                        .init("Rejected", numeric: true), .init("Duplicates", numeric: true), .init("Lost", numeric: true)],
                                             rows: rows, sortable: false,
                                             note: cleanNote(input))))
        }
        if input.ingest == nil { blocks.append(.absent("No ingest manifest: run with --ingest RAW_DIR to list the input files and ingest rejects.")) }

        var rejects: [[ReportTable.Cell]] = []
        if let i = input.ingest {
            for (reason, n) in i.totals.rejectsByReason.sorted(by: { ($1.value, $0.key) < ($0.value, $1.key) }) where n > 0 {
                rejects.append([ReportTable.Cell("ingest"), ReportTable.Cell(reason, code: true), .count(n), ReportTable.Cell(Units.percent(Double(n), of: Double(i.totals.rowsRead)), sortKey: Double(n))])
            }
        }
        if let c = input.clean {
            for (rule, n) in c.totals.rejectsByRule.sorted(by: { ($1.value, $0.key) < ($0.value, $1.key) }) where n > 0 {
                rejects.append([ReportTable.Cell("clean"), ReportTable.Cell(rule, code: true), .count(n), ReportTable.Cell(Units.percent(Double(n), of: Double(c.totals.rowsIn)), sortKey: Double(n))])
            }
            if c.totals.duplicates > 0 {
                rejects.append([ReportTable.Cell("clean"), ReportTable.Cell("duplicate", code: true), .count(c.totals.duplicates), ReportTable.Cell(Units.percent(Double(c.totals.duplicates), of: Double(c.totals.rowsIn)), sortKey: Double(c.totals.duplicates))])
            }
        }
        if !rejects.isEmpty {
            blocks.append(.heading("Rejected rows by reason"))
            blocks.append(.table(ReportTable(columns: [.init("Stage"), .init("Reason"), .init("Rows", numeric: true), .init("Share", numeric: true)], rows: rejects)))
        }

        if let i = input.ingest, !i.inputs.isEmpty {
            blocks.append(.heading("Input files"))
            let shown = i.inputs.prefix(50)
            let files = shown.map { f -> [ReportTable.Cell] in
                [ReportTable.Cell(f.path, code: true), ReportTable.Cell(f.format ?? "unknown"), ReportTable.Cell(f.compression ?? "–"),
                 .bytes(f.bytes), .count(f.rowsRead), .count(f.rowsWritten), .count(f.rowsRejected),
                 ReportTable.Cell(f.status + (f.error.map { ": " + $0 } ?? ""))]
            }
            blocks.append(.table(ReportTable(columns: [.init("File"), .init("Format"), .init("Compression"), .init("Size", numeric: true),
                                                        .init("Read", numeric: true), .init("Written", numeric: true), .init("Rejected", numeric: true), .init("Status")],
                                             rows: files, note: i.inputs.count > shown.count ? "\(i.inputs.count - shown.count) more files in the ingest manifest." : nil)))
        }

        blocks.append(.heading("Export loss"))
        if let loss = input.ingest?.exportLoss {
            blocks.append(exportLossBlock(loss))
        } else if input.ingest != nil {
            blocks.append(.absent("Not recorded: this ingest run wrote no export_loss (only NetFlow v5/v9 and IPFIX carry sequence numbers)."))
        } else {
            blocks.append(.absent("Unknown: no ingest manifest was given."))
        }
        return ReportSection(id: "summary", title: "Run summary", blocks: blocks)
    }

    /// What the clean row covers: the runs that wrote the report's days, or the last run.
    static func cleanNote(_ input: ReportInput) -> String? {
        guard input.clean != nil else { return nil }
        switch input.cleanRuns {
        case nil:
            return "The clean row covers the last floe-clean run into this dataset, which may span other days than this report."
        case 1?:
            return "The clean row covers the floe-clean run that wrote this report's days; its counts include any other days that run wrote."
        case let n?:
            return "The clean row adds up the \(n) floe-clean runs that last wrote this report's days (their records under \(DatasetLayout.cleanRunsFolder)/); their counts include any other days those runs wrote."
        }
    }

    static func plural(_ n: Int, _ word: String) -> String { Units.thousands(n) + " " + word + (n == 1 ? "" : "s") }

    /// The warnings for the block at the top of the report.
    static func qualityWarnings(_ input: ReportInput) -> [String] {
        var out: [String] = []
        let t = input.traffic
        if t.totals.flows == 0 { out.append("The dataset holds no flows for this period.") }
        if let i = input.ingest {
            let share = i.totals.rowsRead > 0 ? Double(i.totals.rowsRejected) / Double(i.totals.rowsRead) : 0
            if share > rejectWarningShare {
                out.append("Ingest rejected \(Units.percent(Double(i.totals.rowsRejected), of: Double(i.totals.rowsRead))) of the rows it read (\(Units.thousands(i.totals.rowsRejected)) of \(Units.thousands(i.totals.rowsRead))).")
            }
            if i.totals.filesFailed > 0 {
                let names = i.inputs.filter { $0.status == "failed" }.prefix(3).map(\.path).joined(separator: ", ")
                out.append("\(i.totals.filesFailed) input file(s) could not be read: \(names).")
            }
        }
        if let c = input.clean {
            let share = c.totals.rowsIn > 0 ? Double(c.totals.rowsRejected) / Double(c.totals.rowsIn) : 0
            if share > rejectWarningShare {
                out.append("Clean rejected \(Units.percent(Double(c.totals.rowsRejected), of: Double(c.totals.rowsIn))) of its rows (\(Units.thousands(c.totals.rowsRejected)) of \(Units.thousands(c.totals.rowsIn))).")
            }
            if c.filesFailed > 0 { out.append("Clean could not read \(c.filesFailed) input file(s).") }
        }
        if t.totals.flows > 0 && !t.emptyHours.isEmpty {
            let ranges = hourRanges(t.emptyHours)
            let listed = ranges.prefix(6).map { UTCText.window($0.0, $0.1) }.joined(separator: "; ")
            out.append("\(t.emptyHours.count) hour(s) without a single flow (missing data?): \(listed)\(ranges.count > 6 ? "; …" : "") UTC.")
        }
        if let loss = input.ingest?.exportLoss, lostTotal(loss) > 0 {
            out.append("Exporters lost \(Units.thousands(Int64(lostTotal(loss)))) export datagrams (sequence gaps): the flows above are incomplete.")
        }
        return out
    }

    /// Consecutive hour starts collapsed into (start, end) windows.
    static func hourRanges(_ hours: [Int64]) -> [(Int64, Int64)] {
        var out: [(Int64, Int64)] = []
        for h in hours {
            if let last = out.last, last.1 == h { out[out.count - 1].1 = h + 3_600_000 } else { out.append((h, h + 3_600_000)) }
        }
        return out
    }

    static func lostTotal(_ loss: JSONValue) -> Double {
        var total = 0.0
        func visit(_ v: JSONValue) {
            switch v {
            case .object(let o):
                for (k, x) in o {
                    if k.hasPrefix("lost"), case .number(let n) = x { total += n } else { visit(x) }
                }
            case .array(let a): a.forEach(visit)
            default: break
            }
        }
        visit(loss)
        return total
    }

    static func exportLossBlock(_ loss: JSONValue) -> Block {
        if case .array(let entries) = loss {
            let objects = entries.compactMap { e -> [String: JSONValue]? in if case .object(let o) = e { return o } else { return nil } }
            let keys = Array(Set(objects.flatMap(\.keys))).sorted()
            if !objects.isEmpty {
                if keys.isEmpty { return .absent("No export loss recorded.") }
                let rows = objects.map { o in keys.map { k -> ReportTable.Cell in
                    if case .number(let n)? = o[k] { return ReportTable.Cell(JSONValue.number(n).text, sortKey: n) }
                    return ReportTable.Cell(o[k]?.text ?? "–")
                } }
                return .table(ReportTable(columns: keys.map { .init($0) }, rows: rows))
            }
            return .paragraph([.text("No export loss recorded.")])
        }
        return .facts(loss.flattened().map { ($0.0.isEmpty ? "export_loss" : $0.0, [.text($0.1)]) })
    }
}
