import FlowColumnar
import FlowCore
import FlowDataset
import Foundation
import Testing
@testable import FlowFeatures
@testable import FlowModels

@Suite struct FeatureTests {
    @Test func hostProfilesCountPeersPortsAndFailures() {
        // Host 0 probes host 1 on three ports with bare SYNs, host 2 sends host 1 one full flow.
        var t = table([(0, 1, 44, 0), (0, 1, 44, 60_000), (0, 1, 44, 120_000), (2, 1, 5000, 0)], hosts: 3, flags: 0x02)
        t.destinationPort = [22, 23, 80, 443]
        t.tcpFlags[3] = 0x1B
        let p = HostProfiles.build(t, windowMillis: 3_600_000)
        let row = { (h: Int32) in (0..<p.count).first { p.host[$0] == h }! }
        let f = p.features
        let h0 = row(0), h1 = row(1)
        #expect(f[h0, 0] == 3)           // flows
        #expect(f[h0, 2] == 3)           // distinct ports
        #expect(f[h0, 4] == 0.5)         // failed share: 3 / (3 + 3)
        #expect(f[h0, 7] == 1)           // fan-out
        #expect(f[h0, 8] == 3)           // active minutes
        #expect(f[h1, 6] == 2)           // fan-in
        #expect(f[h1, 1] == 2)           // distinct peers
        #expect(f[h1, 0] == 4)
    }

    @Test func flowFeaturesEncodeCategories() {
        var t = table([(0, 1, 1000, 3 * 3_600_000)], hosts: 2, flags: 0x02)
        t.direction = [.outbound]
        let f = FlowFeatures.compute(t)
        #expect(f.columns == FlowFeatures.names.count)
        #expect(abs(f[0, 0] - log1p(1000)) < 1e-12)
        #expect(f[0, 4] == 1)   // port 443: well-known
        #expect(f[0, 5] == 1 && f[0, 6] == 0)
        #expect(f[0, 8] == 1)   // SYN without ACK
        #expect(f[0, 10] == 1 && f[0, 9] == 0)
        #expect(abs(f[0, 12] - sin(2 * Double.pi * 3 / 24)) < 1e-12)
    }

    @Test func scalersCentreAndScale() {
        let x = FeatureMatrix(rows: 5, columns: 2, values: [1, 0, 2, 0, 3, 0, 4, 0, 100, 0], names: ["a", "b"])
        let robust = FittedScaler.fit(x, kind: .robust, log1p: [false, false])
        #expect(robust.centre[0] == 3 && robust.scale[0] == 2)
        #expect(robust.scale[1] == 1)  // no spread: scale 1
        let standard = FittedScaler.fit(x, kind: .standard, log1p: [false, false])
        #expect(abs(standard.centre[0] - 22) < 1e-12)
        let y = robust.transform(x)
        #expect(y[4, 0] == 48.5)
        #expect(abs(robust.inverse(y[1, 0], column: 0) - 2) < 1e-12)
        let logged = FittedScaler.fit(x, kind: .none, log1p: [true, false])
        #expect(abs(logged.transform(x)[4, 0] - log1p(100)) < 1e-12)
    }

    @Test func flowTableReadsADatasetAndDerivesDirection() throws {
        let folder = try makeDataset(rows: 3_000, days: 1, seed: 5)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let files = try DatasetListing(root: folder)
        #expect(files.files.count == 1)
        #expect(try files.recordedFiles()[0].fingerprint.xxh64 != 0)
        let t = try FlowTable.load(files, internalNetworks: [NetworkPrefix("10.0.0.0/8")!, NetworkPrefix("fd00::/8")!])
        #expect(t.count == 3_000)
        #expect(t.skippedRows == 0)
        for i in 0..<t.count {
            let expected = FlowDirection.from(sourceInternal: t.hostIsInternal[Int(t.source[i])],
                                              destinationInternal: t.hostIsInternal[Int(t.destination[i])])
            #expect(t.direction[i] == expected)
        }
        #expect(t.direction.contains(.outbound))
    }

    @Test func missingDatasetIsAClearError() {
        #expect(throws: DatasetError.noFolder(path: "/nonexistent/floe-dataset")) { try DatasetListing(root: "/nonexistent/floe-dataset") }
    }
}
