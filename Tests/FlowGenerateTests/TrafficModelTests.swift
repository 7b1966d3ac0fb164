import Testing
import FlowCore
@testable import FlowGenerate

@Suite("Traffic model")
struct TrafficModelTests {
    let config = Fixture.config

    @Test func cleanRowCountIsExact() throws {
        let rows = Fixture.rows
        #expect(rows.count == config.rows)
        #expect(rows.allSatisfy { $0.dirt == nil })
        var plain = config
        plain.anomalies = false
        plain.rows = 1_234
        let benign = collectRows(try FlowGenerator(config: plain))
        #expect(benign.count == 1_234)
        #expect(benign.allSatisfy { $0.label == .benign })
    }

    @Test func rowsStartInsideTheWindowSortedByStart() {
        let rows = Fixture.rows
        var previous = Int64.min
        for row in rows {
            let r = row.record
            #expect(r.start >= config.startMillis && r.start < config.endMillis)
            #expect(r.start < r.end)
            #expect(r.start >= previous)
            previous = r.start
        }
        // The window opens on the requested day.
        #expect(CivilTime.isoString(millis: config.startMillis) == "2026-11-01T00:00:00.000Z")
    }

    @Test func seasonalityShowsDayNightAndWeekend() {
        var byHour = [Int](repeating: 0, count: 24)
        var weekday = 0, weekend = 0, weekdays = 0, weekendDays = 0
        for d in 0..<Int64(config.days) {
            if Seasonality.weekly(day: config.startDay + d) < 1 { weekendDays += 1 } else { weekdays += 1 }
        }
        let gap = Fixture.generator?.coverageGap
        for row in Fixture.rows where row.label == .benign {
            let ms = row.record.start - config.startMillis
            let day = config.startDay + ms / 86_400_000
            let isWeekend = Seasonality.weekly(day: day) < 1
            if isWeekend { weekend += 1 } else {
                weekday += 1
                byHour[Int(ms % 86_400_000 / 3_600_000)] += 1
            }
        }
        #expect(weekdays == 5 && weekendDays == 2)
        // Noon on weekdays is several times busier than 03:00 (the gap is never at 3 or 12).
        if let gap { #expect(![3, 11, 12, 15, 23].contains(Int((gap.start - config.startMillis) % 86_400_000 / 3_600_000))) }
        #expect(byHour[12] > 4 * byHour[3])
        #expect(byHour[11] > byHour[3] && byHour[15] > byHour[23])
        // A weekend day carries well under a weekday's traffic.
        #expect(Double(weekend) / Double(weekendDays) < 0.5 * Double(weekday) / Double(weekdays))
    }

    @Test func minuteSplitIsExactAndProportional() {
        let counts = Seasonality.minuteCounts(total: 1_000_003, startDay: config.startDay, minutes: 2_880, seed: 3,
                                              isGap: { (600..<660).contains($0) })
        #expect(counts.reduce(0, +) == 1_000_003)
        #expect(counts[600..<660].allSatisfy { $0 == 0 })
        #expect(counts[180] < counts[720])
    }

    @Test func protocolMixAndBenignInvariants() {
        var tcp = 0, udp = 0, icmp = 0, v6 = 0, total = 0
        var flags: [UInt8: Int] = [:]
        for row in Fixture.rows where row.label == .benign {
            let r = row.record
            total += 1
            #expect(brokenRule(r, windowEnd: config.endMillis) == nil)
            #expect(r.packets >= 1)
            let perPacket = r.bytes / r.packets
            #expect(perPacket >= 40 && perPacket <= 1_500)
            #expect(r.exporter == AddressPlan.exporter)
            #expect(!r.srcAddr.isUnspecified && !r.dstAddr.isUnspecified)
            if !r.srcAddr.isIPv4 { v6 += 1; #expect(!r.dstAddr.isIPv4) }
            switch r.proto {
            case 6:
                tcp += 1
                flags[r.tcpFlags ?? 0, default: 0] += 1
                if AddressPlan.isInternal(r.srcAddr) && !AddressPlan.isInternal(r.dstAddr) {
                    #expect((32_768...60_999).contains(Int(r.srcPort ?? 0)))
                }
            case 17:
                udp += 1
                #expect(r.tcpFlags == 0)
            case 1, 58:
                icmp += 1
                #expect(r.srcPort == 0 && r.tcpFlags == 0)
                #expect(perPacket <= 576)
            default:
                Issue.record("unexpected protocol \(r.proto)")
            }
        }
        let share = { (n: Int) in Double(n) / Double(total) }
        #expect((0.71...0.79).contains(share(tcp)))
        #expect((0.19...0.25).contains(share(udp)))
        #expect((0.02...0.04).contains(share(icmp)))
        #expect(v6 > total / 30 && v6 < total / 4)
        // Mostly complete sessions, some resets, some half-open SYN-only flows.
        let complete = (flags[0x1B] ?? 0) + (flags[0x13] ?? 0)
        #expect(Double(complete) / Double(tcp) > 0.8)
        #expect((flags[0x02] ?? 0) > tcp / 100 && (flags[0x02] ?? 0) < tcp / 10)
        #expect((flags[0x16] ?? 0) + (flags[0x1E] ?? 0) > tcp / 50)
    }

    @Test func bytesAreHeavyTailedAndHostsZipfian() {
        let benign = Fixture.rows.filter { $0.label == .benign && $0.record.proto == 6 }
        let bytes = benign.map(\.record.bytes).sorted()
        let median = bytes[bytes.count / 2]
        let p999 = bytes[bytes.count * 999 / 1000]
        #expect(p999 > 50 * median)
        var perClient: [IPAddress: Int] = [:]
        for row in benign where AddressPlan.isInternal(row.record.srcAddr) { perClient[row.record.srcAddr, default: 0] += 1 }
        let counts = perClient.values.sorted(by: >)
        #expect(counts.count > 300)
        #expect(counts[0] > 20 * counts[counts.count / 2])
    }

    @Test func externalAddressesAvoidReservedSpace() {
        for row in Fixture.rows where row.label == .benign {
            for a in [row.record.srcAddr, row.record.dstAddr] where !AddressPlan.isInternal(a) {
                if let v4 = a.ipv4 {
                    let doc = v4 >> 8 == 0xC6_3364 || v4 >> 8 == 0xCB_0071
                    #expect(doc || !AddressPlan.isReservedV4(v4))
                } else {
                    #expect(a.high >> 32 == 0x2001_0DB8)
                }
            }
        }
        #expect(AddressPlan.isReservedV4(0x0A01_0203))  // 10.1.2.3
        #expect(AddressPlan.isReservedV4(0xAC1F_0001))  // 172.31.0.1
        #expect(!AddressPlan.isReservedV4(0xAC20_0001))  // 172.32.0.1
        #expect(AddressPlan.isReservedV4(0x6440_0001))  // 100.64.0.1
        #expect(AddressPlan.isReservedV4(0xE000_0001))  // 224.0.0.1
        #expect(!AddressPlan.isReservedV4(0x0808_0808))  // 8.8.8.8
    }

    @Test func invalidParametersAreRejected() {
        #expect(throws: GenerateError.self) { try FlowGenerator(config: GeneratorConfig(rows: 500)) }
        #expect(throws: GenerateError.self) { try FlowGenerator(config: GeneratorConfig(rows: 0, anomalies: false)) }
        #expect(throws: GenerateError.self) { try FlowGenerator(config: GeneratorConfig(days: 0)) }
        #expect(throws: GenerateError.self) { try FlowGenerator(config: GeneratorConfig(dirt: DirtRates(total: 1.5))) }
        var rates = DirtRates()
        #expect(throws: GenerateError.self) { try rates.apply("nonsense=0.1") }
        #expect(throws: GenerateError.self) { try rates.apply("duplicate=2") }
        #expect(throws: GenerateError.self) { try rates.apply("duplicate") }
        #expect(throws: Never.self) { try rates.apply("ports_on_icmp=0.25") }
        #expect(rates[.icmpWithPorts] == 0.25 && rates.total == 0.25)
    }
}
