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
        } catch let error as FlowModelsError {
            let text = error.description
            #expect(text.contains("models.allowlist.hosts[1].address (line 6, column 19): '10.0.0.300' is not an IPv4 or IPv6 address"), "\(text)")
            #expect(text.hasPrefix(path + ": models.allowlist (line 4, column 5)"), "\(text)")
            // A missing key points at its entry.
            #expect(text.contains("models.allowlist.ports[0].reason (line 8, column 9): give the reason"), "\(text)")
        }
        // A good allowlist loads.
        try """
        allowlist:
          networks: [{cidr: 192.0.2.0/24, reason: authorised scanner}]
        """.write(toFile: path, atomically: true, encoding: .utf8)
        #expect(try ModelsConfigLoader.load(path: path).allowlist.networks.first?.reason == "authorised scanner")
    }
}
