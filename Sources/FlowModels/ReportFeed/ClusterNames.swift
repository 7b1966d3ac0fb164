/// Short names for clusters from their centres: the two features farthest from the
/// typical row (largest |scaled value|), each as a phrase for "high" or "low".
enum ClusterNames {
    /// Phrases for a high and a low value of known features.
    static let phrases: [String: (high: String, low: String)] = [
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

    /// Name of a centre given in scaled units (0 = the training centre of the scaler).
    static func name(scaledCentre: [Double], features: [String]) -> String {
        let order = scaledCentre.indices.filter { scaledCentre[$0].isFinite }
            .sorted { abs(scaledCentre[$0]) != abs(scaledCentre[$1]) ? abs(scaledCentre[$0]) > abs(scaledCentre[$1]) : $0 < $1 }
        var words: [String] = []
        for j in order.prefix(2) where abs(scaledCentre[j]) >= 0.5 {
            let high = scaledCentre[j] > 0
            let phrase = phrases[features[j]].map { high ? $0.high : $0.low }
                ?? (high ? "high " : "low ") + features[j].replacingOccurrences(of: "_", with: " ")
            if !words.contains(phrase) { words.append(phrase) }
        }
        return words.isEmpty ? "typical" : words.joined(separator: ", ")
    }

    /// Makes names unique by appending the cluster id to repeated ones.
    static func unique(_ names: [String]) -> [String] {
        var seen: [String: Int] = [:]
        for n in names { seen[n, default: 0] += 1 }
        return names.enumerated().map { seen[$0.element]! > 1 ? "\($0.element) (\($0.offset))" : $0.element }
    }
}
