/// Any JSON value, for the parts of manifests the report shows without interpreting
/// (parameters, configuration, export-loss entries). Objects keep sorted keys.
public indirect enum JSONValue: Decodable, Sendable, Equatable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null }
        else if let b = try? c.decode(Bool.self) { self = .bool(b) }
        else if let i = try? c.decode(Int64.self) { self = .number(Double(i)) }
        else if let d = try? c.decode(Double.self) { self = .number(d) }
        else if let s = try? c.decode(String.self) { self = .string(s) }
        else if let a = try? c.decode([JSONValue].self) { self = .array(a) }
        else { self = .object(try c.decode([String: JSONValue].self)) }
    }

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
