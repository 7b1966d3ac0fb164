import Foundation
import Testing
@testable import FlowArtifacts

@Suite("classifier-eval.json: one type written by floe-train and read by the report")
struct ClassifierEvaluationFileTests {
    static let evaluation = ClassifierEvaluation(
        training: .init(from: "2026-11-01", to: "2026-11-03", days: 3), validation: .init(from: "2026-11-04", to: "2026-11-04", days: 1),
        heldOut: .init(from: "2026-11-05", to: "2026-11-06", days: 2),
        classCounts: ["training": ["benign": 900, "port_scan": 12], "held_out": ["benign": 400, "port_scan": 5]],
        benignSampled: 600, rareClasses: [.init(name: "ddos", trainingWindows: 1, heldOutWindows: 0)], heldOutUnscored: 0,
        metrics: ClassificationMetrics(classes: ["benign", "port_scan"], confusion: [[398, 2], [1, 4]],
                                       perClass: [.init(name: "benign", precision: 0.9975, recall: 0.995, f1: 0.9962, support: 400, predicted: 399),
                                                  .init(name: "port_scan", precision: 0.6667, recall: 0.8, f1: 0.7273, support: 5, predicted: 6)],
                                       macroF1: 0.8618, macroF1Anomalies: 0.7273, accuracy: 0.9926, rows: 405),
        epochsRun: 8, bestEpoch: 6, fitSeconds: 3.25, predictSeconds: 0.012)

    @Test func theMetricsSitAtTheTopLevelAndTheFileRoundTrips() throws {
        let bytes = try Self.evaluation.jsonBytes()
        let json = try #require(try JSONSerialization.jsonObject(with: bytes) as? [String: Any])
        for key in ["macro_f1", "macro_f1_anomalies", "per_class", "confusion", "classes", "accuracy", "rows", "format", "version",
                    "training", "validation", "held_out", "class_counts", "benign_sampled", "rare_classes", "held_out_unscored",
                    "epochs_run", "best_epoch", "fit_seconds", "predict_seconds"] {
            #expect(json[key] != nil, "\(key)")
        }
        #expect(json["metrics"] == nil && json["format"] as? String == "floe-classifier-eval")
        #expect(try JSONDecoder().decode(ClassifierEvaluation.self, from: bytes) == Self.evaluation)
    }

    @Test func aFileWrittenBeforePredictSecondsStillReads() throws {
        var old = try #require(try JSONSerialization.jsonObject(with: Self.evaluation.jsonBytes()) as? [String: Any])
        old["predict_seconds"] = nil
        old["validation"] = nil
        let read = try JSONDecoder().decode(ClassifierEvaluation.self, from: JSONSerialization.data(withJSONObject: old))
        #expect(read.predictSeconds == nil && read.validation == nil && read.metrics == Self.evaluation.metrics)
        // Without the metrics it is not a classifier evaluation.
        old["macro_f1"] = nil
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(ClassifierEvaluation.self, from: JSONSerialization.data(withJSONObject: old)) }
    }
}
