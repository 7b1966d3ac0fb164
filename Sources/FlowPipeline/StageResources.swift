/// What a stage asks of a cluster scheduler (`resources:` and `sbatch_args:` of a stage).
/// The local executor ignores them; the Slurm executor turns them into `sbatch` options.
/// Not part of a task's fingerprint: they change where and how a stage runs, not what it
/// writes.
public struct StageResources: Sendable, Equatable {
    /// CPUs per task (`--cpus-per-task`).
    public var cpus: Int?
    /// Memory per node in Slurm's notation: `4G`, `500M`, `2048` (megabytes) (`--mem`).
    public var mem: String?
    /// Wall-clock limit in Slurm's notation: `30`, `2:00:00`, `1-12:00:00` (`--time`).
    public var time: String?
    public var partition: String?
    public var account: String?
    /// Free `sbatch` options, verbatim (`--gres=gpu:1`, `--qos=long`).
    public var sbatchArgs: [String] = []

    public init() {}

    /// Keys of `resources:`.
    static let keys = ["cpus", "mem", "time", "partition", "account"]

    /// `sbatch` options that floe sets itself; a stage's `sbatch_args` may not change them.
    static let reservedOptions: [(long: String, short: String?)] = [
        ("--parsable", nil), ("--job-name", "-J"), ("--output", "-o"), ("--error", "-e"),
        ("--chdir", "-D"), ("--export", nil), ("--comment", nil), ("--array", "-a"),
        ("--dependency", "-d"), ("--open-mode", nil), ("--wrap", nil), ("--input", "-i"),
        ("--cpus-per-task", "-c"), ("--mem", nil), ("--time", "-t"), ("--partition", "-p"), ("--account", "-A"),
    ]

    /// The `sbatch` options for these resources, in a fixed order.
    public var sbatchOptions: [String] {
        var options: [String] = []
        if let cpus { options.append("--cpus-per-task=\(cpus)") }
        if let mem { options.append("--mem=\(mem)") }
        if let time { options.append("--time=\(time)") }
        if let partition { options.append("--partition=\(partition)") }
        if let account { options.append("--account=\(account)") }
        return options + sbatchArgs
    }

    /// Why `text` is not a valid value for `key`, or nil when it is.
    static func problem(key: String, value text: String) -> String? {
        switch key {
        case "cpus":
            guard let n = Int(text), n >= 1, n <= 100_000 else { return "must be a whole number of CPUs from 1, not '\(text)'" }
        case "mem":
            guard isMemory(text) else { return "must be a size such as 4G, 500M or 2048 (megabytes), not '\(text)'" }
        case "time":
            guard isDuration(text) else {
                return "must be a Slurm time limit: minutes, MM:SS, HH:MM:SS, D-HH, D-HH:MM or D-HH:MM:SS (e.g. 2:00:00), not '\(text)'"
            }
        case "partition", "account":
            guard !text.isEmpty, text.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "_-.,".contains($0)) }) else {
                return "must be a name of letters, digits, '_', '-', '.' (several partitions separated by ','), not '\(text)'"
            }
        default:
            return nil
        }
        return nil
    }

    /// Why an `sbatch_args` item is refused, or nil.
    static func problem(sbatchArg arg: String) -> String? {
        guard arg.hasPrefix("-"), arg.count > 1 else {
            return "'\(arg)' is not an sbatch option (expected an option such as --qos=long or --gres=gpu:1)"
        }
        let name = String(arg.split(separator: "=", maxSplits: 1)[0])
        for option in reservedOptions where option.long == name || option.short.map({ name == $0 || (name.hasPrefix($0) && !name.hasPrefix("--")) }) == true {
            let key = ["--cpus-per-task": "cpus", "--mem": "mem", "--time": "time", "--partition": "partition", "--account": "account"][option.long]
            return "'\(arg)' is set by floe" + (key.map { " from resources.\($0); write it there" } ?? "; remove it")
        }
        if arg.contains(" ") && !arg.contains("=") {
            return "'\(arg)' holds a space; write one option per item, with '=' before its value (--qos=long)"
        }
        return nil
    }

    /// `2048`, `500M`, `4G`, `1T`, `100K`: digits and an optional unit.
    static func isMemory(_ text: String) -> Bool {
        var digits = Substring(text)
        if let last = digits.last, "KMGTkmgt".contains(last) { digits = digits.dropLast() }
        return !digits.isEmpty && digits.allSatisfy(\.isASCII) && digits.allSatisfy(\.isNumber) && Int(digits).map { $0 > 0 } == true
    }

    /// Slurm's time formats (sbatch(1), `--time`), or `UNLIMITED`/`INFINITE`.
    static func isDuration(_ text: String) -> Bool {
        if ["UNLIMITED", "INFINITE", "unlimited", "infinite"].contains(text) { return true }
        func numbers(_ s: Substring, count: ClosedRange<Int>) -> Bool {
            let parts = s.split(separator: ":", omittingEmptySubsequences: false)
            return count.contains(parts.count) && parts.allSatisfy { !$0.isEmpty && $0.count <= 5 && $0.allSatisfy { $0.isASCII && $0.isNumber } }
        }
        let dayParts = text.split(separator: "-", omittingEmptySubsequences: false)
        switch dayParts.count {
        case 1: return numbers(dayParts[0], count: 1...3)
        case 2: return numbers(dayParts[0], count: 1...1) && numbers(dayParts[1], count: 1...3)
        default: return false
        }
    }
}
