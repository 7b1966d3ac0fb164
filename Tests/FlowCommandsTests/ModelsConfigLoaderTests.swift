import FlowFeatures
import FlowConfig
import FlowModels
import Foundation
import Testing
@testable import FlowCommands
import FlowTestSupport

@Suite struct ModelsConfigLoaderTests {
    @Test func allowlistErrorsNameTheirLineAndColumn() throws {
        let dir = temporaryFolder("configlines")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/models.yaml"
        try """
        models:
          window_minutes: 60
          allowlist:
            hosts:
              - {address: 10.0.0.5, reason: backup server}
              - {address: 10.0.0.300, reason: typo}
            ports:
              - port: 123
        """.write(toFile: path, atomically: true, encoding: .utf8)
        do {
            _ = try ModelsConfigLoader.load(path: path)
            Issue.record("expected an error")
        } catch let error as ConfigError {
            let text = error.description
            #expect(text.contains(path + ":6:19: models.allowlist.hosts[1].address: '10.0.0.300' is not an IPv4 or IPv6 address"), "\(text)")
            // A missing key points at its entry.
            #expect(text.contains(path + ":8:9: models.allowlist.ports[0].reason: give the reason"), "\(text)")
        }
        // A good allowlist loads.
        try """
        allowlist:
          networks: [{cidr: 192.0.2.0/24, reason: authorised scanner}]
        """.write(toFile: path, atomically: true, encoding: .utf8)
        #expect(try ModelsConfigLoader.load(path: path).allowlist.networks.first?.reason == "authorised scanner")
    }

    /// Unknown keys, wrong kinds and out-of-range values (once silently clamped) are all
    /// reported in one run, each with its line and column.
    @Test func everyProblemIsReportedWithItsPlace() throws {
        let dir = temporaryFolder("configall")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/pipeline.yaml"
        try """
        version: 1
        models:
          windw_minutes: 30
          host_min_flows: 0
          kmeans:
            silhouette_sample: 3
            tol: lots
          graph: {heavy_edge_quantile: 0.2}
          timeseries:
            series: {buckets: 60}
        """.write(toFile: path, atomically: true, encoding: .utf8)
        do {
            _ = try ModelsConfigLoader.load(path: path)
            Issue.record("expected an error")
        } catch let error as ConfigError {
            let lines = error.diagnostics.map(\.description)
            #expect(lines.count == 6, "\(lines)")
            for part in [path + ":3:3: unknown key 'windw_minutes' in models",
                         path + ":4:19: models.host_min_flows must be a whole number ≥ 1, not '0'",
                         path + ":6:24: models.kmeans.silhouette_sample must be a whole number ≥ 10, not '3'",
                         path + ":7:10: models.kmeans.tol must be a number ≥ 0, not 'lots'",
                         path + ":8:32: models.graph.heavy_edge_quantile must be a number from 0.5 to 1, not '0.2'",
                         path + ":10:14: unknown key 'buckets' in models.timeseries.series"] {
                #expect(lines.contains { $0.contains(part) }, "missing \(part) in \(lines)")
            }
        }
        // floe-train says so and exits 64 (a usage/configuration error), naming each place.
        let run = try Binaries.run("floe-train", ["--config", path, "--dataset", dir, "--output", dir + "/models"])
        #expect(run.code == 64 && run.err.contains(path + ":3:3: unknown key 'windw_minutes'"), "\(run.err)")
    }
}
