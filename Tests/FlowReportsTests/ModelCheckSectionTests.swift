import FlowArtifacts
import Foundation
import Testing
@testable import FlowReports
import FlowTestSupport

@Suite struct ModelCheckSectionTests {
    static let backtest = BacktestSummary(holdout: .init(start: "2026-11-05T00:00:00.000Z", end: "2026-11-08T00:00:00.000Z"), rows: [
        .init(series: "total.bytes", model: "seasonal naive", forecasts: 864, mase: 0.125, maeRatio: 1, smape: 72.4, coverage: 0.8, fitSeconds: 0, chosen: false),
        .init(series: "total.bytes", model: "lstm", forecasts: 864, mase: 0.052, maeRatio: 0.413, smape: 43.4, coverage: 0.82, fitSeconds: 24, chosen: true),
    ])
    static let classifier = ClassifierSummary(
        macroF1: 0.951, macroF1Anomalies: 0.943, classes: ["benign", "ddos"],
        perClass: [.init(name: "benign", precision: 0.9995, recall: 0.9997, f1: 0.9996, support: 33_432),
                   .init(name: "ddos", precision: 0.9994, recall: 0.9988, f1: 0.9991, support: 1_680)],
        confusion: [[33_421, 11], [2, 1_678]], heldOut: .init(from: "2026-12-31", to: "2027-01-29", days: 30), rows: 35_112)

    @Test func theSectionShowsTheBacktestAndTheClassifierBeforeTheFooter() {
        var input = GoldenTests.smallInput()
        input.backtest = Self.backtest
        input.classifier = Self.classifier
        let doc = ReportBuilder.document(input)
        let ids = doc.sections.map(\.id)
        #expect(ids.suffix(2) == [ReportBuilder.modelChecksID, "provenance"])
        let html = HTMLRenderer.render(doc), md = MarkdownRenderer.render(doc)
        for text in ["Forecast back-test", "lstm (chosen)", "0.052", "0.413", "Macro F1 0.951", "anomaly kinds alone 0.943", "33,421", "1,678",
                     "2026-12-31 to 2027-01-29"] {
            #expect(html.contains(text), "\(text)")
            #expect(md.contains(text), "\(text)")
        }
        // Only the classifier: no back-test heading.
        input.backtest = nil
        let only = MarkdownRenderer.render(ReportBuilder.document(input))
        #expect(only.contains("Host classifier on held-out days") && !only.contains("Forecast back-test"))
        // Neither: no section.
        #expect(!ReportBuilder.document(GoldenTests.smallInput()).sections.contains { $0.id == ReportBuilder.modelChecksID })
    }

    @Test func theFilesAreReadBesideTheModelFilesTheFeedNames() throws {
        let tmp = TempFolder()
        defer { tmp.cleanup() }
        let backtest = #"{"format":"floe-backtest","holdout":{"start":"a","end":"b","start_ms":0,"end_ms":1},"rows":[{"series":"total.flows","model":"arima","forecasts":10,"mase":"nan","mae_ratio":0.5,"smape":3.1,"coverage":0.8,"fit_seconds":0.7,"chosen":true}]}"#
        try backtest.write(toFile: tmp.path + "/backtest.json", atomically: true, encoding: .utf8)
        let eval = #"{"macro_f1":0.9,"macro_f1_anomalies":0.8,"classes":["benign","x"],"per_class":[{"class":"x","precision":1,"recall":0.5,"f1":0.667,"support":2,"predicted":1}],"confusion":[[5,0],[1,1]],"held_out":{"from":"d1","to":"d2","days":2},"rows":7}"#
        try eval.write(toFile: tmp.path + "/classifier-eval.json", atomically: true, encoding: .utf8)
        let models = [ModelReference(name: "timeseries", path: tmp.path + "/timeseries.json"), ModelReference(name: "classifier", path: tmp.path + "/classifier.json")]
        let (b, c) = ModelCheckReaders.load(models)
        #expect(b?.rows.first?.mase == nil && b?.rows.first?.maeRatio == 0.5 && b?.rows.first?.chosen == true)
        #expect(c?.macroF1 == 0.9 && c?.confusion == [[5, 0], [1, 1]] && c?.heldOut.days == 2)
        let (none, nothing) = ModelCheckReaders.load([ModelReference(name: "clusters", path: tmp.path + "/clusters.json")])
        #expect(none == nil && nothing == nil)
    }
}
