import FlowCore
import FlowDetection
import FlowFeatures
import FlowIO
import Foundation

/// Trains `HostHistory` (kind `history`) and, when scoring, detects **exfiltration**: an
/// internal host sending at least `scoring.exfiltration_min_bytes` in a day to one
/// external peer that is new or rare (a flow on fewer than `usual_days` training days), or
/// mostly at hours the host is not usually active. The p-value is that day's volume against
/// the training distribution of bytes per internal → external pair and day. A training
/// window of fewer than `HostHistory.minimumDays` days is skipped with one log line.
public struct HostHistoryKind: ModelKind {
    public static let kindName = HostHistory.kindName
    public var name: String { Self.kindName }
    public static let fileName = HostHistory.fileName
    public static let sidecarName = HostHistory.sidecarName

    public init() {}

    public func train(_ context: TrainContext) throws -> ModelsIndex.Entry? {
        let days = context.data.dataset.days.count
        guard days >= HostHistory.minimumDays else {
            context.log("history: skipped: the training window has \(days) day(s); host history (usual peers, hours and served ports: new_service, exfiltration against history) needs at least \(HostHistory.minimumDays); exfiltration falls back to same-day novelty")
            return nil
        }
        let data = context.data
        var (history, pairs) = try HostHistory.build(days: days) { body in
            try data.forEachRun(blockMillis: CivilTime.millisPerDay) { t, run in body(t, run) }
        }
        history.pairs = try ModelFile.writeSidecar(pairs.flatMap { [Double($0.0), Double($0.1)] }, rows: pairs.count, columns: 2,
                                                   folder: context.outputFolder, name: Self.sidecarName)
        try ModelFile.write(history, to: context.outputFolder + "/" + Self.fileName)
        return ModelsIndex.Entry(kind: name, file: Self.fileName)
    }

    public func score(_ context: ScoreContext, entry: ModelsIndex.Entry) throws -> KindScores {
        guard let history = try context.hostHistory() else { return KindScores() }
        let t = try context.data.table()
        return KindScores(anomalies: Self.exfiltration(t, history: history, minimumBytes: context.config.scoring.exfiltrationMinimumBytes)
                            + NewServiceDetector.detect(t, history: history))
    }

    /// Exfiltration judged against the host history (`ExfiltrationDetector`).
    static func exfiltration(_ t: borrowing FlowTable, history: HostHistory, minimumBytes: Double) -> [AnomalyRecord] {
        ExfiltrationDetector.detect(t, novelty: .history(history), minimumBytes: minimumBytes)
    }
}
