/// A batch of flows in columnar form: one buffer per schema field, appended row by row and
/// reused between batches. The Arrow writer turns a batch into one record batch.
public struct FlowBatch: Sendable, Equatable {
    public var start: [Int64] = []
    public var end: [Int64] = []
    public var srcAddr: [IPAddress] = []
    public var dstAddr: [IPAddress] = []
    public var srcPort = NullableColumn<UInt16>(zero: 0)
    public var dstPort = NullableColumn<UInt16>(zero: 0)
    public var proto: [UInt8] = []
    public var tcpFlags = NullableColumn<UInt8>(zero: 0)
    public var packets: [UInt64] = []
    public var bytes: [UInt64] = []
    public var inputInterface = NullableColumn<UInt32>(zero: 0)
    public var outputInterface = NullableColumn<UInt32>(zero: 0)
    public var srcAS = NullableColumn<UInt32>(zero: 0)
    public var dstAS = NullableColumn<UInt32>(zero: 0)
    public var tos = NullableColumn<UInt8>(zero: 0)
    public var exporter = NullableColumn<IPAddress>(zero: .zero)
    public var samplingRate = NullableColumn<UInt32>(zero: 0)
    public var flowDirection = NullableColumn<UInt8>(zero: 0)
    public var revPackets = NullableColumn<UInt64>(zero: 0)
    public var revBytes = NullableColumn<UInt64>(zero: 0)
    /// Ground-truth label of labelled datasets (CIC-IDS "Label", generator labels).
    public var label = StringColumn()

    public init() {}

    /// Creates an empty batch with room for `capacity` rows in every column.
    public init(capacity: Int) {
        reserveCapacity(capacity)
    }

    /// Reserves room for `rows` rows in total in every column (labels get offsets room;
    /// their text grows as needed).
    public mutating func reserveCapacity(_ rows: Int) {
        start.reserveCapacity(rows)
        end.reserveCapacity(rows)
        srcAddr.reserveCapacity(rows)
        dstAddr.reserveCapacity(rows)
        srcPort.reserveCapacity(rows)
        dstPort.reserveCapacity(rows)
        proto.reserveCapacity(rows)
        tcpFlags.reserveCapacity(rows)
        packets.reserveCapacity(rows)
        bytes.reserveCapacity(rows)
        inputInterface.reserveCapacity(rows)
        outputInterface.reserveCapacity(rows)
        srcAS.reserveCapacity(rows)
        dstAS.reserveCapacity(rows)
        tos.reserveCapacity(rows)
        exporter.reserveCapacity(rows)
        samplingRate.reserveCapacity(rows)
        flowDirection.reserveCapacity(rows)
        revPackets.reserveCapacity(rows)
        revBytes.reserveCapacity(rows)
        label.reserveCapacity(rows)
    }

    public var count: Int { start.count }
    public var isEmpty: Bool { start.isEmpty }

    /// Appends one record; `label` is the row's label text, if the dialect has one.
    @inlinable
    public mutating func append(_ r: FlowRecord, label: UnsafeBufferPointer<UInt8>? = nil) {
        start.append(r.start)
        end.append(r.end)
        srcAddr.append(r.srcAddr)
        dstAddr.append(r.dstAddr)
        srcPort.append(r.srcPort)
        dstPort.append(r.dstPort)
        proto.append(r.proto)
        tcpFlags.append(r.tcpFlags)
        packets.append(r.packets)
        bytes.append(r.bytes)
        inputInterface.append(r.inputInterface)
        outputInterface.append(r.outputInterface)
        srcAS.append(r.srcAS)
        dstAS.append(r.dstAS)
        tos.append(r.tos)
        exporter.append(r.exporter)
        samplingRate.append(r.samplingRate)
        flowDirection.append(r.flowDirection)
        revPackets.append(r.revPackets)
        revBytes.append(r.revBytes)
        self.label.append(label)
    }

    /// The record at row `i` (without its label); for tests and slow paths.
    public func record(at i: Int) -> FlowRecord {
        var r = FlowRecord()
        r.start = start[i]
        r.end = end[i]
        r.srcAddr = srcAddr[i]
        r.dstAddr = dstAddr[i]
        r.srcPort = srcPort[i]
        r.dstPort = dstPort[i]
        r.proto = proto[i]
        r.tcpFlags = tcpFlags[i]
        r.packets = packets[i]
        r.bytes = bytes[i]
        r.inputInterface = inputInterface[i]
        r.outputInterface = outputInterface[i]
        r.srcAS = srcAS[i]
        r.dstAS = dstAS[i]
        r.tos = tos[i]
        r.exporter = exporter[i]
        r.samplingRate = samplingRate[i]
        r.flowDirection = flowDirection[i]
        r.revPackets = revPackets[i]
        r.revBytes = revBytes[i]
        return r
    }

    /// Empties every column, keeping capacity for the next batch.
    public mutating func removeAll() {
        start.removeAll(keepingCapacity: true)
        end.removeAll(keepingCapacity: true)
        srcAddr.removeAll(keepingCapacity: true)
        dstAddr.removeAll(keepingCapacity: true)
        srcPort.removeAll()
        dstPort.removeAll()
        proto.removeAll(keepingCapacity: true)
        tcpFlags.removeAll()
        packets.removeAll(keepingCapacity: true)
        bytes.removeAll(keepingCapacity: true)
        inputInterface.removeAll()
        outputInterface.removeAll()
        srcAS.removeAll()
        dstAS.removeAll()
        tos.removeAll()
        exporter.removeAll()
        samplingRate.removeAll()
        flowDirection.removeAll()
        revPackets.removeAll()
        revBytes.removeAll()
        label.removeAll()
    }
}
