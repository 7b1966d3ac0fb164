import Foundation
import Testing
@testable import FlowArtifacts

/// anomalies.csv and incidents.csv: what the writer writes the reader reads back, older
/// files still read, and a file the reader cannot take is refused naming file and line.
@Suite("Score table files: anomalies.csv and incidents.csv")
struct ScoreTableFilesTests {
    static let incidentsHeader = IncidentsFile.header + "\n"
    static let start: Int64 = 1_793_491_200_000 // 2026-11-01T00:00:00Z

    private func message(_ body: () throws -> Void) -> String {
        do { try body() } catch { return String(describing: error) }
        return ""
    }

    @Test func incidentsWrittenAreReadBack() throws {
        let incidents = [
            Incident(rank: 1, id: "inc-000000000001", kind: .portScan, severity: 91, start: Self.start, end: Self.start + 300_000,
                     hosts: ["10.0.4.7", "10.0.0.1"], ports: [22, 443], detections: [1, 3], summary: "Scan, \"wide\"\nsecond line"),
            Incident(rank: 2, id: "inc-000000000002", kind: .exporterOutage, severity: 40, start: Self.start, end: Self.start + 60_000,
                     hosts: [], ports: [], detections: [2], summary: ""),
        ]
        let csv = IncidentsFile.csv(incidents)
        #expect(try IncidentsFile.parse(Array(csv.utf8), path: "incidents.csv") == incidents)
    }

    @Test func incidentsReaderTakesColumnsInAnyOrderEpochTimesAndRoundsSeverity() throws {
        let csv = "summary,detections,ports,hosts,end,start,severity,kind,id,rank\n"
            + "\"Flood, \"\"big\"\"\",3,\"80 443\",10.0.0.9,2026-11-01T03:05:00Z,2026-11-01T03:00:00Z,55,ddos,inc-b,2\r\n"
            + "Scan.,\"1 2\",\"22 23 80\",\"10.0.4.7 10.0.0.1\",\(Self.start + 60_000),\(Self.start),80.5,port_scan,inc-a,1\n"
        let list = try IncidentsFile.parse(Array(csv.utf8), path: "incidents.csv")
        #expect(list.map(\.id) == ["inc-a", "inc-b"])
        #expect(list[0].kind == .portScan && list[0].severity == 81 && list[0].start == Self.start)
        #expect(list[0].ports == [22, 23, 80] && list[0].detections == [1, 2] && list[0].hosts == ["10.0.4.7", "10.0.0.1"])
        #expect(list[1].summary == "Flood, \"big\"" && list[1].end == Self.start + 3 * 3_600_000 + 5 * 60_000)
    }

    @Test func incidentsReaderRefusesAnUnknownKindNamingFileLineAndValue() {
        let csv = Self.incidentsHeader + "1,inc-a,port_scan,50,2026-11-01,2026-11-01,,,,\n2,inc-b,lateral_movement,60,2026-11-01,2026-11-01,,,,\n"
        let text = message { _ = try IncidentsFile.parse(Array(csv.utf8), path: "s/incidents.csv") }
        #expect(text.hasPrefix("s/incidents.csv: line 3:") && text.contains("'lateral_movement'") && text.contains("port_scan"))
    }

    @Test func incidentsReaderRefusesBadNumbersAndMissingColumns() {
        #expect(message { _ = try IncidentsFile.parse(Array("rank,id,kind\n1,a,ddos\n".utf8), path: "i.csv") }.contains("no 'severity' column"))
        #expect(message { _ = try IncidentsFile.parse(Array((Self.incidentsHeader + "1,a,ddos,high,2026-11-01,2026-11-01,,,,\n").utf8), path: "i.csv") }
            == "i.csv: line 2: 'severity' is not a number")
        #expect(message { _ = try IncidentsFile.parse(Array((Self.incidentsHeader + "1,a,ddos,5,2026-11-01,2026-11-01,,80 http,,\n").utf8), path: "i.csv") }
            == "i.csv: line 2: 'ports' holds 'http', not an integer")
        #expect(message { _ = try IncidentsFile.parse(Array((Self.incidentsHeader + "1,a,ddos,5,yesterday,2026-11-01,,,,\n").utf8), path: "i.csv") }
            == "i.csv: line 2: 'start' is not an ISO 8601 UTC time or epoch milliseconds")
    }

    @Test func missingIncidentsFileIsNil() throws {
        let folder = NSTemporaryDirectory() + "floe-incidents-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        #expect(try IncidentsFile.readIfPresent(path: folder + "/incidents.csv") == nil)
    }

    @Test func anomaliesWrittenAreReadBack() throws {
        let rows = [
            AnomalyRow(rank: 1, kind: "port_scan", entity: "10.0.4.7", start: Self.start, end: Self.start + 300_000, score: 9.5,
                       evidence: "4,812 ports; usual 3", severity: 88, pValue: 0.0001, incident: "inc-a"),
            AnomalyRow(rank: 2, kind: "volume_spike", entity: "flows", start: Self.start, end: Self.start + 300_000, score: 4.25,
                       evidence: "x", severity: 40, pValue: 0.5, incident: nil),
        ]
        let csv = AnomaliesFile.csv(rows)
        #expect(csv.hasPrefix(AnomaliesFile.header + "\n1,port_scan,10.0.4.7,2026-11-01T00:00:00.000Z,2026-11-01T00:05:00.000Z,9.5,\"4,812 ports; usual 3\",88,0.0001,inc-a\n"))
        #expect(try AnomaliesFile.parse(Array(csv.utf8), path: "anomalies.csv") == rows)
    }

    @Test func olderAnomaliesTablesStillRead() throws {
        let old = "evidence,score,end,start,entity,kind,rank\nx,9.5,\(Self.start + 60_000),2026-11-01T00:00:00Z,10.0.4.7,port_scan,1\n"
        let rows = try AnomaliesFile.parse(Array(old.utf8), path: "anomalies.csv")
        #expect(rows == [AnomalyRow(rank: 1, kind: "port_scan", entity: "10.0.4.7", start: Self.start, end: Self.start + 60_000, score: 9.5, evidence: "x")])
        let blank = AnomaliesFile.header + "\n1,volume_spike,flows,2026-11-01T02:30:00Z,2026-11-01T02:35:00Z,4,y,,,\n"
        let row = try #require(try AnomaliesFile.parse(Array(blank.utf8), path: "anomalies.csv").first)
        #expect(row.severity == nil && row.pValue == nil && row.incident == nil)
        #expect(throws: ArtifactError.self) { try AnomaliesFile.parse(Array("rank,kind,entity,start,end\n".utf8), path: "anomalies.csv") }
    }
}
