/// A linear axis with "nice" ticks: steps of 1, 2 or 5 times a power of ten (of the
/// axis unit, e.g. MiB for bytes), and bounds that are whole multiples of the step.
public struct NiceScale: Sendable, Equatable {
    /// Lower and upper bound of the axis (multiples of `step`).
    public let lower: Double
    public let upper: Double
    /// Distance between ticks.
    public let step: Double
    /// Tick values from `lower` to `upper` inclusive.
    public let ticks: [Double]

    /// The scale for data in `min...max` with at most `maxTicks` intervals. `unit` is the
    /// size of the axis unit in data units (1 for counts, a power of 1024 for bytes) so
    /// bytes tick at 1-2-5 steps of KiB/MiB/GiB. `includeZero` extends the range to 0.
    /// Empty or non-finite input gives 0…1; a single value gets a range around it.
    public static func make(min: Double, max: Double, maxTicks: Int = 5, unit: Double = 1, includeZero: Bool = true) -> NiceScale {
        var lo = min.isFinite ? min : 0
        var hi = max.isFinite ? max : 0
        if lo > hi { swap(&lo, &hi) }
        if includeZero { lo = Swift.min(lo, 0); hi = Swift.max(hi, 0) }
        let u = unit > 0 && unit.isFinite ? unit : 1
        lo /= u
        hi /= u
        if hi == lo {
            if hi == 0 { hi = 1 } else if includeZero { if hi > 0 { lo = 0 } else { hi = 0 } } else {
                let pad = abs(hi) * 0.1
                lo -= pad
                hi += pad
            }
        }
        let intervals = Double(Swift.max(maxTicks, 1))
        var step = niceStep((hi - lo) / intervals)
        var lower = (lo / step).rounded(.down) * step
        var upper = (hi / step).rounded(.up) * step
        // Rounding the bounds outwards can need one more interval than asked for.
        while ((upper - lower) / step).rounded() > intervals {
            step = niceStep(step * 1.000_001)
            lower = (lo / step).rounded(.down) * step
            upper = (hi / step).rounded(.up) * step
        }
        let count = Int(((upper - lower) / step).rounded())
        var ticks: [Double] = []
        for i in 0...count { ticks.append(clean((lower + Double(i) * step) * u)) }
        return NiceScale(lower: clean(lower * u), upper: clean(upper * u), step: clean(step * u), ticks: ticks)
    }

    /// The smallest step of 1, 2 or 5 × 10^k that is ≥ `raw` (1 when `raw` is not positive).
    public static func niceStep(_ raw: Double) -> Double {
        guard raw > 0, raw.isFinite else { return 1 }
        var magnitude = 1.0
        while magnitude > raw { magnitude /= 10 }
        while magnitude * 10 <= raw { magnitude *= 10 }
        for m in [1.0, 2.0, 5.0, 10.0] where m * magnitude >= raw * (1 - 1e-12) {
            return m * magnitude
        }
        return 10 * magnitude
    }

    /// Maps `value` linearly onto `from…to` (pixels; `to` may be smaller than `from`).
    public func map(_ value: Double, from: Double, to: Double) -> Double {
        let span = upper - lower
        guard span > 0 else { return from }
        return from + (value - lower) / span * (to - from)
    }

    /// Removes binary noise such as 0.30000000000000004 (12 significant digits kept).
    static func clean(_ v: Double) -> Double {
        guard v != 0, v.isFinite else { return v }
        var p = 1.0
        let a = abs(v)
        while a * p < 1e11 { p *= 10 }
        while a * p >= 1e12 { p /= 10 }
        return (v * p).rounded() / p
    }

    init(lower: Double, upper: Double, step: Double, ticks: [Double]) {
        self.lower = lower
        self.upper = upper
        self.step = step
        self.ticks = ticks
    }
}

/// How values on an axis are printed.
public enum ValueFormat: Sendable, Equatable {
    /// Bytes in IEC units.
    case bytes
    /// Counts with k/M/G suffixes.
    case count
    /// Plain decimals (e.g. PCA components).
    case decimal

    /// The axis unit for `NiceScale.make(unit:)`: a power of 1024 for bytes.
    public func unit(forMax value: Double) -> Double {
        guard self == .bytes else { return 1 }
        var u = 1.0
        while value / u >= 1024 && u < 1024 * 1024 * 1024 * 1024 { u *= 1024 }
        return u
    }

    /// Short tick label.
    public func axisLabel(_ v: Double) -> String {
        switch self {
        case .bytes: return Units.bytesAxis(v)
        case .count: return Units.compact(v)
        case .decimal: return Units.trimmed(v, abs(v) < 10 ? 2 : 1)
        }
    }

    /// Full value text (tooltips, bar ends).
    public func valueText(_ v: Double) -> String {
        switch self {
        case .bytes: return Units.bytes(v)
        case .count: return v == v.rounded() && abs(v) < 1e15 ? Units.thousands(Int64(v)) : Units.fixed(v, 2)
        case .decimal: return Units.fixed(v, 3)
        }
    }
}
