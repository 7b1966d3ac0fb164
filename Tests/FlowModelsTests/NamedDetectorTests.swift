import FlowCore
import Foundation
import Testing
@testable import FlowDetection
@testable import FlowFeatures
@testable import FlowModels

/// Exfiltration without history, brute force and new services: a planted positive is found
/// with a high severity; benign look-alikes are not.
@Suite struct NamedDetectorTests {
    let day: Int64 = 86_400_000, hour: Int64 = 3_600_000, minute: Int64 = 60_000

    /// A day of background traffic as a unidirectional exporter shows it: 40 clients'
    /// small requests to a web server and its answers (4 MB downloads, from port 8080 to the
    /// clients' ephemeral ports — 800 MB to one client over the day).
    func background(_ b: inout TableBuilder, t0: Int64) {
        for c in 0..<40 {
            let client = "127.0.1.\(c + 1)"
            let n = c == 0 ? 200 : 3
            for k in 0..<n {
                let s = t0 + hour + Int64(k) * minute + Int64(c) * 1_000
                b.add(client, "127.0.0.10", port: 8080, start: s, bytes: 300 + UInt64(c), reverse: 0, srcPort: 40_000 + Int32(k))
                b.add("127.0.0.10", client, port: 40_000 + Int32(k), start: s + 5, bytes: 4_000_000, reverse: 0, srcPort: 8080)
            }
        }
    }

    @Test func anUploadToAPeerNewThatDayIsExfiltrationWithoutHistory() throws {
        let t0 = 20 * day
        var b = TableBuilder()
        background(&b, t0: t0)
        // The upload: 127.0.0.40 → 127.0.0.30:9000, 400 MiB in eight flows from 14:00.
        for k in 0..<8 {
            b.add("127.0.0.40", "127.0.0.30", port: 9000, start: t0 + 14 * hour + Int64(k) * minute, bytes: 52_428_800,
                  reverse: 0, duration: 59_000, srcPort: 45_000)
            b.add("127.0.0.30", "127.0.0.40", port: 45_000, start: t0 + 14 * hour + Int64(k) * minute, bytes: 900_000,
                  reverse: 0, duration: 59_000, srcPort: 9000)
        }
        let found = ExfiltrationDetector.detect(b.t, novelty: .sameDay, minimumBytes: 100_000_000)
        #expect(found.map(\.entity) == ["127.0.0.40 -> 127.0.0.30"], "\(found.map(\.entity))")
        let row = try #require(found.first)
        #expect(row.severity >= 90, "severity \(row.severity)")
        #expect(row.hosts.first == "127.0.0.40" && row.ports == [9000])
        #expect(row.summary == "127.0.0.40 sent 419.4 MB to 127.0.0.30:9000 in 8 minutes (14:00–14:07 UTC), a peer it had not contacted earlier that day (no host history to compare with)", "\(row.summary)")
        // Known peers that day are not exfiltration: 127.0.0.41 has used its backup peer
        // all day (small syncs from 01:00) before sending it 400 MiB, and 127.0.0.40 had
        // contacted 127.0.0.30 at 02:00 before the same upload. (The background's 800 MB
        // of downloads to 127.0.1.1 are answers, not uploads, in both tables.)
        var c = TableBuilder()
        background(&c, t0: t0)
        for k in 0..<12 { c.add("127.0.0.41", "127.0.0.31", port: 873, start: t0 + Int64(1 + k) * hour, bytes: 20_000, srcPort: 50_000) }
        for k in 0..<8 {
            c.add("127.0.0.41", "127.0.0.31", port: 873, start: t0 + 15 * hour + Int64(k) * minute, bytes: 52_428_800,
                  reverse: 0, duration: 59_000, srcPort: 50_001)
        }
        c.add("127.0.0.40", "127.0.0.30", port: 9000, start: t0 + 2 * hour, bytes: 2_000, srcPort: 44_000)
        for k in 0..<8 {
            c.add("127.0.0.40", "127.0.0.30", port: 9000, start: t0 + 14 * hour + Int64(k) * minute, bytes: 52_428_800,
                  reverse: 0, duration: 59_000, srcPort: 45_000)
        }
        #expect(ExfiltrationDetector.detect(c.t, novelty: .sameDay, minimumBytes: 100_000_000).isEmpty)
    }

    /// Training: 60 sources each try SSH once or twice an hour (logins); a monitor checks
    /// 10.0.0.22:22 every 2 minutes (30 short connections an hour), every hour.
    func sshTraining() -> FlowTable {
        var b = TableBuilder()
        var rng = SeededRandom(seed: 5)
        for w in 0..<24 {
            for k in 0..<60 where rng.unit() < 0.5 {
                let n = 1 + Int(rng.unit() * 2)
                for j in 0..<n {
                    b.add("198.51.100.\(k + 1)", "10.0.0.22", port: 22, start: Int64(w) * hour + Int64(k * 30 + j) * 1_000, bytes: 3_000, reverse: 4_000, duration: 4_000, srcPort: 40_000 + Int32(j))
                }
            }
            for k in 0..<30 { b.add("10.0.0.5", "10.0.0.22", port: 22, start: Int64(w) * hour + Int64(k) * 2 * minute, bytes: 800, reverse: 1_200, duration: 300, srcPort: 50_000) }
        }
        return b.t
    }

    @Test func passwordGuessingIsBruteForceAMonitorOrCopiesAreNot() throws {
        let trained = BruteForceDetector.train(sshTraining(), windowMillis: hour, minimumWindows: 3)
        #expect(trained.usual["10.0.0.5 22"] == 30)
        let calibration = try #require(trained.calibration)
        let t0 = 3 * day
        var b = TableBuilder()
        // The attack: 203.0.113.50 tries 400 logins on 10.0.0.22:22 in 10 minutes.
        for k in 0..<400 { b.add("203.0.113.50", "10.0.0.22", port: 22, start: t0 + 10 * hour + Int64(k) * 1_500, bytes: 2_500, reverse: 3_200, duration: 2_000, srcPort: 30_000 + Int32(k)) }
        // Look-alikes: the monitor as usual; an admin copying 40 files over SSH (big flows);
        // a sweep of port 22, one try on each of 100 hosts; a user with 6 logins.
        for k in 0..<30 { b.add("10.0.0.5", "10.0.0.22", port: 22, start: t0 + 10 * hour + Int64(k) * 2 * minute, bytes: 800, reverse: 1_200, duration: 300, srcPort: 50_000) }
        for k in 0..<40 { b.add("10.0.0.7", "10.0.0.22", port: 22, start: t0 + 11 * hour + Int64(k) * 30_000, bytes: 5_000_000, reverse: 40_000, duration: 20_000, srcPort: 51_000 + Int32(k)) }
        for k in 0..<100 { b.add("203.0.113.77", "10.0.1.\(k + 1)", port: 22, start: t0 + 12 * hour + Int64(k) * 100, flags: 0x02, bytes: 60, reverse: 0, duration: 1, srcPort: 33_000) }
        for k in 0..<6 { b.add("10.0.0.8", "10.0.0.22", port: 22, start: t0 + 13 * hour + Int64(k) * minute, bytes: 3_000, reverse: 4_000, duration: 3_000, srcPort: 52_000 + Int32(k)) }
        let found = BruteForceDetector.detect(b.t, windowMillis: hour, usual: trained.usual, calibration: calibration)
        #expect(found.map(\.entity) == ["203.0.113.50"], "\(found.map(\.entity))")
        let row = try #require(found.first)
        #expect(row.kind == "brute_force" && row.ports == [22] && row.hosts.prefix(2) == ["203.0.113.50", "10.0.0.22"])
        // 400 attempts against a usual one or two lie far beyond every training cell: the
        // most this calibration (~750 cells) can say, one decade below 1/(n + 1).
        #expect(row.log10P == calibration.floorLog10P, "log10 p \(row.log10P), floor \(calibration.floorLog10P)")
        #expect(row.severity >= 60, "severity \(row.severity)")
        #expect(row.summary.hasPrefix("203.0.113.50 made 400 short connections to 10.0.0.22:22 in 10 minutes (40 a minute, 5.7 kB each)"), "\(row.summary)")
        // Grouped, it is a brute_force incident led by the source.
        let incidents = IncidentGrouping.group(found).incidents
        #expect(incidents.map(\.kind) == [.bruteForce] && incidents.first?.hosts.first == "203.0.113.50")
    }

    /// Four training days: 10.0.0.80 serves 443 to a dozen clients every day.
    func serviceHistory() -> HostHistory {
        var b = TableBuilder()
        for d in 0..<4 {
            for c in 0..<12 { b.add("10.0.5.\(c + 1)", "10.0.0.80", port: 443, start: Int64(d) * day + 9 * hour + Int64(c) * minute, srcPort: 41_000) }
        }
        return HostHistory.build(b.t, days: 4).history
    }

    @Test func aPortAHostNeverServedIsANewServiceUsualOrRefusedOnesAreNot() throws {
        let h = serviceHistory()
        #expect(h.newServiceClientRate == 1)
        let t0 = 10 * day
        var b = TableBuilder()
        // Usual: 443 again. New: 4444 accepted from 12 clients. Look-alikes: 8081 accepted
        // from only two clients; 10.0.0.81:8081 refusing 12 clients (RST); the server's
        // answers to the clients' ephemeral ports.
        for c in 0..<12 {
            b.add("10.0.5.\(c + 1)", "10.0.0.80", port: 443, start: t0 + 9 * hour + Int64(c) * minute, srcPort: 41_000)
            b.add("10.0.6.\(c + 1)", "10.0.0.80", port: 4444, start: t0 + 15 * hour + Int64(c) * minute, srcPort: 42_000)
            b.add("10.0.0.80", "10.0.6.\(c + 1)", port: 42_000, start: t0 + 15 * hour + Int64(c) * minute, srcPort: 4444)
            b.add("10.0.7.\(c + 1)", "10.0.0.81", port: 8081, start: t0 + 16 * hour + Int64(c) * minute, flags: 0x04, reverse: 0, srcPort: 43_000)
        }
        for c in 0..<2 { b.add("10.0.8.\(c + 1)", "10.0.0.80", port: 8081, start: t0 + 17 * hour, srcPort: 44_000) }
        let found = NewServiceDetector.detect(b.t, history: h)
        #expect(found.map { "\($0.entity):\($0.ports)" } == ["10.0.0.80:[4444]"], "\(found.map(\.entity))")
        let row = try #require(found.first)
        #expect(row.severity >= 90, "severity \(row.severity)")
        #expect(row.summary == "10.0.0.80 accepted 12 connections on port 4444 from 12 clients between 15:00 and 15:11 UTC, a port it did not serve in the 4 training days", "\(row.summary)")
        #expect(IncidentGrouping.group(found).incidents.map(\.kind) == [.newService])
        // Trained on a window that holds the scored day (the new service is then one rare
        // service-day of the training itself), the service is still rare and severe.
        var withDay = TableBuilder()
        for d in 0..<4 {
            for c in 0..<12 { withDay.add("10.0.5.\(c + 1)", "10.0.0.80", port: 443, start: Int64(d) * day + 9 * hour + Int64(c) * minute, srcPort: 41_000) }
        }
        for c in 0..<12 { withDay.add("10.0.6.\(c + 1)", "10.0.0.80", port: 4444, start: 3 * day + 15 * hour + Int64(c) * minute, srcPort: 42_000) }
        let inside = HostHistory.build(withDay.t, days: 4).history
        #expect(abs((inside.newServiceClientRate ?? 0) - 42.0 / 31) < 1e-9)
        let again = NewServiceDetector.detect(b.t, history: inside)
        #expect(again.map(\.entity) == ["10.0.0.80"] && (again.first?.severity ?? 0) >= 90, "\(again.map(\.severity))")
        // A history written before served ports were learnt detects nothing.
        var old = h
        old.newServiceClientRate = nil
        #expect(NewServiceDetector.detect(b.t, history: old).isEmpty)
    }
}
