/// Short names for clusters from their centres: the features that set a centre apart
/// from the other centres, each as a phrase for "high" or "low".
enum ClusterNames {
    /// Phrases for a high and a low value of known features.
    static let wording: [String: (high: String, low: String)] = [
        "flows": ("busy", "quiet"),
        "distinct_peers": ("many peers", "few peers"),
        "distinct_dst_ports": ("many ports", "few ports"),
        "bytes_out_in_log_ratio": ("bulk uploads", "downloads"),
        "failed_tcp_share": ("failed connections", "clean handshakes"),
        "mean_flow_bytes": ("large flows", "tiny flows"),
        "fan_in": ("servers", "few callers"),
        "fan_out": ("wide fan-out", "clients"),
        "active_minutes": ("always on", "brief"),
        "bytes": ("large flows", "tiny flows"),
        "packets": ("many packets", "few packets"),
        "duration_ms": ("long flows", "short flows"),
        "bytes_per_packet": ("full packets", "small packets"),
    ]

    /// Names for all centres (scaled units): each feature is measured against the other
    /// centres (distance from their mean in their standard deviations), so a name says
    /// what sets the cluster apart; the two most distinctive features name it, a third
    /// is added when that name is already taken.
    static func names(scaledCentres centres: [[Double]], features: [String]) -> [String] {
        let d = features.count, k = centres.count
        guard k > 0 else { return [] }
        var relative = [[Double]](repeating: [Double](repeating: 0, count: d), count: k)
        for j in 0..<d {
            let column = centres.map { j < $0.count && $0[j].isFinite ? $0[j] : 0 }
            let mean = column.reduce(0, +) / Double(k)
            let sd = (column.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(k)).squareRoot()
            for c in 0..<k { relative[c][j] = sd > 1e-9 ? (column[c] - mean) / sd : 0 }
        }
        var taken = Set<String>()
        return relative.map { r in
            let words = phrases(r, features: features, threshold: 0.75)
            var name = words.prefix(2).joined(separator: ", ")
            if name.isEmpty { name = "typical" }
            if taken.contains(name) && words.count > 2 { name = words.prefix(3).joined(separator: ", ") }
            taken.insert(name)
            return name
        }
    }

    /// Phrases of the features whose |value| is at least `threshold`, most extreme first.
    static func phrases(_ values: [Double], features: [String], threshold: Double) -> [String] {
        let order = values.indices.filter { values[$0].isFinite && abs(values[$0]) >= threshold }
            .sorted { abs(values[$0]) != abs(values[$1]) ? abs(values[$0]) > abs(values[$1]) : $0 < $1 }
        var words: [String] = []
        for j in order {
            let high = values[j] > 0
            let phrase = wording[features[j]].map { high ? $0.high : $0.low }
                ?? (high ? "high " : "low ") + features[j].replacingOccurrences(of: "_", with: " ")
            if !words.contains(phrase) { words.append(phrase) }
        }
        return words
    }

    /// Makes names unique by appending the cluster id to repeated ones.
    static func unique(_ names: [String]) -> [String] {
        var seen: [String: Int] = [:]
        for n in names { seen[n, default: 0] += 1 }
        return names.enumerated().map { seen[$0.element]! > 1 ? "\($0.element) (\($0.offset))" : $0.element }
    }
}
