import FlowCore

/// Which days of the dataset a stage reads: an inclusive range with either end open
/// (`--from`/`--to`), or a list of days (`--date`).
public struct DaySelection: Sendable, Equatable {
    /// First day (inclusive), nil for the dataset's first.
    public var from: Int64?
    /// Last day (inclusive), nil for the dataset's last.
    public var to: Int64?
    /// When set, only these days (and still within `from`…`to`).
    public var days: Set<Int64>?

    /// Every day of the dataset.
    public static let all = DaySelection()

    public init(from: Int64? = nil, to: Int64? = nil) {
        self.from = from
        self.to = to
    }

    /// Exactly the days `days`.
    public init(days: some Sequence<Int64>) {
        self.days = Set(days)
    }

    /// One day.
    public static func day(_ day: Int64) -> DaySelection { DaySelection(from: day, to: day) }

    /// Whether `day` is selected.
    public func contains(_ day: Int64) -> Bool {
        if let from, day < from { return false }
        if let to, day > to { return false }
        if let days, !days.contains(day) { return false }
        return true
    }
}

extension DaySelection {
    /// A `--from`/`--to`/`--date` value that is not a usable day; `description` is the
    /// message the commands print.
    public struct OptionError: Error, CustomStringConvertible, Equatable {
        public let description: String
    }

    /// The day of a `YYYY-MM-DD` option value, or an error naming the option.
    public static func day(option: String, _ text: String) throws -> Int64 {
        guard let day = CivilTime.parseDate(text) else { throw OptionError(description: "\(option) \(text): expected YYYY-MM-DD.") }
        return day
    }

    /// The range of the `--from` and `--to` options (either may be absent).
    public static func range(from: String?, to: String?) throws -> DaySelection {
        let first = try from.map { try day(option: "--from", $0) }
        let last = try to.map { try day(option: "--to", $0) }
        if let first, let last, first > last, let from, let to {
            throw OptionError(description: "--from \(from) is after --to \(to).")
        }
        return DaySelection(from: first, to: last)
    }
}
