import FlowForecasting
import Foundation
import FlowCore
import FlowColumnar
import FlowDataset

/// Reads the flow dataset (a `DatasetListing` of floe-clean's output) into series. Columns are looked up by name: `start`, `end`, `src_addr`,
/// `dst_addr`, `bytes`, `packets` are required; `direction` and `service_port` are used
/// when present, otherwise direction is derived from `internal_networks` and the
/// service port is the lower of `src_port`/`dst_port`.
public enum FlowDatasetSeries {
    /// Aggregates the window [startMillis, endMillis) of `dataset`. The day before the
    /// window is read too (its long flows spill into the first buckets). `coverage`
    /// defaults to the coverage floe-clean recorded with the partitions read
    /// (`RecordedCoverage`: its holes are missing) plus inference from
    /// `config.coverageGapMinutes`; for datasets without recorded coverage, inference only.
    public static func aggregate(dataset: DatasetListing, startMillis: Int64, endMillis: Int64, config: SeriesConfig,
                                 coverage: SeriesCoverage? = nil) throws -> SeriesSet {
        let firstDay = CivilTime.day(ofMillis: startMillis) - 1
        let lastDay = CivilTime.day(ofMillis: endMillis - 1)
        let parts = dataset.selecting(DaySelection(from: firstDay, to: lastDay)).partitions
        var hosts: [IPAddress] = []
        if config.topHosts > 0 {
            var ranking = HostRanking(internalNetworks: config.internalNetworks)
            for part in parts { for file in part.files { try ranking.add(file: file.path, startMillis: startMillis, endMillis: endMillis) } }
            hosts = ranking.top(config.topHosts)
        }
        let aggregator = try SeriesAggregator(config: config, startMillis: startMillis, endMillis: endMillis, hosts: hosts)
        for part in parts {
            for file in part.files { try aggregator.add(file: file.path) }
            aggregator.finishDay()
        }
        let recorded = coverage ?? RecordedCoverage.read(dataset: dataset, days: parts.map(\.day),
                                                         gapMinutes: config.coverageGapMinutes)
        return aggregator.result(coverage: recorded)
    }
}

extension SeriesAggregator {
    /// Adds every row of one dataset file (zero-copy column views, one batch at a time).
    public func add(file path: String) throws {
        do {
            let reader = try ArrowFileReader(path: path)
            try reader.requireDatasetColumns([\.start, \.end, \.sourceAddress, \.destinationAddress, \.bytes, \.packets])
            for index in 0..<reader.recordBatchCount {
                let batch = DatasetBatch(try reader.recordBatch(at: index))
                let starts = try batch.start()
                let ends = try batch.end()
                let src = try batch.sourceAddress()
                let dst = try batch.destinationAddress()
                let bytes = try batch.bytes()
                let packets = try batch.packets()
                let srcPorts = try batch.ifPresent(\.sourcePort) { try $0.sourcePort() }
                let dstPorts = try batch.ifPresent(\.destinationPort) { try $0.destinationPort() }
                let direction = try batch.ifPresent(\.direction) { try $0.direction() }
                let service = try batch.ifPresent(\.servicePort) { try $0.servicePort() }
                withAccumulator { core in
                    if core.countDistinct { core.distinct.reserve(batch.rowCount) }
                    for i in 0..<batch.rowCount {
                        let (s, sourceInside) = core.addressParser.parse(src, row: i)
                        let (d, destinationInside) = core.addressParser.parse(dst, row: i)
                        var dir = -1
                        if let direction, direction.isValid(i) {
                            dir = TrafficDirection.parse(direction[i])?.rawValue ?? -1
                        }
                        if dir < 0 && s != nil && d != nil {
                            dir = TrafficDirection.derive(sourceInside: sourceInside, destinationInside: destinationInside).rawValue
                        }
                        var port = -1
                        if let service, service.isValid(i) {
                            port = Int(service.values[i])
                        } else {
                            var sp = -1, dp = -1
                            if let srcPorts, srcPorts.isValid(i) { sp = Int(srcPorts.values[i]) }
                            if let dstPorts, dstPorts.isValid(i) { dp = Int(dstPorts.values[i]) }
                            port = sp < 0 ? dp : (dp < 0 ? sp : min(sp, dp))
                        }
                        core.addRow(start: starts[i], end: ends[i], src: s, dst: d, direction: dir, servicePort: port,
                                    bytes: bytes[i], packets: packets[i])
                    }
                }
            }
        } catch let e as TimeSeriesError {
            throw e
        } catch let e as DatasetError {
            throw e
        } catch {
            throw TimeSeriesError.dataset(path: path, reason: "\(error)")
        }
    }
}

extension HostRanking {
    /// Adds the internal hosts of one dataset file's flows that start in the window.
    public mutating func add(file path: String, startMillis: Int64, endMillis: Int64) throws {
        do {
            let reader = try ArrowFileReader(path: path)
            try reader.requireDatasetColumns([\.start, \.end, \.sourceAddress, \.destinationAddress, \.bytes, \.packets])
            let addresses = DatasetAddressReader()
            for index in 0..<reader.recordBatchCount {
                let batch = DatasetBatch(try reader.recordBatch(at: index))
                let starts = try batch.start()
                let src = try batch.sourceAddress()
                let dst = try batch.destinationAddress()
                let bytes = try batch.bytes()
                for i in 0..<batch.rowCount where starts[i] >= startMillis && starts[i] < endMillis {
                    add(addresses.address(src, row: i), bytes: bytes[i])
                    add(addresses.address(dst, row: i), bytes: bytes[i])
                }
            }
        } catch let e as TimeSeriesError {
            throw e
        } catch let e as DatasetError {
            throw e
        } catch {
            throw TimeSeriesError.dataset(path: path, reason: "\(error)")
        }
    }
}
