import FlowCore
import FlowFormats
import Foundation
import Testing
@testable import FlowIngest
import FlowTestSupport

/// Text outputs of real tools through the whole engine (data/tools/text, made by
/// scripts/peers/make-argus-fixtures.sh, make-cicflowmeter-fixture.sh and
/// make-pmacct-fixture.sh; see its README).
/// The expected totals were computed from the files with awk and Python, not by floe.
@Suite struct IngestTextFixtureTests {
    static let fixtures = Fixtures.path("data/tools/text")

    struct Totals: Sendable, CustomStringConvertible {
        var name: String, dialect: String, rows: Int64, skipped: Int64
        var packets: UInt64, revPackets: UInt64, bytes: UInt64, revBytes: UInt64
        var ipv6: Int, durationMillis: Int64?
        var description: String { name }
    }

    static let expectations: [Totals] = [
        // awk -F, 'NR>1 && $3!="man"' : 47 flows (9 ICMP/ICMPv6, 19 IPv6), 2 man records;
        // sums of SrcPkts, DstPkts, SrcBytes, DstBytes.
        Totals(name: "argus-ra.csv", dialect: "argus", rows: 47, skipped: 2, packets: 68, revPackets: 22,
               bytes: 6634, revBytes: 2338, ipv6: 19, durationMillis: nil),
        Totals(name: "argus-ra-flows.csv", dialect: "argus", rows: 47, skipped: 0, packets: 68, revPackets: 22,
               bytes: 6634, revBytes: 2338, ipv6: 19, durationMillis: nil),
        // Python csv: 17 rows; sums of tot_fwd_pkts, tot_bwd_pkts, totlen_fwd_pkts,
        // totlen_bwd_pkts; Σ floor(round_half_up(flow_duration µs) / 1000) = 59 ms (one
        // duration is 7974.999999999999).
        Totals(name: "cicflowmeter-python.csv", dialect: "cicflowmeter", rows: 17, skipped: 0, packets: 49,
               revPackets: 41, bytes: 3744, revBytes: 8370, ipv6: 0, durationMillis: 59),
        // Python csv: 32 rows (18 IPv6), Σ PACKETS 32, Σ BYTES 4352; every TIMESTAMP_END is
        // pmacct's zero date (not tracked), so each end equals its start.
        Totals(name: "pmacct-print.csv", dialect: "generic-csv", rows: 32, skipped: 0, packets: 32, revPackets: 0,
               bytes: 4352, revBytes: 0, ipv6: 18, durationMillis: 0),
    ]

    @Test(arguments: expectations)
    func realToolOutputIngestsWhole(_ e: Totals) throws {
        let dir = temporaryFolder("text" + e.name)
        let manifest = try ingest([Self.fixtures + "/" + e.name], into: dir + "/raw", chunkBytes: 211)
        let input = try #require(manifest.inputs.first)
        #expect(input.status == .ok, "\(input.error ?? "")")
        #expect(input.format == e.dialect)
        #expect(input.counts.rowsRead == e.rows && input.counts.rowsWritten == e.rows && input.counts.rowsRejected == 0)
        #expect(input.counts.rowsSkipped == e.skipped && manifest.totals.counts.rowsSkipped == e.skipped)
        #expect(manifest.totals.counts.isBalanced)
        let json = String(decoding: try manifest.encoded(), as: UTF8.self)
        #expect(json.contains("\"rows_skipped\"") == (e.skipped > 0))
        let got = try readRecords(dir + "/raw", input)
        let records = got.records
        #expect(records.reduce(0) { $0 + $1.packets } == e.packets)
        #expect(records.reduce(0) { $0 + ($1.revPackets ?? 0) } == e.revPackets)
        #expect(records.reduce(0) { $0 + $1.bytes } == e.bytes)
        #expect(records.reduce(0) { $0 + ($1.revBytes ?? 0) } == e.revBytes)
        #expect(records.filter { !$0.srcAddr.isIPv4 }.count == e.ipv6)
        if let d = e.durationMillis { #expect(records.reduce(0) { $0 + ($1.end - $1.start) } == d) }
    }

    /// A manifest written before `rows_skipped` existed still reads (as 0).
    @Test func olderManifestsWithoutRowsSkippedStillRead() throws {
        let old = #"{"rows_read": 3, "rows_written": 2, "rows_rejected": 1, "rejects_by_reason": {"bad_port": 1}}"#
        let counts = try JSONDecoder().decode(RowCounts.self, from: Data(old.utf8))
        #expect(counts.rowsSkipped == 0 && counts.isBalanced)
    }
}
