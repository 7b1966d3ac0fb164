/// Numbers as people read them in messages and reports: locale-independent and
/// deterministic (no Foundation formatters).
public enum NumberText {
    /// `4812` → `4,812`; negative numbers keep their sign.
    public static func thousands<T: BinaryInteger>(_ value: T) -> String {
        let negative = value < 0
        let digits = negative ? String(Int64(value).magnitude) : String(UInt64(value))
        var out = ""
        for (i, ch) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out += "," }
            out.append(ch)
        }
        return negative ? "-" + out : out
    }
}
