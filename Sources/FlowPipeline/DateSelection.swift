import FlowCore
import Foundation

/// The days a run covers: a single `--date`, or `--from … --to` inclusive. Words
/// `today` and `yesterday` are UTC days.
public struct DateSelection: Sendable, Equatable {
    /// Every day, ascending, as `YYYY-MM-DD`.
    public let days: [String]
    public var from: String { days.first! }
    public var to: String { days.last! }

    /// Largest range accepted (about 100 years), to catch typos like `--to 20240-01-01`.
    public static let maximumDays = 36_600

    /// Parses the command-line values; nil when no date was given.
    public static func resolve(date: String?, from: String?, to: String?, now: Date = Date()) throws -> DateSelection? {
        switch (date, from, to) {
        case (nil, nil, nil):
            return nil
        case (let date?, nil, nil):
            let day = try parse(date, option: "--date", now: now)
            return DateSelection(days: [CivilTime.dateString(day: day)])
        case (nil, let from?, let to?):
            let first = try parse(from, option: "--from", now: now)
            let last = try parse(to, option: "--to", now: now)
            guard first <= last else { throw PipelineError.usage("--from \(from) is after --to \(to); give the earlier day first") }
            guard last - first < Int64(maximumDays) else { throw PipelineError.usage("--from \(from) --to \(to) spans more than \(maximumDays) days") }
            return DateSelection(days: (first...last).map { CivilTime.dateString(day: $0) })
        case (_?, _, _):
            throw PipelineError.usage("give either --date or --from and --to, not both")
        default:
            throw PipelineError.usage("--from and --to go together; give both (inclusive days)")
        }
    }

    static func parse(_ text: String, option: String, now: Date) throws -> Int64 {
        let today = Int64((now.timeIntervalSince1970 * 1000).rounded(.down)) / CivilTime.millisPerDay
        switch text {
        case "today": return today
        case "yesterday": return today - 1
        default:
            guard let day = CivilTime.parseDate(text) else {
                throw PipelineError.usage("\(option) '\(text)' is not a day (expected YYYY-MM-DD, today or yesterday; days are UTC)")
            }
            return day
        }
    }
}
