/// What `squeue` and `scontrol` say about a job, and what a finished job's state means for
/// its task.
enum SlurmJobState {
    /// States of a job that has ended (squeue `%T`, scontrol `JobState`).
    static let terminal: Set<String> = [
        "COMPLETED", "FAILED", "TIMEOUT", "OUT_OF_MEMORY", "NODE_FAIL", "CANCELLED", "PREEMPTED",
        "BOOT_FAIL", "DEADLINE", "SPECIAL_EXIT", "REVOKED",
    ]

    /// `CANCELLED by 0` and `CANCELLED+` name the same state.
    static func normalized(_ text: String) -> String {
        let word = text.split(separator: " ").first.map(String.init) ?? ""
        return word.hasSuffix("+") ? String(word.dropLast()) : word
    }

    static func isTerminal(_ state: String) -> Bool { terminal.contains(normalized(state)) }

    /// One line of `squeue --noheader --format=%i|%T|%k`: job id (`JOBID_INDEX` for an array
    /// element), state, comment.
    struct QueueLine: Equatable {
        let jobID: String
        let state: String
        let comment: String
    }

    /// The pending rest of a job array (`123_[2-5]`) becomes one line per element.
    static func parseQueue(_ text: String) -> [QueueLine] {
        text.split(whereSeparator: \.isNewline).flatMap { line -> [QueueLine] in
            let fields = line.split(separator: "|", maxSplits: 2, omittingEmptySubsequences: false).map {
                $0.trimmingCharacters(in: .whitespaces)
            }
            guard fields.count == 3, !fields[0].isEmpty, !fields[1].isEmpty else { return [] }
            return SlurmArray.elementIDs(fields[0]).map { QueueLine(jobID: $0, state: normalized(fields[1]), comment: fields[2]) }
        }
    }

    /// The fields of `scontrol show job -o ID` this runner reads.
    struct Details: Equatable {
        var state: String
        var exitCode: Int32?
        /// The signal that ended the batch script (`ExitCode=0:9`), nil for 0.
        var signal: Int32?
        var reason: String?
        var nodes: String?
    }

    /// Parses `JobId=5 JobName=x … JobState=FAILED Reason=NonZeroExitCode … ExitCode=3:0 …
    /// NodeList=node1 …` (one line; the first value of each key counts).
    static func parseDetails(_ text: String) -> Details? {
        var fields: [String: String] = [:]
        for token in text.split(whereSeparator: { $0 == " " || $0.isNewline }) {
            guard let eq = token.firstIndex(of: "=") else { continue }
            let key = String(token[..<eq])
            if fields[key] == nil { fields[key] = String(token[token.index(after: eq)...]) }
        }
        guard let state = fields["JobState"] else { return nil }
        var details = Details(state: normalized(state))
        if let code = fields["ExitCode"] {
            let parts = code.split(separator: ":")
            details.exitCode = parts.first.flatMap { Int32($0) }
            if parts.count > 1, let signal = Int32(parts[1]), signal != 0 { details.signal = signal }
        }
        details.reason = fields["Reason"].flatMap { $0 == "None" ? nil : $0 }
        details.nodes = fields["NodeList"].flatMap { $0 == "(null)" || $0.isEmpty ? nil : $0 }
        return details
    }

    /// Why a task whose job ended in `state` failed, or nil when it succeeded.
    /// `exitCode` is the stage's status (from the job's exit file or scontrol).
    static func failure(state: String, exitCode: Int32?, signal: Int32?, jobID: String, stage: String,
                        resources: StageResources, seconds: Double, interruptedBy: Int32?) -> String? {
        let job = "Slurm job \(jobID)"
        let after = "after \(format(seconds))"
        switch state {
        case "COMPLETED":
            if let exitCode, exitCode != 0 { return "exit \(exitCode) \(after) (\(job))" }
            return nil
        case "FAILED":
            if let signal { return "killed by signal \(signal) \(after) (\(job) FAILED)" }
            if let exitCode, exitCode != 0 { return "exit \(exitCode) \(after) (\(job) FAILED)" }
            return "\(job) FAILED \(after) without an exit status (see the task's log)"
        case "TIMEOUT":
            return "\(job) reached its time limit (TIMEOUT\(resources.time.map { ", time \($0)" } ?? ", the partition's default")) \(after); "
                + "raise resources.time of stage '\(stage)'"
        case "OUT_OF_MEMORY":
            return "\(job) ran out of memory (OUT_OF_MEMORY\(resources.mem.map { ", mem \($0)" } ?? ", the partition's default")) \(after); "
                + "raise resources.mem of stage '\(stage)'"
        case "NODE_FAIL":
            return "the node of \(job) failed (NODE_FAIL) \(after); --retries N resubmits tasks whose job failed"
        case "CANCELLED":
            if let interruptedBy { return "\(job) cancelled: floe run was interrupted by signal \(interruptedBy)" }
            return "\(job) was cancelled (CANCELLED) \(after), not by this floe run (scancel, an administrator or a limit)"
        case "PREEMPTED":
            return "\(job) was preempted (PREEMPTED) \(after); --retries N resubmits it"
        case "BOOT_FAIL":
            return "the node of \(job) failed to boot (BOOT_FAIL); --retries N resubmits it"
        case "DEADLINE":
            return "\(job) missed its deadline (DEADLINE) \(after)"
        default:
            return "\(job) ended in state \(state) \(after)"
        }
    }
}
