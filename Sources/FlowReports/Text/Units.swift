import FlowCore

/// Human-readable numbers: thousands separators, IEC byte units, rates, percentages.
/// Locale-independent and deterministic (no Foundation formatters).
public enum Units {
    /// `4812` → `4,812`; negative numbers keep their sign.
    public static func thousands<T: BinaryInteger>(_ value: T) -> String { NumberText.thousands(value) }

    /// `value` with exactly `decimals` digits after the point (round half away from zero).
    public static func fixed(_ value: Double, _ decimals: Int) -> String {
        guard value.isFinite else { return value.isNaN ? "–" : (value > 0 ? "∞" : "-∞") }
        var scale = 1.0
        for _ in 0..<max(decimals, 0) { scale *= 10 }
        let scaled = (abs(value) * scale).rounded(.toNearestOrAwayFromZero)
        guard scaled < 9.0e18 else { return String(value) }
        let whole = UInt64(scaled)
        let factor = UInt64(scale)
        let intPart = whole / factor
        var text = thousands(intPart)
        if decimals > 0 {
            let frac = String(whole % factor)
            text += "." + String(repeating: "0", count: decimals - frac.count) + frac
        }
        return (value < 0 && scaled != 0 ? "-" : "") + text
    }

    /// Plain decimal for machine use (SVG coordinates, data-sort keys): no separators.
    public static func plain(_ value: Double, _ decimals: Int = 2) -> String {
        fixed(value, decimals).replacingOccurrences(of: ",", with: "")
    }

    /// Bytes in IEC units: `512 B`, `1.5 KiB`, `23.4 MiB`, `1.02 GiB`.
    public static func bytes(_ value: Double) -> String {
        scaled(value, base: 1024, units: ["B", "KiB", "MiB", "GiB", "TiB", "PiB"])
    }

    public static func bytes<T: BinaryInteger>(_ value: T) -> String { bytes(Double(value)) }

    /// Bytes per second: `1.5 MiB/s`.
    public static func byteRate(_ bytesPerSecond: Double) -> String { bytes(bytesPerSecond) + "/s" }

    /// A count per second with SI prefixes: `12.3 k/s`.
    public static func rate(_ perSecond: Double, unit: String) -> String {
        compact(perSecond) + " " + unit + "/s"
    }

    /// A count with SI prefixes for axis labels: `950`, `12.5k`, `3.2M`, `1.1G`.
    public static func compact(_ value: Double) -> String {
        let a = abs(value)
        if a < 1000 { return trimmed(value, a < 10 && a != a.rounded() ? 2 : (a != a.rounded() ? 1 : 0)) }
        let units = ["k", "M", "G", "T", "P"]
        var v = value / 1000
        var i = 0
        while abs(v) >= 1000 && i < units.count - 1 { v /= 1000; i += 1 }
        return trimmed(v, abs(v) < 10 ? 2 : (abs(v) < 100 ? 1 : 0)) + units[i]
    }

    /// Short byte label for axes: `0`, `512 B`, `1.5 KiB` with trailing zeros trimmed.
    public static func bytesAxis(_ value: Double) -> String {
        if value == 0 { return "0" }
        return scaled(value, base: 1024, units: ["B", "KiB", "MiB", "GiB", "TiB", "PiB"], trim: true)
    }

    /// `part / whole` as a percentage with one decimal: `12.5%`; `–` when whole is 0.
    public static func percent(_ part: Double, of whole: Double) -> String {
        guard whole > 0 else { return "–" }
        let p = part / whole * 100
        if p > 0 && p < 0.1 { return "<0.1%" }
        return fixed(p, 1) + "%"
    }

    static func scaled(_ value: Double, base: Double, units: [String], trim: Bool = false) -> String {
        var v = value
        var i = 0
        while abs(v) >= base && i < units.count - 1 { v /= base; i += 1 }
        if i == 0 { return fixed(v, v == v.rounded() ? 0 : 1) + " " + units[0] }
        let decimals = abs(v) < 10 ? 2 : (abs(v) < 100 ? 1 : 0)
        return (trim ? trimmed(v, decimals) : fixed(v, decimals)) + " " + units[i]
    }

    static func trimmed(_ value: Double, _ decimals: Int) -> String {
        var s = fixed(value, decimals)
        if s.contains(".") {
            while s.hasSuffix("0") { s.removeLast() }
            if s.hasSuffix(".") { s.removeLast() }
        }
        return s
    }
}
