import FlowCore
import FlowIO
import Foundation
import Testing
@testable import FlowIngest
import FlowTestSupport

/// Zeek conn.log JSON and Suricata eve.json through the whole engine, plain and gzip, on
/// the fixtures of Tests/Fixtures/json (written from the tools' documentation; expected
/// totals computed independently by scripts/peers/json_fixture_totals.py).
@Suite struct IngestJSONLinesTests {
    static let fixtures = Fixtures.path("Tests/Fixtures/json")

    struct Expected {
        let name: String
        let format: String
        let rows: Int64, packets: UInt64, bytes: UInt64, revPackets: UInt64, revBytes: UInt64
        let rejects: [String: Int64]
        let skipped: Int64
    }

    static let expected = [
        Expected(name: "zeek-conn.json", format: "zeek-conn-json", rows: 7, packets: 15, bytes: 1052, revPackets: 8,
                 revBytes: 889, rejects: ["bad_json": 1, "bad_address": 1], skipped: 0),
        Expected(name: "zeek-conn-iso.json", format: "zeek-conn-json", rows: 3, packets: 197, bytes: 7956,
                 revPackets: 192, revBytes: 8480, rejects: [:], skipped: 0),
        Expected(name: "suricata-eve.json", format: "suricata-eve", rows: 6, packets: 51, bytes: 15856,
                 revPackets: 34, revBytes: 8869, rejects: ["bad_json": 1], skipped: 5),
    ]

    @Test(arguments: [false, true])
    func fixturesIngestWithIndependentTotals(gzip: Bool) throws {
        let dir = temporaryFolder()
        for e in Self.expected {
            let bytes = readBytes(Self.fixtures + "/" + e.name)
            #expect(!bytes.isEmpty, "fixture \(e.name)")
            writeFile(dir + "/" + e.name + (gzip ? ".gz" : ""), gzip ? try GzipEncoder().member(bytes) : bytes)
        }
        let manifest = try ingest([dir], into: dir + "/raw", chunkBytes: 512)
        for e in Self.expected {
            let report = try #require(manifest.inputs.first { $0.path.hasSuffix("/" + e.name + (gzip ? ".gz" : "")) })
            #expect(report.format == e.format)
            #expect(report.compression == (gzip ? "gzip" : "none"))
            #expect(report.counts.rowsWritten == e.rows, "\(e.name)")
            #expect(report.counts.rejectsByReason == e.rejects, "\(e.name)")
            #expect(report.counts.rowsSkipped == e.skipped, "\(e.name)")
            let batch = try readRecords(dir + "/raw", report)
            let records = batch.records
            #expect(records.reduce(0) { $0 + $1.packets } == e.packets, "\(e.name)")
            #expect(records.reduce(0) { $0 + $1.bytes } == e.bytes, "\(e.name)")
            #expect(records.reduce(0) { $0 + ($1.revPackets ?? 0) } == e.revPackets, "\(e.name)")
            #expect(records.reduce(0) { $0 + ($1.revBytes ?? 0) } == e.revBytes, "\(e.name)")
        }
        #expect(manifest.totals.counts.isBalanced)
        #expect(manifest.totals.filesFailed == 0)
    }

    /// The fields floe maps, value by value, for the documented corner cases.
    @Test func documentedCornerCasesMapAsTheTSVDialectDoes() throws {
        let dir = temporaryFolder()
        let manifest = try ingest([Self.fixtures], into: dir + "/raw")
        func records(_ name: String) throws -> [FlowRecord] {
            let report = try #require(manifest.inputs.first { $0.path.hasSuffix("/" + name) })
            let batch = try readRecords(dir + "/raw", report)
            return batch.records
        }
        let zeek = try records("zeek-conn.json")
        #expect(zeek[0].start == 1_591_367_999_305 && zeek[0].end == 1_591_367_999_305 + 66)
        #expect(zeek[0].proto == 17 && zeek[0].srcPort == 36844 && zeek[0].dstPort == 53)
        #expect(zeek[2].end == zeek[2].start, "S0 without duration: end = start")
        #expect(zeek[3].proto == 1 && zeek[3].srcPort == nil && zeek[3].dstPort == 8 << 8)
        #expect(zeek[4].proto == 58 && zeek[4].dstPort == 135 << 8, "icmp with IPv6 addresses is ICMPv6")
        #expect(zeek[6].proto == 47, "ip_proto wins over proto")
        #expect(zeek.allSatisfy { $0.tcpFlags == nil })
        let iso = try records("zeek-conn-iso.json")
        #expect(iso[0].start == 1_582_688_403_724 && iso[0].end == 1_582_688_403_724 + 1_196_975)
        let eve = try records("suricata-eve.json")
        #expect(eve[0].start == 1_795_949_702_117 && eve[0].end == 1_795_949_761_209)
        #expect(eve[0].tcpFlags == 0x1B && eve[0].packets == 23 && eve[0].revPackets == 21)
        #expect(eve[1].tcpFlags == nil && eve[1].proto == 17)
        #expect(eve[2].proto == 1 && eve[2].srcPort == nil && eve[2].dstPort == 8 << 8)
        #expect(eve[2].start == 1_795_946_460_010, "+0100 offset")
        #expect(eve[3].proto == 58 && eve[3].dstPort == 133 << 8)
        #expect(eve[4].packets == 12 && eve[4].bytes == 9120 && eve[4].revPackets == nil, "netflow: one direction")
        #expect(eve[4].tcpFlags == 0x1A)
        #expect(eve[5].packets == 10 && eve[5].tcpFlags == 0xDA, "bypassed counters are not the flow's")
    }
}
