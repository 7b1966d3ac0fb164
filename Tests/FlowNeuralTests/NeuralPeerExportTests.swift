import Foundation
import Testing
@testable import FlowNeural

/// The cases of the JAX peer check (`NeuralPeerExport`, written by `floe-dev
/// export-neural-peer` for scripts/peers/check-neural-jax.sh): every case computes a finite
/// loss and finite gradients that are not all zero, and the document lists every case.
@Suite("Neural peer export")
struct NeuralPeerExportTests {
    @Test func everyCaseHasAFiniteLossAndLiveGradients() throws {
        let results = try NeuralPeerExport.run()
        #expect(results.count == NeuralPeerExport.cases.count)
        for r in results {
            #expect(r.loss.isFinite && r.loss > 0, "\(r.name)")
            for (name, gradient) in r.gradients {
                #expect(gradient.array.allSatisfy { $0.isFinite }, "\(r.name) \(name)")
                #expect(gradient.squaredNorm() > 0, "\(r.name) \(name) has an all-zero gradient")
            }
        }
        let document = try #require(try JSONSerialization.jsonObject(with: NeuralPeerExport.document(results)) as? [String: Any])
        let cases = try #require(document["cases"] as? [[String: Any]])
        #expect(cases.map { $0["name"] as? String } == results.map(\.name))
        #expect(cases.allSatisfy { $0["floe_loss"] is Double && $0["parameters"] is [Any] && $0["input_gradient"] is [String: Any] })
    }
}
