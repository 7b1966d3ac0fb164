import Foundation
import Testing
@testable import FlowForecasting
@testable import FlowTimeSeries

/// The series of the statsmodels peer check (`ARIMAPeerExport`, written by `floe-dev
/// export-arima-peer` for scripts/peers/check-arima-statsmodels.sh): every fit converges
/// with a finite likelihood, a variance near the simulated one and finite forecasts, and
/// the document lists every series with floe's results.
@Suite("ARIMA peer export")
struct ARIMAPeerExportTests {
    @Test func fitsAreSaneAndExported() throws {
        let results = try ARIMAPeerExport.run()
        #expect(results.count == ARIMAPeerExport.cases.count)
        for r in results {
            let c = r.series
            #expect(r.values.count == c.count, "\(c.name)")
            #expect(r.model.logLikelihood.isFinite, "\(c.name)")
            #expect(r.model.converged, "\(c.name)")
            #expect(abs(r.model.coefficients.variance - c.truth.variance) < 0.35 * c.truth.variance, "\(c.name)")
            #expect(r.forecast.means.count == ARIMAPeerExport.forecastSteps && r.forecast.means.allSatisfy { $0.isFinite }, "\(c.name)")
        }
        let document = try #require(try JSONSerialization.jsonObject(with: ARIMAPeerExport.document(results)) as? [String: Any])
        let series = try #require(document["series"] as? [[String: Any]])
        #expect(series.map { $0["name"] as? String } == ARIMAPeerExport.cases.map(\.name))
        #expect(series.allSatisfy { ($0["floe"] as? [String: Any])?["llf"] is Double })
    }
}
