import Foundation

/// Traffic intensity by minute: a diurnal curve (office-hours peaks at about 10:30 and
/// 15:00 UTC with a lunch dip, a small evening bump, a night trough near 10 % of the
/// peak) times a weekly factor (Saturday 0.35, Sunday 0.30) times a little per-minute
/// noise. Rows are spread over minutes in proportion to it, exactly and deterministically.
enum Seasonality {
    /// Relative intensity of a minute of the day (0..<1440), weekday scale.
    static func diurnal(minuteOfDay: Int) -> Double {
        let h = Double(minuteOfDay) / 60.0
        func bump(_ center: Double, _ width: Double) -> Double {
            let z = (h - center) / width
            return exp(-z * z)
        }
        return 0.10 + 1.0 * bump(10.5, 2.0) + 0.9 * bump(15.0, 2.2) + 0.25 * bump(20.5, 2.0)
    }

    /// Weekly factor of a UTC day number (1970-01-01 was a Thursday).
    static func weekly(day: Int64) -> Double {
        let weekday = Int(((day % 7) + 7 + 3) % 7)  // 0 = Monday … 6 = Sunday
        switch weekday {
        case 5: return 0.35
        case 6: return 0.30
        default: return 1.0
        }
    }

    /// Row counts per minute for `minutes` minutes from day `startDay`, summing exactly to
    /// `total`. Minutes where `isGap` holds get none. The split uses floors of the
    /// cumulative share, so every count is within one of its exact share.
    static func minuteCounts(total: Int, startDay: Int64, minutes: Int, seed: UInt64,
                             isGap: (Int) -> Bool) -> [Int] {
        var rng = Xoshiro256(seed: seed, stream: 0x5EA5)
        var weights = [Double](repeating: 0, count: minutes)
        var dayCurve = [Double](repeating: 0, count: 1440)
        for m in 0..<1440 { dayCurve[m] = diurnal(minuteOfDay: m) }
        var sum = 0.0
        for m in 0..<minutes {
            let noise = 0.9 + 0.2 * rng.unit()
            if isGap(m) { continue }
            let w = dayCurve[m % 1440] * weekly(day: startDay + Int64(m / 1440)) * noise
            weights[m] = w
            sum += w
        }
        var counts = [Int](repeating: 0, count: minutes)
        guard sum > 0, total > 0, minutes > 0 else { return counts }
        var cumulative = 0.0
        var assigned = 0
        for m in 0..<minutes {
            cumulative += weights[m]
            let target = m == minutes - 1 ? total : min(total, Int((Double(total) * (cumulative / sum)).rounded(.down)))
            let c = max(0, target - assigned)
            counts[m] = c
            assigned += c
        }
        // Rounding cannot leave rows over, but if the last minute is a gap give its rows
        // to the last minute that is not.
        if counts[minutes - 1] > 0 && isGap(minutes - 1) {
            let extra = counts[minutes - 1]
            counts[minutes - 1] = 0
            var m = minutes - 2
            while m >= 0 && isGap(m) { m -= 1 }
            if m >= 0 { counts[m] += extra }
        }
        return counts
    }
}
