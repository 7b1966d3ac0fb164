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

/// Column positions of one dataset file, by name.
struct FlowFileColumns {
    let start, end, src, dst, bytes, packets: Int
    let srcPort, dstPort, direction, servicePort: Int?

    init(_ reader: ArrowFileReader) throws {
        let names = DatasetColumnNames()
        start = try reader.datasetColumn(names.start)
        end = try reader.datasetColumn(names.end)
        src = try reader.datasetColumn(names.sourceAddress)
        dst = try reader.datasetColumn(names.destinationAddress)
        bytes = try reader.datasetColumn(names.bytes)
        packets = try reader.datasetColumn(names.packets)
        srcPort = reader.columnIndex(named: names.sourcePort)
        dstPort = reader.columnIndex(named: names.destinationPort)
        direction = reader.columnIndex(named: names.direction)
        servicePort = reader.columnIndex(named: names.servicePort)
    }
}

extension SeriesAggregator {
    /// Adds every row of one dataset file (zero-copy column views, one batch at a time).
    public func add(file path: String) throws {
        do {
            let reader = try ArrowFileReader(path: path)
            let c = try FlowFileColumns(reader)
            for index in 0..<reader.recordBatchCount {
                let batch = try reader.recordBatch(at: index)
                let starts = try batch.values(column: c.start, as: Int64.self)
                let ends = try batch.values(column: c.end, as: Int64.self)
                let src = try batch.utf8(column: c.src)
                let dst = try batch.utf8(column: c.dst)
                let bytes = try batch.values(column: c.bytes, as: UInt64.self)
                let packets = try batch.values(column: c.packets, as: UInt64.self)
                let srcPorts = try c.srcPort.map { try batch.values(column: $0, as: UInt16.self) }
                let srcValid = try c.srcPort.flatMap { try batch.validity(column: $0) }
                let dstPorts = try c.dstPort.map { try batch.values(column: $0, as: UInt16.self) }
                let dstValid = try c.dstPort.flatMap { try batch.validity(column: $0) }
                let direction = try c.direction.map { try batch.utf8(column: $0) }
                let directionValid = try c.direction.flatMap { try batch.validity(column: $0) }
                let service = try c.servicePort.map { try batch.values(column: $0, as: UInt16.self) }
                let serviceValid = try c.servicePort.flatMap { try batch.validity(column: $0) }
                withAccumulator { core in
                    if core.countDistinct { core.distinct.reserve(batch.rowCount) }
                    for i in 0..<batch.rowCount {
                        let (s, sourceInside) = core.addressParser.parse(src, row: i)
                        let (d, destinationInside) = core.addressParser.parse(dst, row: i)
                        var dir = -1
                        if let direction, directionValid?[i] ?? true {
                            dir = TrafficDirection.parse(direction[i])?.rawValue ?? -1
                        }
                        if dir < 0 && s != nil && d != nil {
                            dir = TrafficDirection.derive(sourceInside: sourceInside, destinationInside: destinationInside).rawValue
                        }
                        var port = -1
                        if let service, serviceValid?[i] ?? true {
                            port = Int(service[i])
                        } else {
                            var sp = -1, dp = -1
                            if let srcPorts, srcValid?[i] ?? true { sp = Int(srcPorts[i]) }
                            if let dstPorts, dstValid?[i] ?? true { dp = Int(dstPorts[i]) }
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
            let c = try FlowFileColumns(reader)
            for index in 0..<reader.recordBatchCount {
                let batch = try reader.recordBatch(at: index)
                let starts = try batch.values(column: c.start, as: Int64.self)
                let src = try batch.utf8(column: c.src)
                let dst = try batch.utf8(column: c.dst)
                let bytes = try batch.values(column: c.bytes, as: UInt64.self)
                for i in 0..<batch.rowCount where starts[i] >= startMillis && starts[i] < endMillis {
                    add(IPAddress.parse(src[i]), bytes: bytes[i])
                    add(IPAddress.parse(dst[i]), bytes: bytes[i])
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
