import Foundation
import FlowCore

/// The seasonal part of a long-season series (1440 one-minute buckets a day, 10080 a
/// week), removed before ARIMA models the remainder — SARIMA with s = 1440 is
/// impractical (a 1440-state Kalman filter). Two kinds, chosen by measured error on
/// generated data (docs/timeseries.md):
///
/// - `profile`: for every slot of the day (bucket of the day), the median of the
///   training values of that slot ± `smoothing` slots, separately for each day of the
///   week when the training window has every weekday at least three times (≥ 21 days), else
///   for weekdays and weekends (Saturday, Sunday UTC). Medians ignore anomalies inside
///   the training window.
/// - `fourier`: least squares on daily (`dailyHarmonics`) and weekly (`weeklyHarmonics`)
///   sine/cosine pairs plus an intercept, refitted once without points more than 4
///   robust standard deviations off.
/// - `constant`: the training median (for short or non-seasonal series, e.g. hourly).
public struct SeasonalBaseline: Sendable, Equatable, Codable {
    public enum Kind: String, Sendable, Codable { case profile, fourier, constant }

    public var kind: Kind
    public var bucketMillis: Int64
    /// profile: `dayTypes` blocks of slots (7: Monday … Sunday; 2: weekday, weekend); fourier: intercept, then daily
    /// (cos, sin) pairs, then weekly pairs; constant: the level.
    public var coefficients: [Double]
    public var dailyHarmonics: Int
    public var weeklyHarmonics: Int
    /// Profile blocks: 7 (day of week) or 2 (weekday/weekend).
    public var dayTypes: Int = 2

    enum CodingKeys: String, CodingKey {
        case kind, coefficients
        case bucketMillis = "bucket_ms"
        case dailyHarmonics = "daily_harmonics"
        case weeklyHarmonics = "weekly_harmonics"
        case dayTypes = "day_types"
    }

    static let dayMillis: Int64 = 86_400_000
    static let weekMillis: Int64 = 7 * 86_400_000

    var slotsPerDay: Int { Int(Self.dayMillis / bucketMillis) }

    /// The baseline at bucket start `t` (UTC ms).
    public func value(at t: Int64) -> Double {
        switch kind {
        case .constant:
            return coefficients.first ?? 0
        case .profile:
            let day = CivilTime.day(ofMillis: t)
            let slot = Int((t - day * Self.dayMillis) / bucketMillis)
            let index = Self.dayType(day: day, types: dayTypes) * slotsPerDay + min(max(slot, 0), slotsPerDay - 1)
            return coefficients[index]
        case .fourier:
            var v = coefficients[0]
            var k = 1
            Self.forEachHarmonic(t, daily: dailyHarmonics, weekly: weeklyHarmonics) { c, s in
                v += coefficients[k] * c + coefficients[k + 1] * s
                k += 2
            }
            return v
        }
    }

    /// Saturday or Sunday (1970-01-01 was a Thursday).
    /// Block of a day: weekday 0 = Monday … 6 = Sunday, or 0 weekday / 1 weekend.
    static func dayType(day: Int64, types: Int) -> Int {
        let weekday = Int(((day % 7) + 7 + 3) % 7)
        return types == 7 ? weekday : (weekday >= 5 ? 1 : 0)
    }

    static func isWeekend(day: Int64) -> Bool {
        let weekday = Int(((day % 7) + 7 + 3) % 7)  // 0 = Monday
        return weekday >= 5
    }

    @inline(__always)
    static func forEachHarmonic(_ t: Int64, daily: Int, weekly: Int, _ body: (Double, Double) -> Void) {
        let dayPhase = 2 * Double.pi * Double(((t % dayMillis) + dayMillis) % dayMillis) / Double(dayMillis)
        let weekPhase = 2 * Double.pi * Double(((t % weekMillis) + weekMillis) % weekMillis) / Double(weekMillis)
        if daily > 0 { for k in 1...daily { body(cos(Double(k) * dayPhase), sin(Double(k) * dayPhase)) } }
        if weekly > 0 { for k in 1...weekly { body(cos(Double(k) * weekPhase), sin(Double(k) * weekPhase)) } }
    }

    // MARK: Fitting

    /// Fits a baseline to `values` (NaN = missing) on the grid from `startMillis`.
    public static func fit(_ kind: Kind, values: [Double], startMillis: Int64, bucketMillis: Int64,
                           smoothing: Int = 10, dailyHarmonics: Int = 12, weeklyHarmonics: Int = 14,
                           trimmedMean: Bool = false) -> SeasonalBaseline {
        let finite = values.filter { $0.isFinite }
        let level = median(finite)
        var base = SeasonalBaseline(kind: .constant, bucketMillis: bucketMillis, coefficients: [level.isNaN ? 0 : level],
                                    dailyHarmonics: 0, weeklyHarmonics: 0)
        switch kind {
        case .constant:
            return base
        case .profile:
            guard dayMillis % bucketMillis == 0 else { return base }
            let slots = Int(dayMillis / bucketMillis)
            // Day-of-week blocks when each weekday has at least three days of data (with
            // two, one anomalous night would be half of its slot medians).
            var daysSeen = [Set<Int64>](repeating: [], count: 7)
            for (i, v) in values.enumerated() where v.isFinite {
                let day = CivilTime.day(ofMillis: startMillis + Int64(i) * bucketMillis)
                daysSeen[dayType(day: day, types: 7)].insert(day)
            }
            let types = daysSeen.allSatisfy { $0.count >= 3 } ? 7 : 2
            var pools = [[Double]](repeating: [], count: types * slots)
            for (i, v) in values.enumerated() where v.isFinite {
                let t = startMillis + Int64(i) * bucketMillis
                let day = CivilTime.day(ofMillis: t)
                let slot = Int((t - day * dayMillis) / bucketMillis)
                pools[dayType(day: day, types: types) * slots + slot].append(v)
            }
            var coefficients = [Double](repeating: level, count: types * slots)
            var window: [Double] = []
            for type in 0..<types {
                for slot in 0..<slots {
                    window.removeAll(keepingCapacity: true)
                    for off in -smoothing...smoothing {
                        let s = ((slot + off) % slots + slots) % slots
                        window.append(contentsOf: pools[type * slots + s])
                    }
                    if !window.isEmpty { coefficients[type * slots + slot] = trimmedMean ? upperTrimmedMean(window, 0.05) : median(window) }
                }
                // A day type never seen in training (e.g. no weekend yet) takes the other's.
            }
            if types == 2 && pools[slots..<(2 * slots)].allSatisfy({ $0.isEmpty }) {
                for slot in 0..<slots { coefficients[slots + slot] = coefficients[slot] }
            }
            if types == 2 && pools[0..<slots].allSatisfy({ $0.isEmpty }) {
                for slot in 0..<slots { coefficients[slot] = coefficients[slots + slot] }
            }
            base.kind = .profile
            base.dayTypes = types
            base.coefficients = coefficients
            return base
        case .fourier:
            let columns = 1 + 2 * (dailyHarmonics + weeklyHarmonics)
            var keep = values.map { $0.isFinite }
            var coefficients = [Double](repeating: 0, count: columns)
            for round in 0..<2 {
                guard let c = leastSquares(values: values, keep: keep, startMillis: startMillis, bucketMillis: bucketMillis,
                                           daily: dailyHarmonics, weekly: weeklyHarmonics) else { return base }
                coefficients = c
                if round == 1 { break }
                let fitted = SeasonalBaseline(kind: .fourier, bucketMillis: bucketMillis, coefficients: c,
                                              dailyHarmonics: dailyHarmonics, weeklyHarmonics: weeklyHarmonics)
                var residuals: [Double] = []
                for (i, v) in values.enumerated() where v.isFinite {
                    residuals.append(v - fitted.value(at: startMillis + Int64(i) * bucketMillis))
                }
                let scale = 1.4826 * median(residuals.map(abs))
                guard scale > 0 else { break }
                for (i, v) in values.enumerated() where v.isFinite {
                    if abs(v - fitted.value(at: startMillis + Int64(i) * bucketMillis)) > 4 * scale { keep[i] = false }
                }
            }
            return SeasonalBaseline(kind: .fourier, bucketMillis: bucketMillis, coefficients: coefficients,
                                    dailyHarmonics: dailyHarmonics, weeklyHarmonics: weeklyHarmonics)
        }
    }

    /// Normal equations solved by Cholesky (a small ridge keeps them positive definite).
    static func leastSquares(values: [Double], keep: [Bool], startMillis: Int64, bucketMillis: Int64,
                             daily: Int, weekly: Int) -> [Double]? {
        let k = 1 + 2 * (daily + weekly)
        var xtx = [Double](repeating: 0, count: k * k)
        var xty = [Double](repeating: 0, count: k)
        var row = [Double](repeating: 0, count: k)
        var n = 0
        for (i, v) in values.enumerated() where keep[i] {
            row[0] = 1
            var j = 1
            forEachHarmonic(startMillis + Int64(i) * bucketMillis, daily: daily, weekly: weekly) { c, s in
                row[j] = c
                row[j + 1] = s
                j += 2
            }
            for a in 0..<k {
                xty[a] += row[a] * v
                for b in a..<k { xtx[a * k + b] += row[a] * row[b] }
            }
            n += 1
        }
        guard n > k else { return nil }
        for a in 0..<k { for b in 0..<a { xtx[a * k + b] = xtx[b * k + a] }; xtx[a * k + a] += 1e-9 * Double(n) }
        return Cholesky.solve(xtx, xty, n: k)
    }
}

enum Cholesky {
    static func solve(_ a: [Double], _ b: [Double], n: Int) -> [Double]? {
        var l = [Double](repeating: 0, count: n * n)
        for i in 0..<n {
            for j in 0...i {
                var s = a[i * n + j]
                for k in 0..<j { s -= l[i * n + k] * l[j * n + k] }
                if i == j {
                    guard s > 0 else { return nil }
                    l[i * n + i] = s.squareRoot()
                } else {
                    l[i * n + j] = s / l[j * n + j]
                }
            }
        }
        var y = [Double](repeating: 0, count: n)
        for i in 0..<n {
            var s = b[i]
            for k in 0..<i { s -= l[i * n + k] * y[k] }
            y[i] = s / l[i * n + i]
        }
        var x = [Double](repeating: 0, count: n)
        for i in stride(from: n - 1, through: 0, by: -1) {
            var s = y[i]
            for k in (i + 1)..<n { s -= l[k * n + i] * x[k] }
            x[i] = s / l[i * n + i]
        }
        return x
    }
}
