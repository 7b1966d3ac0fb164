/// 7. Provenance: floe version, pipeline, parameters, model files and data fingerprints,
/// so a report can be traced to exactly what produced it.
enum FooterSection {
    static func build(_ input: ReportInput) -> ReportSection {
        var facts: [(String, [Inline])] = [("floe", [.text(input.toolVersion)])]
        if let p = input.pipeline { facts.append(("Pipeline", [.code(p)])) }
        for (k, v) in input.sources { facts.append(("Input: " + k, [.code(v)])) }
        for (k, v) in input.parameters { facts.append(("Parameter: " + k, [.text(v)])) }
        if let v = input.ingest?.version { facts.append(("floe-ingest version", [.text(v)])) }
        if let v = input.clean?.version { facts.append(("floe-clean version", [.text(v)])) }
        if let r = input.clean?.referenceTime { facts.append(("Clean reference time", [.text(r)])) }
        if let g = input.generatedAt { facts.append(("Generated at", [.text(g)])) }
        var blocks: [Block] = [.facts(facts)]
        if !input.models.isEmpty {
            blocks.append(.heading("Model files"))
            blocks.append(.table(ReportTable(columns: [.init("Model"), .init("File"), .init("Fingerprint"), .init("Trained on"), .init("Parameters")],
                                             rows: input.models.map { m in
                                                 [ReportTable.Cell(m.name), ReportTable.Cell(m.path ?? "–", code: true), ReportTable.Cell(m.fingerprint ?? "–", code: true),
                                                  ReportTable.Cell(m.trainedOn.isEmpty ? "–" : m.trainedOn.joined(separator: ", ")),
                                                  ReportTable.Cell(m.parameters.keys.sorted().map { $0 + "=" + m.parameters[$0]!.text }.joined(separator: ", "))]
                                             }, sortable: false)))
        } else {
            blocks.append(.absent("No model files: no model ran for this report."))
        }
        blocks.append(.heading("Data fingerprints"))
        var rows: [[ReportTable.Cell]] = input.traffic.partitions.map { p in
            [ReportTable.Cell("dataset"), ReportTable.Cell(p.path, code: true), .bytes(p.bytes), .count(p.rows), ReportTable.Cell(p.fingerprint, code: true)]
        }
        if let i = input.ingest {
            rows += i.inputs.prefix(50).map { f in
                [ReportTable.Cell("ingest input"), ReportTable.Cell(f.path, code: true), .bytes(f.bytes), .count(f.rowsRead), ReportTable.Cell(f.fingerprint ?? "–", code: true)]
            }
        }
        blocks.append(.table(ReportTable(columns: [.init("Kind"), .init("File"), .init("Size", numeric: true), .init("Rows", numeric: true), .init("Fingerprint")],
                                         rows: rows, sortable: false)))
        return ReportSection(id: "provenance", title: "Provenance", blocks: blocks)
    }
}
