import FlowCore

/// Ticks of a UTC time axis: a step from a fixed ladder (1 min … 1 month), ticks on
/// multiples of the step, labels at the granularity of the step.
public struct TimeTicks: Sendable, Equatable {
    /// Step between ticks, milliseconds.
    public let step: Int64
    /// Tick instants (UTC milliseconds) inside the range.
    public let ticks: [Int64]

    static let minute: Int64 = 60_000
    static let hour: Int64 = 3_600_000
    static let day: Int64 = 86_400_000
    /// The ladder of steps, smallest first.
    public static let ladder: [Int64] = [
        minute, 2 * minute, 5 * minute, 10 * minute, 15 * minute, 30 * minute,
        hour, 2 * hour, 3 * hour, 6 * hour, 12 * hour,
        day, 2 * day, 7 * day, 14 * day, 28 * day, 91 * day, 364 * day,
    ]

    /// Ticks for `start...end` with at most `maxTicks` ticks.
    public static func make(start: Int64, end: Int64, maxTicks: Int) -> TimeTicks {
        let lo = min(start, end)
        let hi = max(start, end)
        let span = max(hi - lo, 1)
        let limit = max(maxTicks, 2)
        var step = ladder.last!
        for s in ladder where span / s + 1 <= Int64(limit) {
            step = s
            break
        }
        // Whole weeks start on Mondays: epoch day 0 was a Thursday, so offset by 4 days.
        let offset: Int64 = step >= 7 * day && step % (7 * day) == 0 ? 4 * day : 0
        var first = floorDiv(lo - offset, step) * step + offset
        if first < lo { first += step }
        var ticks: [Int64] = []
        var t = first
        while t <= hi && ticks.count <= limit {
            ticks.append(t)
            t += step
        }
        return TimeTicks(step: step, ticks: ticks)
    }

    /// Label of tick `index`: a first line (time or date) and, for sub-day steps, the
    /// date as a second line on the first tick and wherever the day changes.
    public func label(at index: Int) -> (String, String?) {
        let t = ticks[index]
        if step >= Self.day {
            return (UTCText.monthDay(t), index == 0 || year(t) != year(ticks[index - 1]) ? String(year(t)) : nil)
        }
        let newDay = index == 0 || CivilTime.day(ofMillis: t) != CivilTime.day(ofMillis: ticks[index - 1])
        return (UTCText.clock(t), newDay ? UTCText.monthDay(t) : nil)
    }

    func year(_ t: Int64) -> Int { CivilTime.civilFromDays(CivilTime.day(ofMillis: t)).year }

    static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
        a >= 0 ? a / b : -((-a + b - 1) / b)
    }
}
