import FlowCore
import FlowDataset
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
    public var kind = HostHistory.kindName
    /// The model kind name in the file header (`history`).
    public static let kindName = "history"
    /// The model file (`history.json`) and its pair sidecar (`history-pairs.f64`).
    public static let fileName = "history.json"
    public static let sidecarName = "history-pairs.f64"
    public var trainingDays: Int
    /// A pair or hour is "usual" when seen on at least this many training days.
    public var usualDays: Int
    /// Internal host → 24-bit mask of its usual UTC hours.
    public var hostHours: [String: Int]
    /// Pairs (52-bit hash of "src>dst", days seen), sorted by hash.
    public var pairs: SidecarReference
    /// Distribution of log10(bytes) sent per internal → external pair and day.
    public var outboundCalibration: TailCalibration?
    /// Mean distinct clients of the training window's rare service-days (a host–port
    /// served on fewer than `usualDays` days); nil in histories written before served
    /// ports were learnt (`new_service` is then not detected). The served ports themselves
    /// are in the pair map under (host, "port/N") (`NewServiceDetector`).
    public var newServiceClientRate: Double?
    package var pairDays: [UInt64: Int] = [:]

    package enum CodingKeys: String, CodingKey {
        case format, version, kind, pairs
        case trainingDays = "training_days"
        case usualDays = "usual_days"
        case hostHours = "host_hours"
        case outboundCalibration = "outbound_calibration"
        case newServiceClientRate = "new_service_client_rate"
    }

    /// Fewest training days for a history (one day cannot tell usual from new).
    public static let minimumDays = 3

    package static func pairHash(_ a: String, _ b: String) -> UInt64 {
        XXH64.hash(Array((a + ">" + b).utf8)) & ((1 << 52) - 1)
    }

    /// Training days on which `a → b` carried a flow.
    public func days(_ a: String, _ b: String) -> Int { pairDays[Self.pairHash(a, b)] ?? 0 }

    /// Whether `host` is usually active at UTC `hour`.
    public func usualHour(_ host: String, _ hour: Int) -> Bool {
        guard let mask = hostHours[host] else { return false }
        return mask & (1 << hour) != 0
    }

    package static func hour(_ millis: Int64) -> Int { Int(((millis % 86_400_000) + 86_400_000) % 86_400_000 / 3_600_000) }

    /// For each (host, window): true when its heaviest pair in the window (by bytes, either
    /// way) is one used on at least `usualDays` training days and the window's hour is
    /// usual for the pair's internal end — the host's normal behaviour.
    public func usualBehaviour(_ items: [(host: String, start: Int64, end: Int64)], table t: borrowing FlowTable) -> [Bool] {
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

    /// Builds the history of `t` (covering `days` UTC days). The pair-days, host-hour-days
    /// and outbound volumes are gathered a UTC day at a time (`WindowSegments`), so their
    /// working sets are sized by one day; a table whose days are not in runs is read in
    /// one pass, with the same result. `runs` overrides the split (tests).
    package static func build(_ t: borrowing FlowTable, days: Int, runs: [Range<Int>]? = nil) -> (history: HostHistory, pairs: [(UInt64, Int)]) {
        build(days: days) { body in
            for run in runs ?? WindowSegments.split(t.start, blockMillis: CivilTime.millisPerDay) { body(t, run) }
            return (t.hosts, t.hostIsInternal)
        }
    }

    /// One pass over the training flows: calls its argument with runs of rows that each
    /// hold whole UTC days (a day's table, or a run of the whole table), host ids shared
    /// by all runs, and returns every host and whether it is internal.
    package typealias RunPass = ((FlowTable, Range<Int>) -> Void) throws -> (hosts: [IPAddress], hostIsInternal: [Bool])

    /// Builds the history from two passes over the training flows (`forEachRun`, called
    /// twice: the host and pair statistics and the UDP pairs, then the service-days, which
    /// need every UDP pair of the range), so the flows of the whole range need not be held
    /// at once.
    package static func build(days: Int, forEachRun: RunPass) rethrows -> (history: HostHistory, pairs: [(UInt64, Int)]) {
        let usual = days >= minimumDays ? 2 : 1
        var pairIndex: [UInt64: Int] = [:]
        var pairList: [(Int32, Int32)] = []
        var counts: [Int] = []                 // pair index → days seen
        var perHourDays: [UInt64: Int] = [:]  // (host, hour) → days
        var outboundBytes: [UInt64] = []       // per (pair, day) with outbound flows
        var answered = Set<UInt64>()
        let (hosts, hostIsInternal) = try forEachRun { t, run in
            NewServiceDetector.addUDPPairs(t, rows: run, to: &answered)
            var pairDaySet = Set<UInt64>()    // (pair index, day)
            var hourDays = Set<UInt64>()       // (host, day, hour)
            var outbound: [UInt64: UInt64] = [:] // (pair index, day) → bytes
            for i in run {
                let s = t.source[i], d = t.destination[i]
                guard t.hostIsInternal[Int(s)] || t.hostIsInternal[Int(d)] else { continue }
                let key = UInt64(UInt32(bitPattern: s)) << 32 | UInt64(UInt32(bitPattern: d))
                let p: Int
                if let known = pairIndex[key] { p = known } else { p = pairList.count; pairIndex[key] = p; pairList.append((s, d)); counts.append(0) }
                let day = CivilTime.day(ofMillis: t.start[i])
                let dayKey = UInt64(p) << 24 | UInt64(UInt32(truncatingIfNeeded: day) & 0xFFFFFF)
                pairDaySet.insert(dayKey)
                let hour = UInt64(hour(t.start[i]))
                for h in [s, d] where t.hostIsInternal[Int(h)] {
                    hourDays.insert(UInt64(UInt32(bitPattern: h)) << 32 | UInt64(UInt32(truncatingIfNeeded: day) & 0xFFFFFF) << 5 | hour)
                }
                if t.direction[i] == .outbound { outbound[dayKey, default: 0] &+= t.bytes[i] }
            }
            for k in pairDaySet { counts[Int(k >> 24)] += 1 }
            for k in hourDays { perHourDays[(k >> 32) << 5 | (k & 31), default: 0] += 1 }
            outboundBytes += outbound.values
        }
        pairIndex = [:]
        var hostHours: [String: Int] = [:]
        for (k, n) in perHourDays.sorted(by: { $0.key < $1.key }) where n >= usual {
            let host = hosts[Int(Int32(bitPattern: UInt32(k >> 5)))].description
            hostHours[host, default: 0] |= 1 << Int(k & 31)
        }
        var hashed: [UInt64: Int] = [:]
        for (p, pair) in pairList.enumerated() {
            let h = pairHash(hosts[Int(pair.0)].description, hosts[Int(pair.1)].description)
            hashed[h] = max(hashed[h] ?? 0, counts[p])
        }
        pairList = []
        let anyInternal = hostIsInternal.contains(true)
        var serviceDays: [(served: NewServiceDetector.ServedPort, clients: Int)] = []
        _ = try forEachRun { t, run in
            for e in NewServiceDetector.serviceDays(t, rows: run, answered: answered, anyInternal: anyInternal).values {
                serviceDays.append((.init(host: e.host, port: e.port), e.service.clients.count))
            }
        }
        answered = []
        let services = NewServiceDetector.train(serviceDays: serviceDays, hosts: hosts, usualDays: usual)
        for s in services.served {
            let (a, b) = NewServiceDetector.servedKey(s.host, s.port)
            let h = pairHash(a, b)
            hashed[h] = max(hashed[h] ?? 0, s.days)
        }
        let sortedPairs = hashed.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        let calibration = TailCalibration.fit(outboundBytes.sorted().map { log10(Double(max($0, 1))) })
        var history = HostHistory(trainingDays: days, usualDays: usual, hostHours: hostHours,
                                  pairs: SidecarReference(file: HostHistory.sidecarName, rows: 0, columns: 2,
                                                          fingerprint: Fingerprint(xxh64: 0)),
                                  outboundCalibration: calibration)
        history.pairDays = Dictionary(uniqueKeysWithValues: sortedPairs)
        history.newServiceClientRate = services.rareClients
        return (history, sortedPairs)
    }

    /// Reads `history.json` and its sidecar.
    public static func read(folder: String) throws -> HostHistory {
        var h = try ModelFile.read(HostHistory.self, path: folder + "/" + HostHistory.fileName, kind: HostHistory.kindName)
        let values = try ModelFile.readSidecar(h.pairs, folder: folder)
        var map: [UInt64: Int] = [:]
        for r in 0..<h.pairs.rows { map[UInt64(values[2 * r])] = Int(values[2 * r + 1]) }
        h.pairDays = map
        return h
    }
}
