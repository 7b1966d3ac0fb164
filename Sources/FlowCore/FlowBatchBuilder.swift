/// Where decoders put the records they assemble: a `FlowBatch` (simple, for tests and
/// slow paths) or a `FlowBatchBuilder` (the per-row hot path of ingest).
public protocol FlowRowSink {
    /// Appends one record; `label` is the row's label text, if the dialect has one.
    mutating func append(_ r: FlowRecord, label: UnsafeBufferPointer<UInt8>?)
    /// Rows appended so far.
    var count: Int { get }
}

extension FlowBatch: FlowRowSink {}

/// Fixed-capacity column buffers that decoders fill through raw pointers, then move into a
/// `FlowBatch` in one bulk copy per column (`drain(into:)`).
///
/// `FlowBatch.append` pays, for each of its twenty-one arrays, a uniqueness check and a
/// capacity check on every row; here a row is one bounds check and plain stores, and
/// validity is a bit set in zeroed words. One builder belongs to one thread (it is a class
/// so that hot loops pass it without copying); it holds at most `capacity` rows between
/// drains, and appending beyond that traps.
public final class FlowBatchBuilder: FlowRowSink {
    /// Rows the buffers hold.
    public let capacity: Int
    /// Rows appended since the last drain.
    public var count: Int { rows }
    @usableFromInline var rows = 0

    @usableFromInline let start: UnsafeMutablePointer<Int64>
    @usableFromInline let end: UnsafeMutablePointer<Int64>
    @usableFromInline let srcAddr: UnsafeMutablePointer<IPAddress>
    @usableFromInline let dstAddr: UnsafeMutablePointer<IPAddress>
    @usableFromInline let proto: UnsafeMutablePointer<UInt8>
    @usableFromInline let packets: UnsafeMutablePointer<UInt64>
    @usableFromInline let bytes: UnsafeMutablePointer<UInt64>
    @usableFromInline var srcPort: NullableSlots<UInt16>
    @usableFromInline var dstPort: NullableSlots<UInt16>
    @usableFromInline var tcpFlags: NullableSlots<UInt8>
    @usableFromInline var inputInterface: NullableSlots<UInt32>
    @usableFromInline var outputInterface: NullableSlots<UInt32>
    @usableFromInline var srcAS: NullableSlots<UInt32>
    @usableFromInline var dstAS: NullableSlots<UInt32>
    @usableFromInline var tos: NullableSlots<UInt8>
    @usableFromInline var exporter: NullableSlots<IPAddress>
    @usableFromInline var samplingRate: NullableSlots<UInt32>
    @usableFromInline var flowDirection: NullableSlots<UInt8>
    @usableFromInline var revPackets: NullableSlots<UInt64>
    @usableFromInline var revBytes: NullableSlots<UInt64>
    /// Labels grow as needed (their text has no fixed width).
    @usableFromInline var label = StringColumn()

    /// A builder for batches of up to `capacity` rows (at least 1).
    public init(capacity: Int) {
        let n = max(1, capacity)
        self.capacity = n
        start = .allocate(capacity: n)
        end = .allocate(capacity: n)
        srcAddr = .allocate(capacity: n)
        dstAddr = .allocate(capacity: n)
        proto = .allocate(capacity: n)
        packets = .allocate(capacity: n)
        bytes = .allocate(capacity: n)
        srcPort = NullableSlots(capacity: n, zero: 0)
        dstPort = NullableSlots(capacity: n, zero: 0)
        tcpFlags = NullableSlots(capacity: n, zero: 0)
        inputInterface = NullableSlots(capacity: n, zero: 0)
        outputInterface = NullableSlots(capacity: n, zero: 0)
        srcAS = NullableSlots(capacity: n, zero: 0)
        dstAS = NullableSlots(capacity: n, zero: 0)
        tos = NullableSlots(capacity: n, zero: 0)
        exporter = NullableSlots(capacity: n, zero: .zero)
        samplingRate = NullableSlots(capacity: n, zero: 0)
        flowDirection = NullableSlots(capacity: n, zero: 0)
        revPackets = NullableSlots(capacity: n, zero: 0)
        revBytes = NullableSlots(capacity: n, zero: 0)
        label.reserveCapacity(n)
    }

    deinit {
        for p in [UnsafeMutableRawPointer(start), UnsafeMutableRawPointer(end), UnsafeMutableRawPointer(srcAddr),
                  UnsafeMutableRawPointer(dstAddr), UnsafeMutableRawPointer(proto), UnsafeMutableRawPointer(packets),
                  UnsafeMutableRawPointer(bytes)] {
            p.deallocate()
        }
        srcPort.deallocate(); dstPort.deallocate(); tcpFlags.deallocate()
        inputInterface.deallocate(); outputInterface.deallocate(); srcAS.deallocate(); dstAS.deallocate()
        tos.deallocate(); exporter.deallocate(); samplingRate.deallocate(); flowDirection.deallocate()
        revPackets.deallocate(); revBytes.deallocate()
    }

    public var isEmpty: Bool { count == 0 }
    public var isFull: Bool { count == capacity }

    /// Appends one record; traps when the builder is full (drain it first).
    @inlinable
    public func append(_ r: FlowRecord, label: UnsafeBufferPointer<UInt8>?) {
        let i = rows
        precondition(i < capacity, "FlowBatchBuilder: full (\(capacity) rows); drain it first")
        start[i] = r.start
        end[i] = r.end
        srcAddr[i] = r.srcAddr
        dstAddr[i] = r.dstAddr
        proto[i] = r.proto
        packets[i] = r.packets
        bytes[i] = r.bytes
        srcPort.set(i, r.srcPort)
        dstPort.set(i, r.dstPort)
        tcpFlags.set(i, r.tcpFlags)
        inputInterface.set(i, r.inputInterface)
        outputInterface.set(i, r.outputInterface)
        srcAS.set(i, r.srcAS)
        dstAS.set(i, r.dstAS)
        tos.set(i, r.tos)
        exporter.set(i, r.exporter)
        samplingRate.set(i, r.samplingRate)
        flowDirection.set(i, r.flowDirection)
        revPackets.set(i, r.revPackets)
        revBytes.set(i, r.revBytes)
        self.label.append(label)
        rows = i + 1
    }

    /// Appends the rows held to `batch` (one bulk copy per column) and empties the builder.
    public func drain(into batch: inout FlowBatch) {
        let n = count
        batch.start.append(contentsOf: UnsafeBufferPointer(start: start, count: n))
        batch.end.append(contentsOf: UnsafeBufferPointer(start: end, count: n))
        batch.srcAddr.append(contentsOf: UnsafeBufferPointer(start: srcAddr, count: n))
        batch.dstAddr.append(contentsOf: UnsafeBufferPointer(start: dstAddr, count: n))
        batch.proto.append(contentsOf: UnsafeBufferPointer(start: proto, count: n))
        batch.packets.append(contentsOf: UnsafeBufferPointer(start: packets, count: n))
        batch.bytes.append(contentsOf: UnsafeBufferPointer(start: bytes, count: n))
        srcPort.drain(n, into: &batch.srcPort)
        dstPort.drain(n, into: &batch.dstPort)
        tcpFlags.drain(n, into: &batch.tcpFlags)
        inputInterface.drain(n, into: &batch.inputInterface)
        outputInterface.drain(n, into: &batch.outputInterface)
        srcAS.drain(n, into: &batch.srcAS)
        dstAS.drain(n, into: &batch.dstAS)
        tos.drain(n, into: &batch.tos)
        exporter.drain(n, into: &batch.exporter)
        samplingRate.drain(n, into: &batch.samplingRate)
        flowDirection.drain(n, into: &batch.flowDirection)
        revPackets.drain(n, into: &batch.revPackets)
        revBytes.drain(n, into: &batch.revBytes)
        if batch.label.count == 0 {
            swap(&batch.label, &label)
        } else {
            batch.label.append(contentsOf: label)
        }
        label.removeAll()
        rows = 0
    }
}

/// One nullable column of a `FlowBatchBuilder`: a value slot per row (zero when null) and
/// validity bits in words that are zero until a value arrives.
@usableFromInline
struct NullableSlots<T: Sendable & Equatable> {
    @usableFromInline let values: UnsafeMutablePointer<T>
    @usableFromInline let bits: UnsafeMutablePointer<UInt64>
    @usableFromInline let words: Int
    @usableFromInline let zero: T
    /// Rows that hold a value since the last drain.
    @usableFromInline var valid = 0

    init(capacity: Int, zero: T) {
        values = .allocate(capacity: capacity)
        words = (capacity + 63) >> 6
        bits = .allocate(capacity: words)
        bits.initialize(repeating: 0, count: words)
        self.zero = zero
    }

    func deallocate() {
        values.deallocate()
        bits.deallocate()
    }

    @inlinable @inline(__always)
    mutating func set(_ i: Int, _ v: T?) {
        if let v {
            values[i] = v
            bits[i >> 6] |= 1 << UInt64(truncatingIfNeeded: i & 63)
            valid += 1
        } else {
            values[i] = zero
        }
    }

    /// Appends rows `0..<n` to `column` and clears the bits for the next rows.
    mutating func drain(_ n: Int, into column: inout NullableColumn<T>) {
        column.append(values: UnsafeBufferPointer(start: values, count: n),
                      validBits: UnsafeBufferPointer(start: bits, count: (n + 63) >> 6), validCount: valid)
        if valid != 0 { bits.update(repeating: 0, count: (n + 63) >> 6) }
        valid = 0
    }
}
