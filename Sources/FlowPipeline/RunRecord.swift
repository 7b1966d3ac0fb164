import FlowIO
import Foundation

/// `run.json` in a run's log folder: what ran, why, how long, with which exit code.
struct RunRecord: Encodable {
    struct Task: Encodable {
        let id: String
        let stage: String
        let partition: String?
        let status: String
        let reasons: [String]
        let exitCode: Int32?
        let seconds: Double
        let log: String?
        let failure: String?

        enum CodingKeys: String, CodingKey {
            case id, stage, partition, status, reasons, seconds, log, failure
            case exitCode = "exit_code"
        }
    }

    let runID: String
    let pipeline: String
    let startedAt: String
    let seconds: Double
    let exitCode: Int32
    let summary: String
    let tasks: [Task]

    enum CodingKeys: String, CodingKey {
        case pipeline, seconds, summary, tasks
        case runID = "run_id"
        case startedAt = "started_at"
        case exitCode = "exit_code"
    }

    init(summary: RunSummary, pipeline: String, started: Date) {
        runID = summary.runID
        self.pipeline = pipeline
        startedAt = ISO8601DateFormatter().string(from: started)
        seconds = (summary.seconds * 1000).rounded() / 1000
        exitCode = summary.exitCode
        self.summary = summary.line
        tasks = summary.results.map {
            Task(id: $0.task.id, stage: $0.task.stage, partition: $0.task.partition, status: $0.status.rawValue,
                 reasons: $0.reasons, exitCode: $0.exitCode, seconds: ($0.seconds * 1000).rounded() / 1000,
                 log: $0.logPath, failure: $0.failure)
        }
    }

    func write(to path: String) throws {
        try FileSystem.writeAtomically(path, String(decoding: try StableJSON.encode(self), as: UTF8.self))
    }

    /// `YYYYMMDDTHHMMSSZ-PID`: sorts by start time, unique per host.
    static func runID(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        return formatter.string(from: date) + "-\(getpid())"
    }
}
