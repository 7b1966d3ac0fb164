import FlowArtifacts
import FlowTimeSeries
import Foundation

/// Joins the forecast bands of the scored days into one `ForecastSeries` per series for the
/// report, aggregated to the finest of 1 min, 5 min, 15 min, 1 h, 1 day (a multiple of
/// the model's bucket) that keeps a series at `maximumPoints` points or fewer, so a week of
/// one-minute buckets becomes 5-minute points and the feed stays a few hundred kB.
///
/// A display bucket sums the model buckets inside it: observed and forecast are sums; the
/// interval bounds are sums of the per-bucket bounds (a conservative band for the sum: it
/// assumes the one-step errors move together). A display bucket without any finite value
/// is null.
package struct SeriesFeedBuilder {
    struct Entry {
        var name: String
        var unit: String
        var bands: [ForecastBand]
    }

    var entries: [Entry] = []
    var maximumPoints = 2_100

    package init() {}

    package mutating func add(_ band: ForecastBand, name: String, unit: String) {
        if let i = entries.firstIndex(where: { $0.name == name }) {
            entries[i].bands.append(band)
        } else {
            entries.append(Entry(name: name, unit: unit, bands: [band]))
        }
    }

    package func build() -> [ForecastSeries] {
        entries.compactMap { build($0) }
    }

    func build(_ entry: Entry) -> ForecastSeries? {
        guard let first = entry.bands.first else { return nil }
        let bucket = first.bucketMillis
        let bands = entry.bands.filter { $0.bucketMillis == bucket && $0.count > 0 }.sorted { $0.startMillis < $1.startMillis }
        guard bucket > 0, let start = bands.first?.startMillis,
              let end = bands.map({ $0.startMillis + Int64($0.count) * bucket }).max() else { return nil }
        let display = [60_000, 300_000, 900_000, 3_600_000, 86_400_000].map { Int64($0) }
            .filter { $0 >= bucket && $0 % bucket == 0 }
            .first { (end - floorTo($0, start) + $0 - 1) / $0 <= Int64(maximumPoints) } ?? max(bucket, 86_400_000)
        let origin = floorTo(display, start)
        let count = Int((end - origin + display - 1) / display)
        var observed = Accumulator(count), forecast = Accumulator(count), lower = Accumulator(count), upper = Accumulator(count)
        for band in bands {
            for i in 0..<band.count {
                let t = band.startMillis + Int64(i) * bucket
                let slot = Int((t - origin) / display)
                guard slot >= 0 && slot < count else { continue }
                observed.add(band.observed[i], at: slot)
                forecast.add(band.expected[i], at: slot)
                lower.add(band.lower[i], at: slot)
                upper.add(band.upper[i], at: slot)
            }
        }
        let model = bands.compactMap(\.model).first
        return ForecastSeries(name: entry.name, unit: entry.unit, bucketMillis: display, start: origin,
                              observed: observed.values, forecast: forecast.values, lower: lower.values, upper: upper.values,
                              level: model == nil ? nil : bands.first?.level, model: model)
    }

    private func floorTo(_ step: Int64, _ t: Int64) -> Int64 {
        let r = t % step
        return r >= 0 ? t - r : t - r - step
    }

    /// Sums of finite values per slot; nil where a slot saw none.
    struct Accumulator {
        var sums: [Double]
        var seen: [Bool]

        init(_ n: Int) {
            sums = [Double](repeating: 0, count: n)
            seen = [Bool](repeating: false, count: n)
        }

        mutating func add(_ v: Double, at slot: Int) {
            guard v.isFinite else { return }
            sums[slot] += v
            seen[slot] = true
        }

        /// Rounded for a compact feed: whole numbers from 100 up, else 3 decimals.
        var values: [Double?] {
            sums.indices.map { i in
                guard seen[i] else { return nil }
                let v = sums[i]
                return abs(v) >= 100 ? v.rounded() : (v * 1000).rounded() / 1000
            }
        }
    }
}
