import FlowArtifacts
/// "Model checks": how the models did on data they were not fitted on — the forecasters'
/// back-test (`backtest.json`: one row per series and model, seasonal naive always among
/// them, and a chart of the held-out forecasts against the actuals per series) and the host classifier's held-out evaluation (`classifier-eval.json`: macro F1,
/// per-class precision/recall/F1 and the confusion matrix). Left out of the report when
/// the models folder has neither; a file there that cannot be read is named with why.
enum ModelCheckSection {
    static func build(_ input: ReportInput) -> ReportSection? {
        guard input.backtest != nil || input.classifier != nil || !input.modelCheckProblems.isEmpty else { return nil }
        var blocks: [Block] = input.modelCheckProblems.map { .paragraph([.text($0)]) }
        if let b = input.backtest {
            blocks.append(.heading("Forecast back-test"))
            var intro = "Each model was fitted on the training days before the held-out ones and forecast every held-out bucket one step ahead. "
                + "MASE below 1 beats seasonal naive's usual error; MAE / naive below 1 beats seasonal naive on the same buckets; "
                + "coverage is the share of actuals inside the central 80 % interval."
            intro += " Held out: \(b.holdout.start) to \(b.holdout.end)."
            blocks.append(.paragraph([.text(intro)]))
            func number(_ v: Double?, _ decimals: Int) -> ReportTable.Cell {
                guard let v, v.isFinite else { return ReportTable.Cell("–") }
                return ReportTable.Cell(Units.fixed(v, decimals), sortKey: v)
            }
            let rows = b.rows.map { r -> [ReportTable.Cell] in
                [ReportTable.Cell(r.series, code: true), ReportTable.Cell(r.model + (r.chosen ? " (chosen)" : "") + (r.error.map { " — " + $0 } ?? "")),
                 .count(r.forecasts), number(r.mase, 3), number(r.maeRatio, 3), number(r.smape, 1),
                 number(r.coverage.map { $0 * 100 }, 0), number(r.fitSeconds, 1)]
            }
            blocks.append(.table(ReportTable(columns: [.init("Series"), .init("Model"), .init("Forecasts", numeric: true, hiddenOnPhone: true),
                                                       .init("MASE", numeric: true), .init("MAE / naive", numeric: true),
                                                       .init("sMAPE %", numeric: true, hiddenOnPhone: true), .init("Coverage %", numeric: true),
                                                       .init("Fit s", numeric: true, hiddenOnPhone: true)], rows: rows)))
            blocks += BacktestChart.blocks(b)
        }
        if let evaluation = input.classifier {
            let c = evaluation.metrics, heldOut = evaluation.heldOut
            blocks.append(.heading("Host classifier on held-out days"))
            var text = "Macro F1 \(Units.fixed(c.macroF1, 3))"
            if let a = c.macroF1Anomalies { text += " (anomaly kinds alone \(Units.fixed(a, 3)))" }
            text += " on \(Units.thousands(c.rows)) host windows of \(heldOut.from) to \(heldOut.to) (\(heldOut.days) days the classifier never trained on)."
            blocks.append(.paragraph([.text(text)]))
            blocks.append(.table(ReportTable(columns: [.init("Class"), .init("Precision", numeric: true), .init("Recall", numeric: true),
                                                       .init("F1", numeric: true), .init("Host windows", numeric: true)],
                                             rows: c.perClass.map { p in
                                                 [ReportTable.Cell(p.name), ReportTable.Cell(Units.fixed(p.precision, 3), sortKey: p.precision),
                                                  ReportTable.Cell(Units.fixed(p.recall, 3), sortKey: p.recall),
                                                  ReportTable.Cell(Units.fixed(p.f1, 3), sortKey: p.f1), .count(p.support)]
                                             })))
            if c.confusion.count == c.classes.count, c.confusion.allSatisfy({ $0.count == c.classes.count }) {
                blocks.append(.heading("Confusion matrix (rows: true class, columns: predicted)"))
                blocks.append(.table(ReportTable(columns: [.init("True \\ predicted")] + c.classes.map { .init($0, numeric: true) },
                                                 rows: zip(c.classes, c.confusion).map { name, row in [ReportTable.Cell(name)] + row.map { .count($0) } })))
            }
        }
        return ReportSection(id: ReportBuilder.modelChecksID, title: "Model checks", blocks: blocks)
    }
}
