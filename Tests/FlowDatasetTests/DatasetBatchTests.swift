import FlowColumnar
import FlowCore
@testable import FlowDataset
import Foundation
import Testing

@Suite struct DatasetBatchTests {
    /// A one-batch file of FlowSchema columns (no enrichment columns) with these addresses.
    func file(sources: [IPAddress], destinations: [IPAddress]) throws -> String {
        let path = try freshFolder("batch") + "/part-00000.arrow"
        var batch = FlowBatch()
        for (i, (s, d)) in zip(sources, destinations).enumerated() {
            var r = FlowRecord()
            r.start = Int64(i) * 1000
            r.end = Int64(i) * 1000 + 500
            r.srcAddr = s
            r.dstAddr = d
            r.srcPort = i % 3 == 0 ? nil : UInt16(1000 + i)
            r.proto = 6
            r.packets = UInt64(i + 1)
            r.bytes = UInt64(100 * (i + 1))
            batch.append(r)
        }
        let writer = try FlowArrowWriter(path: path)
        try writer.write(batch)
        try writer.finish()
        return path
    }

    @Test func typedViewsAndMissingColumns() throws {
        let sources = (0..<50).map { IPAddress(ipv4: 0x0A00_0000 | UInt32($0)) }
        let destinations = (0..<50).map { IPAddress(high: 0x2001_0db8_0000_0000, low: UInt64($0)) }
        let path = try file(sources: sources, destinations: destinations)
        let reader = try ArrowFileReader(path: path)
        let batch = DatasetBatch(try reader.recordBatch(at: 0))
        #expect(batch.rowCount == 50)
        #expect(Array(try batch.start()) == (0..<50).map { Int64($0) * 1000 })
        #expect(Array(try batch.bytes()) == (0..<50).map { UInt64(100 * ($0 + 1)) })
        let ports = try batch.sourcePort()
        #expect(ports[0] == nil && ports[1] == 1001 && !ports.isValid(3))
        #expect(batch.field(\.service) == nil)
        #expect(try batch.ifPresent(\.service) { try $0.service() } == nil)
        #expect(try batch.ifPresent(\.proto) { try $0.proto() }.map(Array.init) == Array(repeating: 6, count: 50))
        #expect(throws: DatasetError.missingColumn(path: path, column: "service_port")) { try batch.servicePort() }
        #expect(throws: DatasetError.missingColumn(path: path, column: "hour_of_day")) {
            try reader.requireDatasetColumns([\.start, \.hourOfDay, \.dayOfWeek])
        }
        try reader.requireDatasetColumns([\.start, \.end, \.sourceAddress, \.destinationAddress])
    }

    /// The address reader gives `IPAddress.parse` of every row, with the internal-network
    /// membership, whether the text is memoised yet or not.
    @Test func addressReaderAgreesWithTheParser() throws {
        let sources = (0..<300).map { IPAddress(ipv4: 0x0A00_0000 | UInt32($0 % 40)) }
            + (0..<300).map { IPAddress(ipv4: 0xC0A8_0000 | UInt32($0 % 7)) }
        let destinations = (0..<600).map { IPAddress(high: 0x2001_0db8_0000_0000, low: UInt64($0 % 90)) }
        let path = try file(sources: sources, destinations: destinations)
        let reader = try ArrowFileReader(path: path)
        let batch = DatasetBatch(try reader.recordBatch(at: 0))
        let src = try batch.sourceAddress(), dst = try batch.destinationAddress()
        let networks = [NetworkPrefix("10.0.0.0/8")!]
        let addresses = DatasetAddressReader(internalNetworks: networks)
        for round in 0..<2 {
            for i in 0..<batch.rowCount {
                let (s, inside) = addresses.parse(src, row: i)
                #expect(s == sources[i] && inside == networks.contains(address: sources[i]), "row \(i) round \(round)")
                #expect(addresses.address(dst, row: i) == destinations[i])
                #expect(addresses.address(src, row: i) == IPAddress.parse(src[i]))
            }
        }
    }

    /// The memo returns what `IPAddress.parse` returns, also for repeated and colliding texts.
    @Test func memoAgreesWithTheParser() {
        let parser = DatasetAddressReader()
        let texts = ["2001:db8::1", "2001:db8::2", "fd00:f10e::1:10.0.0.5", "::", "::1", "bad", "1.2.3.4", "",
                     "2001:0db8:0000:0000:0000:0000:0000:0001", "::ffff:1.2.3.4", "1:2:3:4:5:6:7:8:9"]
            + (0..<10_000).map { "2001:db8::\(String($0, radix: 16))" }
        for round in 0..<2 {
            for text in texts {
                let bytes = Array(text.utf8) + [UInt8](repeating: 0x41, count: 64)
                let n = text.utf8.count
                let got = bytes.withUnsafeBufferPointer { parser.memoised(UnsafeBufferPointer(rebasing: $0[0..<n]), readable: round == 0 ? n : bytes.count) }
                #expect(got == IPAddress(text), "\(text) round \(round)")
            }
        }
    }
}
