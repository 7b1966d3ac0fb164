import FlowIO
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One task in flight, as the progress line sees it.
struct TaskInFlight: Equatable {
    /// `stage` or `stage@date`.
    var id: String
    /// Seconds since it started.
    var elapsed: Double
    /// What the stage process last reported (nil: nothing yet, or a stage that does not
    /// report).
    var snapshot: StageProgressSnapshot?
    /// How long its last successful run took, from the state file.
    var previousSeconds: Double?
}

/// A task not started yet, as the progress line sees it.
struct TaskWaiting: Equatable {
    var id: String
    /// Seconds it is expected to take (nil: nothing to go by).
    var estimate: Double?
    /// Ids of the unfinished tasks it waits for.
    var upstream: [String] = []
}

/// The terminal progress line of `floe run`: tasks done out of all, the elapsed time, an
/// ETA, then the oldest tasks in flight with their rows, rows/s and share done, e.g.
/// `[2/6] 14.2 s, ETA 31.0 s — clean 6.1 s 4.20 M rows 690.3 k rows/s 41%`.
///
/// A running task's remaining time comes from its reported share of work done
/// (elapsed × (1 − f) / f), else from its previous duration; a waiting task is expected to
/// take what it took last time, else the mean of its stage's tasks finished in this run.
/// The ETA is shown only when every task left has such an estimate.
struct ProgressLine {
    var finished: Int
    var total: Int
    var running: [TaskInFlight]
    /// The tasks not started yet, upstream before downstream.
    var waiting: [TaskWaiting]
    var jobs: Int
    var elapsed: Double

    /// Seconds a running task still needs, or nil when nothing tells.
    static func remaining(_ task: TaskInFlight) -> Double? {
        if let f = task.snapshot?.fraction, f >= 0.01 {
            return f >= 1 ? 0 : task.elapsed * (1 - f) / f
        }
        if let previous = task.previousSeconds { return max(0, previous - task.elapsed) }
        return nil
    }

    /// Seconds until the run ends: the longest chain of dependent tasks left, or the work
    /// left spread over the job slots when that is longer.
    var eta: Double? {
        var finish: [String: Double] = [:]
        var sum = 0.0
        for task in running {
            guard let r = Self.remaining(task) else { return nil }
            finish[task.id] = r
            sum += r
        }
        for task in waiting {
            guard let e = task.estimate else { return nil }
            finish[task.id] = e + (task.upstream.compactMap { finish[$0] }.max() ?? 0)
            sum += e
        }
        return max(finish.values.max() ?? 0, sum / Double(max(1, jobs)))
    }

    var text: String {
        let shown = running.prefix(3).map(Self.describe)
        let more = running.count > 3 ? " +\(running.count - 3)" : ""
        let eta = self.eta.map { ", ETA \(Self.duration($0))" } ?? ""
        return "[\(finished)/\(total)] \(Self.duration(elapsed))\(eta) — \(shown.joined(separator: ", "))\(more)"
    }

    /// `text` cut to fit one terminal row of `columns` (a wrapped line could not be
    /// redrawn in place).
    func text(columns: Int) -> String {
        let full = text
        guard columns > 1, full.count >= columns else { return full }
        return String(full.prefix(columns - 2)) + "…"
    }

    /// Columns of the terminal on standard error (80 when unknown).
    static func terminalColumns() -> Int {
        #if canImport(Glibc)
        var size = winsize()
        if ioctl(2, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 { return Int(size.ws_col) }
        #endif
        return 80
    }

    static func describe(_ task: TaskInFlight) -> String {
        var text = "\(task.id) \(duration(task.elapsed))"
        guard let s = task.snapshot else { return text }
        if s.rows > 0 {
            text += " \(count(Double(s.rows))) rows"
            if task.elapsed >= 0.5 { text += " \(count(Double(s.rows) / task.elapsed)) rows/s" }
        }
        if let f = s.fraction { text += " \(Int((f * 100).rounded(.down)))%" }
        return text
    }

    /// 950, 12.3 k, 4.56 M, 1.20 G.
    static func count(_ value: Double) -> String {
        switch value {
        case ..<1_000: return String(Int(value.rounded()))
        case ..<1_000_000: return String(format: "%.1f k", value / 1_000)
        case ..<1_000_000_000: return String(format: "%.2f M", value / 1_000_000)
        default: return String(format: "%.2f G", value / 1_000_000_000)
        }
    }

    /// 4.2 s, 3 min 05 s, 1 h 02 min.
    static func duration(_ seconds: Double) -> String {
        let s = max(0, seconds)
        if s < 60 { return String(format: "%.1f s", s) }
        let whole = Int(s.rounded())
        if whole < 3600 { return String(format: "%d min %02d s", whole / 60, whole % 60) }
        return String(format: "%d h %02d min", whole / 3600, (whole % 3600) / 60)
    }
}
