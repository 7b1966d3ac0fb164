import FlowCore
import FlowFeatures
import Foundation

/// Brute force (password guessing): one source making many short, small TCP connections to
/// one login service port (`ports`: SSH, Telnet, FTP, SMB, RDP, VNC, databases) on one or a
/// few hosts within one window. An attempt is a flow the client sent (`sentByClient`) to
/// such a port carrying at most `attemptBytes` both ways and lasting at most
/// `attemptMillis` — a failed login, or a connection refused outright. Reported when a
/// source makes at least `minimumAttempts` attempts on one port in a window, at least
/// `attemptsPerHost` per target host on average (one try on each of many hosts is a sweep,
/// the scan detector's case), and at least `usualFactor` × its own usual attempts.
///
/// Statistic: ln((1 + attempts) / (1 + usual)), where `usual` is the source's own median
/// attempts on that port over its training windows (learnt from at least three of them,
/// else 0): a monitoring probe or a jump host that always does this is measured against
/// itself. p-value: that statistic against its distribution over every training
/// (source, port, window) with an attempt (`PeerTail`: trained, else the same day's cells).
public enum BruteForceDetector {
    /// Login service ports: FTP, SSH, Telnet, SMB, MS SQL, MySQL, RDP, PostgreSQL, VNC,
    /// SSH on 2222. Mail ports are not listed: mail clients poll them all day.
    public static let ports: Set<Int32> = [21, 22, 23, 445, 1433, 2222, 3306, 3389, 5432, 5900]
    public static let attemptBytes: UInt64 = 20_000
    public static let attemptMillis: Int64 = 60_000
    public static let minimumAttempts = 20
    public static let attemptsPerHost = 5
    /// A source is reported only above this multiple of its own usual attempts.
    public static let usualFactor = 3.0

    /// One (source, port, window) cell of attempts.
    package struct Cell {
        var attempts = 0
        var failed = 0
        var bytes: UInt64 = 0
        var hosts: [Int32: Int] = [:]
        var first = Int64.max
        var last = Int64.min
    }

    package static func cellKey(_ source: Int32, _ port: Int32, _ window: Int64) -> UInt64 {
        UInt64(UInt32(bitPattern: source)) << 32 | UInt64(UInt32(port & 0xFFFF)) << 16 | UInt64(UInt16(truncatingIfNeeded: window))
    }

    /// Whether row `i` is a login attempt.
    package static func isAttempt(_ t: borrowing FlowTable, _ i: Int) -> Bool {
        t.proto[i] == 6 && ports.contains(t.destinationPort[i]) && t.sentByClient(i)
            && t.bytes[i] &+ t.reverseBytes[i] <= attemptBytes && t.duration[i] <= attemptMillis
    }

    package static func cells(_ t: borrowing FlowTable, rows: Range<Int>? = nil, windowMillis: Int64) -> [UInt64: (source: Int32, port: Int32, window: Int64, cell: Cell)] {
        var out: [UInt64: (source: Int32, port: Int32, window: Int64, cell: Cell)] = [:]
        for i in rows ?? 0..<t.count where isAttempt(t, i) {
            let w = FloodDetector.windowOf(t.start[i], windowMillis)
            let key = cellKey(t.source[i], t.destinationPort[i], w)
            var entry = out[key] ?? (t.source[i], t.destinationPort[i], w, Cell())
            entry.cell.attempts += 1
            if t.isFailedTCP(i) { entry.cell.failed += 1 }
            entry.cell.bytes &+= t.bytes[i] &+ t.reverseBytes[i]
            entry.cell.hosts[t.destination[i], default: 0] += 1
            entry.cell.first = min(entry.cell.first, t.start[i])
            entry.cell.last = max(entry.cell.last, t.start[i] + max(1, t.duration[i]))
            out[key] = entry
        }
        return out
    }

    package static func usualKey(_ source: String, _ port: Int32) -> String { source + " " + String(port) }

    package static func statistic(_ attempts: Int, usual: Double) -> Double { log((1 + Double(attempts)) / (1 + usual)) }

    /// Training: each source's usual attempts per port and window (from at least
    /// `minimumWindows` of its windows) and the distribution of the statistic.
    public static func train(_ t: borrowing FlowTable, windowMillis: Int64, minimumWindows: Int) -> (usual: [String: Double], calibration: TailCalibration?) {
        train(attempts: trainingAttempts(t, rows: 0..<t.count, windowMillis: windowMillis), hosts: t.hosts, minimumWindows: minimumWindows)
    }

    /// Per (source, port, window) cell of `rows` of `t`: its attempts (what training keeps
    /// of a cell). Rows must hold whole windows.
    package static func trainingAttempts(_ t: borrowing FlowTable, rows: Range<Int>, windowMillis: Int64) -> [(source: Int32, port: Int32, attempts: Int)] {
        cells(t, rows: rows, windowMillis: windowMillis).values.map { ($0.source, $0.port, $0.cell.attempts) }
    }

    /// Training from the cells' attempts (`trainingAttempts`, one entry per cell, in any
    /// order), with `hosts` naming the host ids.
    package static func train(attempts all: [(source: Int32, port: Int32, attempts: Int)], hosts: [IPAddress],
                              minimumWindows: Int) -> (usual: [String: Double], calibration: TailCalibration?) {
        var perSource: [String: [Double]] = [:]
        for e in all { perSource[usualKey(hosts[Int(e.source)].description, e.port), default: []].append(Double(e.attempts)) }
        var usual: [String: Double] = [:]
        for (k, v) in perSource where v.count >= minimumWindows { usual[k] = FittedScaler.quantile(v.sorted(), 0.5) }
        let values = all.map { statistic($0.attempts, usual: usual[usualKey(hosts[Int($0.source)].description, $0.port)] ?? 0) }
        return (usual, TailCalibration.fit(values))
    }

    public static func detect(_ t: borrowing FlowTable, windowMillis: Int64, usual: [String: Double],
                              calibration: TailCalibration?) -> [AnomalyRecord] {
        let all = cells(t, windowMillis: windowMillis)
        func usualOf(_ e: (source: Int32, port: Int32, window: Int64, cell: Cell)) -> Double {
            usual[usualKey(t.hosts[Int(e.source)].description, e.port)] ?? 0
        }
        let tail = PeerTail(trained: calibration, scale: .ln, sameDay: all.values.map { statistic($0.cell.attempts, usual: usualOf($0)) })
        var out: [AnomalyRecord] = []
        for (_, e) in all.sorted(by: { $0.key < $1.key }) {
            let c = e.cell
            let u = usualOf(e)
            guard c.attempts >= minimumAttempts, c.attempts >= attemptsPerHost * c.hosts.count,
                  Double(c.attempts) >= usualFactor * u else { continue }
            let source = t.hosts[Int(e.source)].description
            let targets = c.hosts.sorted { ($1.value, $0.key) < ($0.value, $1.key) }.map { t.hosts[Int($0.key)].description }
            let span = max(c.last - c.first, 1_000)
            let perMinute = Double(c.attempts) / (Double(span) / 60_000)
            let on = targets.count == 1 ? "\(targets[0]):\(e.port)" : "port \(e.port) of \(Plain.count(targets.count, "host"))"
            let usualText = u > 0 ? "; usually \(formatValue(u.rounded())) per \(Plain.duration(millis: windowMillis))" : ""
            let refused = c.failed > 0 ? ", \(Plain.count(c.failed)) refused or unanswered" : ""
            let summary = "\(source) made \(Plain.count(c.attempts)) short connections to \(on) in \(Plain.duration(millis: span)) (\(perMinute >= 10 ? formatValue(perMinute.rounded()) : String(format: "%.1f", perMinute)) a minute, \(Plain.bytes(Double(c.bytes) / Double(c.attempts))) each\(refused))\(usualText): password guessing?"
            let evidence = "\(formatValue(Double(c.attempts))) connections of at most \(Plain.bytes(Double(attemptBytes))) to port \(e.port) on \(targets.count) host(s), \(formatValue(Double(c.failed))) refused or unanswered; usual \(formatValue(u)) per window"
            out.append(AnomalyRecord(kind: "brute_force", entity: source, start: c.first, end: c.last,
                                     score: Double(c.attempts), evidence: evidence,
                                     log10P: tail.log10PValue(statistic(c.attempts, usual: u)),
                                     hosts: [source] + targets.prefix(200), ports: [Int(e.port)], summary: summary))
        }
        return out
    }
}
