import FlowCore
import FlowDataset
import FlowDetection
import FlowFeatures
import FlowIO
import Foundation

/// What each internal host usually does, learnt on the training window (`history.json` +
/// `history-pairs.f64`): the UTC hours it is active on at least `usualDays` training days,
/// and, for every host pair with an internal end, on how many training days it carried a
/// flow. Used to tell a host's normal big transfers (same peers, same hours) from new
/// behaviour (a new or rare peer, an unusual hour): the density model drops its normal
/// elephants, and the exfiltration detector looks only at new behaviour.
public struct HostHistory: Codable, Sendable {
    public var format = ModelFile.format
    public var version = ModelFile.version
    public var kind = HostHistoryKind.kindName
    public var trainingDays: Int
    /// A pair or hour is "usual" when seen on at least this many training days.
    public var usualDays: Int
    /// Internal host → 24-bit mask of its usual UTC hours.
    public var hostHours: [String: Int]
    /// Pairs (52-bit hash of "src>dst", days seen), sorted by hash.
    public var pairs: SidecarReference
    /// Distribution of log10(bytes) sent per internal → external pair and day.
    public var outboundCalibration: TailCalibration?
    var pairDays: [UInt64: Int] = [:]

    enum CodingKeys: String, CodingKey {
        case format, version, kind, pairs
        case trainingDays = "training_days"
        case usualDays = "usual_days"
        case hostHours = "host_hours"
        case outboundCalibration = "outbound_calibration"
    }

    /// Fewest training days for a history (one day cannot tell usual from new).
    public static let minimumDays = 3

    static func pairHash(_ a: String, _ b: String) -> UInt64 {
        XXH64.hash(Array((a + ">" + b).utf8)) & ((1 << 52) - 1)
    }

    /// Training days on which `a → b` carried a flow.
    public func days(_ a: String, _ b: String) -> Int { pairDays[Self.pairHash(a, b)] ?? 0 }

    /// Whether `host` is usually active at UTC `hour`.
    public func usualHour(_ host: String, _ hour: Int) -> Bool {
        guard let mask = hostHours[host] else { return false }
        return mask & (1 << hour) != 0
    }

    static func hour(_ millis: Int64) -> Int { Int(((millis % 86_400_000) + 86_400_000) % 86_400_000 / 3_600_000) }

    /// For each (host, window): true when its heaviest pair in the window (by bytes, either
    /// way) is one used on at least `usualDays` training days and the window's hour is
    /// usual for the pair's internal end — the host's normal behaviour.
    public func usualBehaviour(_ items: [(host: String, start: Int64, end: Int64)], table t: FlowTable) -> [Bool] {
        var idOf: [String: Int32] = [:]
        for (i, h) in t.hosts.enumerated() { idOf[h.description] = Int32(i) }
        var wanted: [Int32: [Int]] = [:]
        for (k, item) in items.enumerated() {
            if let id = idOf[item.host] { wanted[id, default: []].append(k) }
        }
        // Per item: peer → bytes.
        var peerBytes = [[Int32: UInt64]](repeating: [:], count: items.count)
        for i in 0..<t.count {
            for (me, peer) in [(t.source[i], t.destination[i]), (t.destination[i], t.source[i])] {
                guard let ks = wanted[me] else { continue }
                for k in ks where t.start[i] >= items[k].start && t.start[i] < items[k].end {
                    peerBytes[k][peer, default: 0] &+= t.bytes[i] &+ t.reverseBytes[i]
                }
            }
        }
        return items.indices.map { k in
            guard let me = idOf[items[k].host],
                  let top = peerBytes[k].max(by: { ($0.value, $1.key) < ($1.value, $0.key) })?.key else { return false }
            let a = t.hosts[Int(me)].description, b = t.hosts[Int(top)].description
            let pairUsual = max(days(a, b), days(b, a)) >= usualDays
            let inside = t.hostIsInternal[Int(me)] ? a : (t.hostIsInternal[Int(top)] ? b : a)
            return pairUsual && usualHour(inside, Self.hour(items[k].start))
        }
    }

    /// Builds the history of `t` (covering `days` UTC days).
    static func build(_ t: FlowTable, days: Int) -> (history: HostHistory, pairs: [(UInt64, Int)]) {
        let usual = days >= minimumDays ? 2 : 1
        var pairDaySet = Set<UInt64>()    // (pair index, day)
        var pairIndex: [UInt64: Int] = [:]
        var pairList: [(Int32, Int32)] = []
        var hourDays = Set<UInt64>()       // (host, day, hour)
        var outbound: [UInt64: UInt64] = [:] // (pair index, day) → bytes
        for i in 0..<t.count {
            let s = t.source[i], d = t.destination[i]
            guard t.hostIsInternal[Int(s)] || t.hostIsInternal[Int(d)] else { continue }
            let key = UInt64(UInt32(bitPattern: s)) << 32 | UInt64(UInt32(bitPattern: d))
            let p: Int
            if let known = pairIndex[key] { p = known } else { p = pairList.count; pairIndex[key] = p; pairList.append((s, d)) }
            let day = CivilTime.day(ofMillis: t.start[i])
            let dayKey = UInt64(p) << 24 | UInt64(UInt32(truncatingIfNeeded: day) & 0xFFFFFF)
            pairDaySet.insert(dayKey)
            let hour = UInt64(hour(t.start[i]))
            for h in [s, d] where t.hostIsInternal[Int(h)] {
                hourDays.insert(UInt64(UInt32(bitPattern: h)) << 32 | UInt64(UInt32(truncatingIfNeeded: day) & 0xFFFFFF) << 5 | hour)
            }
            if t.direction[i] == .outbound { outbound[dayKey, default: 0] &+= t.bytes[i] }
        }
        var counts = [Int](repeating: 0, count: pairList.count)
        for k in pairDaySet { counts[Int(k >> 24)] += 1 }
        var perHourDays: [UInt64: Int] = [:]  // (host, hour) → days
        for k in hourDays { perHourDays[(k >> 32) << 5 | (k & 31), default: 0] += 1 }
        var hostHours: [String: Int] = [:]
        for (k, n) in perHourDays.sorted(by: { $0.key < $1.key }) where n >= usual {
            let host = t.hosts[Int(Int32(bitPattern: UInt32(k >> 5)))].description
            hostHours[host, default: 0] |= 1 << Int(k & 31)
        }
        var hashed: [UInt64: Int] = [:]
        for (p, pair) in pairList.enumerated() {
            let h = pairHash(t.hosts[Int(pair.0)].description, t.hosts[Int(pair.1)].description)
            hashed[h] = max(hashed[h] ?? 0, counts[p])
        }
        let sortedPairs = hashed.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        let calibration = TailCalibration.fit(outbound.values.sorted().map { log10(Double(max($0, 1))) })
        var history = HostHistory(trainingDays: days, usualDays: usual, hostHours: hostHours,
                                  pairs: SidecarReference(file: HostHistoryKind.sidecarName, rows: 0, columns: 2,
                                                          fingerprint: Fingerprint(xxh64: 0)),
                                  outboundCalibration: calibration)
        history.pairDays = Dictionary(uniqueKeysWithValues: sortedPairs)
        return (history, sortedPairs)
    }

    /// Reads `history.json` and its sidecar.
    public static func read(folder: String) throws -> HostHistory {
        var h = try ModelFile.read(HostHistory.self, path: folder + "/" + HostHistoryKind.fileName, kind: HostHistoryKind.kindName)
        let values = try ModelFile.readSidecar(h.pairs, folder: folder)
        var map: [UInt64: Int] = [:]
        for r in 0..<h.pairs.rows { map[UInt64(values[2 * r])] = Int(values[2 * r + 1]) }
        h.pairDays = map
        return h
    }
}

/// Trains `HostHistory` (kind `history`) and, when scoring, detects **exfiltration**: an
/// internal host sending at least `scoring.exfiltration_min_bytes` in a day to one
/// external peer that is new or rare (a flow on fewer than `usual_days` training days), or
/// mostly at hours the host is not usually active. The p-value is that day's volume against
/// the training distribution of bytes per internal → external pair and day. A training
/// window of fewer than `HostHistory.minimumDays` days is skipped with one log line.
public struct HostHistoryKind: ModelKind {
    public static let kindName = "history"
    public var name: String { Self.kindName }
    public static let fileName = "history.json"
    public static let sidecarName = "history-pairs.f64"

    public init() {}

    public func train(_ context: TrainContext) throws -> ModelsIndex.Entry? {
        let days = context.data.dataset.days.count
        guard days >= HostHistory.minimumDays else {
            context.log("history: skipped: the training window has \(days) day(s); host history (usual peers and hours, exfiltration) needs at least \(HostHistory.minimumDays)")
            return nil
        }
        var (history, pairs) = HostHistory.build(try context.data.table(), days: days)
        history.pairs = try ModelFile.writeSidecar(pairs.flatMap { [Double($0.0), Double($0.1)] }, rows: pairs.count, columns: 2,
                                                   folder: context.outputFolder, name: Self.sidecarName)
        try ModelFile.write(history, to: context.outputFolder + "/" + Self.fileName)
        return ModelsIndex.Entry(kind: name, file: Self.fileName)
    }

    public func score(_ context: ScoreContext, entry: ModelsIndex.Entry) throws -> KindScores {
        guard let history = try context.hostHistory() else { return KindScores() }
        let t = try context.data.table()
        return KindScores(anomalies: Self.exfiltration(t, history: history, minimumBytes: context.config.scoring.exfiltrationMinimumBytes))
    }

    struct Transfer {
        var bytes: UInt64 = 0
        var first = Int64.max
        var last = Int64.min
        var unusualBytes: UInt64 = 0
        var portBytes: [Int32: UInt64] = [:]
        var flows = 0
    }

    static func exfiltration(_ t: FlowTable, history: HostHistory, minimumBytes: Double) -> [AnomalyRecord] {
        var transfers: [UInt64: Transfer] = [:]
        for i in 0..<t.count where t.direction[i] == .outbound {
            let key = UInt64(UInt32(bitPattern: t.source[i])) << 32 | UInt64(UInt32(bitPattern: t.destination[i]))
            var x = transfers[key] ?? Transfer()
            x.bytes &+= t.bytes[i]
            x.first = min(x.first, t.start[i])
            x.last = max(x.last, t.start[i] + t.duration[i])
            x.flows += 1
            if !history.usualHour(t.hosts[Int(t.source[i])].description, HostHistory.hour(t.start[i])) { x.unusualBytes &+= t.bytes[i] }
            x.portBytes[t.destinationPort[i], default: 0] &+= t.bytes[i]
            transfers[key] = x
        }
        var out: [AnomalyRecord] = []
        for (key, x) in transfers.sorted(by: { $0.key < $1.key }) where Double(x.bytes) >= minimumBytes {
            let src = t.hosts[Int(Int32(bitPattern: UInt32(key >> 32)))].description
            let dst = t.hosts[Int(Int32(bitPattern: UInt32(key & 0xFFFF_FFFF)))].description
            let days = history.days(src, dst)
            let rare = days < history.usualDays
            let unusualHours = Double(x.unusualBytes) >= 0.5 * Double(x.bytes)
            guard rare || unusualHours else { continue }
            let port = x.portBytes.max(by: { ($0.value, $1.key) < ($1.value, $0.key) })?.key ?? -1
            let hours = Double(x.last - x.first) / 3_600_000
            var why: [String] = []
            why.append(days == 0 ? "a peer it had not used in the \(history.trainingDays) training days"
                                 : "a peer it used on \(days) of the \(history.trainingDays) training days")
            if unusualHours { why.append("mostly at hours it is usually idle") }
            let peer = port >= 0 ? "\(dst):\(port)" : dst
            let summary = "\(src) sent \(Plain.bytes(Double(x.bytes))) to \(peer) in \(Plain.duration(millis: x.last - x.first)) (\(Plain.clock(x.first))–\(Plain.clock(x.last)) UTC), \(why.joined(separator: ", "))"
            let l = history.outboundCalibration?.log10PValue(log10(Double(x.bytes))) ?? -3
            out.append(AnomalyRecord(
                kind: "exfiltration", entity: src + " -> " + dst, start: x.first, end: x.last, score: Double(x.bytes),
                evidence: "\(Plain.bytes(Double(x.bytes))) in \(Plain.count(x.flows)) flows over \(formatValue(hours)) h; peer seen on \(days) of \(history.trainingDays) training days; \(formatValue(100 * Double(x.unusualBytes) / Double(max(x.bytes, 1))))% of the bytes at unusual hours",
                log10P: l, hosts: [src, dst], ports: port >= 0 ? [Int(port)] : [], summary: summary))
        }
        return out
    }
}
