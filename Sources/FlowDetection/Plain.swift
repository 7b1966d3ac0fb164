import Foundation

/// Plain-English numbers for summaries: grouped digits, units, no scientific notation.
public enum Plain {
    public static func count(_ n: Int) -> String { formatValue(Double(n)) }

    public static func count(_ n: Int, _ singular: String, _ plural: String? = nil) -> String {
        "\(count(n)) \(n == 1 ? singular : (plural ?? singular + "s"))"
    }

    public static func bytes(_ v: Double) -> String {
        let units = ["bytes", "kB", "MB", "GB", "TB", "PB"]
        var x = v, u = 0
        while abs(x) >= 1000 && u < units.count - 1 { x /= 1000; u += 1 }
        return u == 0 ? "\(formatValue(x.rounded())) bytes" : String(format: "%.1f %@", x, units[u])
    }

    public static func duration(millis: Int64) -> String {
        let minutes = Double(millis) / 60_000
        if minutes < 1 { return count(Int((Double(millis) / 1000).rounded()), "second") }
        if minutes < 120 { return count(Int(minutes.rounded()), "minute") }
        if minutes < 48 * 60 { return count(Int((minutes / 60).rounded()), "hour") }
        return count(Int((minutes / 1440).rounded()), "day")
    }

    /// `HH:MM` of a UTC instant.
    public static func clock(_ millis: Int64) -> String {
        let m = ((millis % 86_400_000) + 86_400_000) % 86_400_000 / 60_000
        return String(format: "%02d:%02d", Int(m / 60), Int(m % 60))
    }

    /// `12×` / `2.5×`.
    public static func times(_ v: Double) -> String {
        v >= 10 ? "\(formatValue(v.rounded()))×" : String(format: "%.1f×", v)
    }
}

/// A value for evidence text: integers with thousands separators, others rounded to at
/// most three significant digits in plain notation (never scientific: "0.00012" is "< 0.001").
package func formatValue(_ v: Double) -> String {
    guard v.isFinite else { return "\(v)" }
    if abs(v) >= 100 || (abs(v - v.rounded()) < 1e-9 && abs(v) < 1e15) {
        guard abs(v) < 1e15 else { return v > 0 ? "more than 10¹⁵" : "less than −10¹⁵" }
        let digits = String(Int64(abs(v.rounded())))
        var out = ""
        for (i, ch) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(ch)
        }
        return (v < 0 && v.rounded() != 0 ? "-" : "") + out
    }
    if abs(v) < 0.001 { return v == 0 ? "0" : (v > 0 ? "< 0.001" : "> −0.001") }
    let decimals = abs(v) >= 10 ? 1 : (abs(v) >= 1 ? 2 : 3)
    var text = String(format: "%.\(decimals)f", v)
    while text.hasSuffix("0") { text.removeLast() }
    if text.hasSuffix(".") { text.removeLast() }
    return text
}
