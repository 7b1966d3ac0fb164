import FlowArtifacts

extension JSONValue {
    /// Compact one-line text: strings as they are, numbers without needless decimals,
    /// arrays and objects in JSON-like form with sorted keys.
    public var text: String {
        switch self {
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .number(let d):
            if d == d.rounded() && abs(d) < 1e15 { return String(Int64(d)) }
            return Units.trimmed(d, 6)
        case .string(let s): return s
        case .array(let a): return "[" + a.map(\.text).joined(separator: ", ") + "]"
        case .object(let o): return "{" + o.keys.sorted().map { "\($0): \(o[$0]!.text)" }.joined(separator: ", ") + "}"
        }
    }

    /// The flattened `key.sub = value` pairs of an object (sorted), for parameter tables.
    public func flattened(prefix: String = "") -> [(String, String)] {
        guard case .object(let o) = self else { return [(prefix, text)] }
        var out: [(String, String)] = []
        for key in o.keys.sorted() {
            let name = prefix.isEmpty ? key : prefix + "." + key
            if case .object = o[key]! { out += o[key]!.flattened(prefix: name) } else { out.append((name, o[key]!.text)) }
        }
        return out
    }
}
