/// A file or folder name derived from a path: the path's last component with every
/// character outside `A–Z a–z 0–9 . - _` replaced by `_` and leading dots dropped (never
/// hidden, never `..`), then `-` and the leading hex digits of the XXH64 of `key`, so
/// that different paths with the same last component get different names.
public enum DerivedFileName {
    /// `stem(of:)` + "-" + `hexDigits` hex digits of XXH64(`key`).
    public static func make(path: String, key: String, hexDigits: Int) -> String {
        let hash = XXH64.hash(Array(key.utf8)) >> UInt64(64 - 4 * hexDigits)
        let hex = String(hash, radix: 16)
        return stem(of: path) + "-" + String(repeating: "0", count: hexDigits - hex.count) + hex
    }

    /// The path's last component made safe ("input" when nothing is left).
    public static func stem(of path: String) -> String {
        let base = path.split(separator: "/").last.map(String.init) ?? "input"
        let safe = String(base.unicodeScalars.map { c -> Character in
            let ok = (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || (c >= "0" && c <= "9") || c == "." || c == "-" || c == "_"
            return ok ? Character(c) : "_"
        }).drop { $0 == "." }.description
        return safe.isEmpty ? "input" : safe
    }
}
