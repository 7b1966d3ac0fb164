import FlowColumnar
import FlowCore
import FlowDataset

/// The flows of a dataset selection in compact columns for feature extraction and the
/// host graph: hosts interned to dense ids (`hosts[id]`), ports as Int32 (−1 = none),
/// TCP flags with a has-flags bit, direction from the dataset or derived. About 48 bytes
/// per flow.
public struct FlowTable: Sendable {
    public var start: [Int64] = []
    public var duration: [Int64] = []
    public var source: [Int32] = []
    public var destination: [Int32] = []
    public var destinationPort: [Int32] = []
    /// Source ports (−1 = none); may be shorter than the table (tables built without
    /// them): read through `sourcePortOf`.
    public var sourcePort: [Int32] = []
    public var proto: [UInt8] = []
    /// Cumulative TCP flags; `flagsKnown` false when the dataset has none for the row.
    public var tcpFlags: [UInt8] = []
    public var flagsKnown: [Bool] = []
    public var packets: [UInt64] = []
    public var bytes: [UInt64] = []
    public var reverseBytes: [UInt64] = []
    public var direction: [FlowDirection] = []
    /// Host id → address, and whether it is internal.
    public var hosts: [IPAddress] = []
    public var hostIsInternal: [Bool] = []
    /// Rows skipped because an address did not parse.
    public var skippedRows = 0

    public var count: Int { start.count }

    public init() {}

    /// Reads every file of `dataset`. Addresses are read through FlowDataset's `DatasetAddressReader`.
    public static func load(_ dataset: DatasetListing, internalNetworks: [NetworkPrefix],
                            names: DatasetColumnNames = DatasetColumnNames()) throws -> FlowTable {
        var table = FlowTable()
        var ids: [IPAddress: Int32] = [:]
        let addresses = DatasetAddressReader()
        for file in dataset.files {
            let reader = try ArrowFileReader(path: file.path)
            for b in 0..<reader.recordBatchCount {
                let batch = try reader.recordBatch(at: b)
                let columns = try DatasetColumns(batch, names: names)
                table.append(columns, ids: &ids, internalNetworks: internalNetworks, addresses: addresses)
            }
        }
        return table
    }

    mutating func intern(_ address: IPAddress, _ ids: inout [IPAddress: Int32], _ networks: [NetworkPrefix]) -> Int32 {
        if let id = ids[address] { return id }
        let id = Int32(hosts.count)
        ids[address] = id
        hosts.append(address)
        hostIsInternal.append(networks.contains(address: address))
        return id
    }

    mutating func append(_ c: DatasetColumns, ids: inout [IPAddress: Int32], internalNetworks: [NetworkPrefix],
                         addresses: borrowing DatasetAddressReader) {
        let n = c.rowCount
        reserveCapacity(count + n)
        for i in 0..<n {
            guard let s = addresses.address(c.source, row: i), let d = addresses.address(c.destination, row: i) else {
                skippedRows += 1
                continue
            }
            let sid = intern(s, &ids, internalNetworks)
            let did = intern(d, &ids, internalNetworks)
            start.append(c.start[i])
            duration.append(c.duration(i))
            source.append(sid)
            destination.append(did)
            destinationPort.append(c.port(i))
            sourcePort.append(c.sourcePortValue(i))
            proto.append(c.proto[i])
            let (f, known) = c.flags(i)
            tcpFlags.append(f)
            flagsKnown.append(known)
            packets.append(c.packets[i])
            bytes.append(c.bytes[i])
            reverseBytes.append(c.reverse(i))
            if let text = c.direction, let parsed = FlowDirection.parse(text[i]) {
                direction.append(parsed)
            } else {
                direction.append(.from(sourceInternal: hostIsInternal[Int(sid)], destinationInternal: hostIsInternal[Int(did)]))
            }
        }
    }

    mutating func reserveCapacity(_ n: Int) {
        start.reserveCapacity(n); duration.reserveCapacity(n); source.reserveCapacity(n)
        destination.reserveCapacity(n); destinationPort.reserveCapacity(n); sourcePort.reserveCapacity(n); proto.reserveCapacity(n)
        tcpFlags.reserveCapacity(n); flagsKnown.reserveCapacity(n); packets.reserveCapacity(n)
        bytes.reserveCapacity(n); reverseBytes.reserveCapacity(n); direction.reserveCapacity(n)
    }

    /// Source port of row `i`, −1 when unknown.
    @inline(__always)
    public func sourcePortOf(_ i: Int) -> Int32 { i < sourcePort.count ? sourcePort[i] : -1 }

    /// Whether row `i` is sent by the client of its connection (the side that opened it):
    /// the destination port is at most the source port (a service port is the lower one:
    /// 40312 → 443 is a request, 443 → 40312 its answer in unidirectional exports). With
    /// either port unknown the row is taken as sent by the client (biflow datasets put the
    /// initiator first).
    @inline(__always)
    public func sentByClient(_ i: Int) -> Bool {
        let s = sourcePortOf(i), d = destinationPort[i]
        guard s > 0, d > 0 else { return true }
        return d <= s
    }

    /// A failed or half-open TCP attempt: TCP with SYN but no ACK, or with RST.
    @inline(__always)
    public func isFailedTCP(_ i: Int) -> Bool {
        guard proto[i] == 6, flagsKnown[i] else { return false }
        let f = tcpFlags[i]
        return (f & 0x02 != 0 && f & 0x10 == 0) || f & 0x04 != 0
    }
}
