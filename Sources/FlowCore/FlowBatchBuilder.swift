/// Column buffers that decoders fill through raw pointers, then move into a `FlowBatch` in
/// one bulk copy per column (`drain(into:)`).
///
/// `FlowBatch.append` pays, for each of its twenty-one arrays, a uniqueness check and a
/// capacity check on every row; here a row is one capacity check and plain stores, and
/// validity is a bit set in zeroed words. One builder belongs to one thread (it is a class
/// so that hot loops pass it without copying). Callers that cut batches drain it when
/// `isFull`; callers that cannot stop mid-input (binary readers decode whole chunks) let it
/// grow, which doubles every buffer.
public final class FlowBatchBuilder {
    /// Rows the buffers hold before they grow.
    public private(set) var capacity: Int
    /// Rows appended since the last drain.
    public var count: Int { rows }
    @usableFromInline var rows = 0

    @usableFromInline private(set) var start: UnsafeMutablePointer<Int64>
    @usableFromInline private(set) var end: UnsafeMutablePointer<Int64>
    @usableFromInline private(set) var srcAddr: UnsafeMutablePointer<IPAddress>
    @usableFromInline private(set) var dstAddr: UnsafeMutablePointer<IPAddress>
    @usableFromInline private(set) var proto: UnsafeMutablePointer<UInt8>
    @usableFromInline private(set) var packets: UnsafeMutablePointer<UInt64>
    @usableFromInline private(set) var bytes: UnsafeMutablePointer<UInt64>
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

    /// Appends one record (growing the buffers when full).
    @inlinable
    public func append(_ r: FlowRecord, label: UnsafeBufferPointer<UInt8>? = nil) {
        let i = rows
        if i == capacity { grow() }
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

    // MARK: Direct stores

    /// Opens the next row for decoders whose fields arrive one at a time (nfcapd elements)
    /// and returns its index: the fixed columns start at zero, every nullable one null. Store
    /// fields with the `set…` methods (a second store replaces the first), then
    /// `commitRow()`, or `abandonRow(_:)` to drop the row. Cheaper than building a `FlowRecord` and appending it.
    @inlinable @inline(__always)
    public func openRow() -> Int {
        let i = rows
        if i == capacity { grow() }
        let noAddress = exporter.zero  // IPAddress.zero without its lazy-global accessor
        start[i] = 0; end[i] = 0
        srcAddr[i] = noAddress; dstAddr[i] = noAddress
        proto[i] = 0; packets[i] = 0; bytes[i] = 0
        // Null slots hold zero (their bits are clear since the last drain).
        srcPort.values[i] = 0; dstPort.values[i] = 0; tcpFlags.values[i] = 0
        inputInterface.values[i] = 0; outputInterface.values[i] = 0; srcAS.values[i] = 0; dstAS.values[i] = 0
        tos.values[i] = 0; exporter.values[i] = noAddress; samplingRate.values[i] = 0; flowDirection.values[i] = 0
        revPackets.values[i] = 0; revBytes.values[i] = 0
        return i
    }

    /// Columns a decoder promises to fill (`fill…`) for every row that `openRows` opens, so
    /// they need not be zeroed first. The sampling rate is always zeroed.
    public struct FilledColumns: OptionSet, Sendable {
        public let rawValue: UInt16
        public init(rawValue: UInt16) { self.rawValue = rawValue }
        /// Start and end.
        public static let times = FilledColumns(rawValue: 1 << 0)
        /// Source and destination address.
        public static let addresses = FilledColumns(rawValue: 1 << 1)
        public static let `protocol` = FilledColumns(rawValue: 1 << 2)
        /// Packets and bytes.
        public static let counters = FilledColumns(rawValue: 1 << 3)
        /// Source and destination port.
        public static let ports = FilledColumns(rawValue: 1 << 4)
        public static let tcpFlags = FilledColumns(rawValue: 1 << 5)
        public static let tos = FilledColumns(rawValue: 1 << 6)
        /// Input and output interface.
        public static let interfaces = FilledColumns(rawValue: 1 << 7)
        public static let direction = FilledColumns(rawValue: 1 << 8)
        /// Source and destination AS.
        public static let asNumbers = FilledColumns(rawValue: 1 << 9)
        /// Reverse packets and bytes.
        public static let reverseCounters = FilledColumns(rawValue: 1 << 10)
        public static let exporter = FilledColumns(rawValue: 1 << 11)
    }

    /// Opens `n` rows at once (`openRow` for each): their index is the returned first
    /// index + 0..<n, and `commitRows(n)` adds them. The columns in `filled` are left as
    /// they are: the caller fills them for all `n` rows before committing.
    public func openRows(_ n: Int, filled: FilledColumns = []) -> Int {
        let first = rows
        while first + n > capacity { grow() }
        let noAddress = exporter.zero
        if !filled.contains(.times) { (start + first).update(repeating: 0, count: n); (end + first).update(repeating: 0, count: n) }
        if !filled.contains(.addresses) {
            (srcAddr + first).update(repeating: noAddress, count: n); (dstAddr + first).update(repeating: noAddress, count: n)
        }
        if !filled.contains(.protocol) { (proto + first).update(repeating: 0, count: n) }
        if !filled.contains(.counters) { (packets + first).update(repeating: 0, count: n); (bytes + first).update(repeating: 0, count: n) }
        if !filled.contains(.ports) { srcPort.zero(first, n); dstPort.zero(first, n) }
        if !filled.contains(.tcpFlags) { tcpFlags.zero(first, n) }
        if !filled.contains(.tos) { tos.zero(first, n) }
        if !filled.contains(.interfaces) { inputInterface.zero(first, n); outputInterface.zero(first, n) }
        if !filled.contains(.direction) { flowDirection.zero(first, n) }
        if !filled.contains(.asNumbers) { srcAS.zero(first, n); dstAS.zero(first, n) }
        if !filled.contains(.reverseCounters) { revPackets.zero(first, n); revBytes.zero(first, n) }
        if !filled.contains(.exporter) { exporter.zero(first, n) }
        samplingRate.zero(first, n)
        return first
    }

    /// Adds the open row to the builder (with a null label).
    @inlinable @inline(__always)
    public func commitRow() {
        label.append(nil as UnsafeBufferPointer<UInt8>?)
        rows += 1
    }

    /// Adds the `n` rows opened by `openRows(n)` (with null labels): `commitRow()` n times.
    public func commitRows(_ n: Int) {
        label.appendNulls(n)
        rows += n
    }

    /// Drops the open row `i`: its stored values are cleared.
    public func abandonRow(_ i: Int) {
        srcPort.clear(i); dstPort.clear(i); tcpFlags.clear(i)
        inputInterface.clear(i); outputInterface.clear(i); srcAS.clear(i); dstAS.clear(i)
        tos.clear(i); exporter.clear(i); samplingRate.clear(i); flowDirection.clear(i)
        revPackets.clear(i); revBytes.clear(i)
    }

    // One setter per column; `i` is the open row.
    @inlinable @inline(__always) public func setStart(_ i: Int, _ v: Int64) { start[i] = v }
    @inlinable @inline(__always) public func setEnd(_ i: Int, _ v: Int64) { end[i] = v }
    @inlinable @inline(__always) public func setSourceAddress(_ i: Int, _ v: IPAddress) { srcAddr[i] = v }
    @inlinable @inline(__always) public func setDestinationAddress(_ i: Int, _ v: IPAddress) { dstAddr[i] = v }
    @inlinable @inline(__always) public func setProtocol(_ i: Int, _ v: UInt8) { proto[i] = v }
    @inlinable @inline(__always) public func setPackets(_ i: Int, _ v: UInt64) { packets[i] = v }
    @inlinable @inline(__always) public func setBytes(_ i: Int, _ v: UInt64) { bytes[i] = v }
    @inlinable @inline(__always) public func setSourcePort(_ i: Int, _ v: UInt16) { srcPort.store(i, v) }
    @inlinable @inline(__always) public func setDestinationPort(_ i: Int, _ v: UInt16) { dstPort.store(i, v) }
    @inlinable @inline(__always) public func setTCPFlags(_ i: Int, _ v: UInt8) { tcpFlags.store(i, v) }
    @inlinable @inline(__always) public func setInputInterface(_ i: Int, _ v: UInt32) { inputInterface.store(i, v) }
    @inlinable @inline(__always) public func setOutputInterface(_ i: Int, _ v: UInt32) { outputInterface.store(i, v) }
    @inlinable @inline(__always) public func setSourceAS(_ i: Int, _ v: UInt32) { srcAS.store(i, v) }
    @inlinable @inline(__always) public func setDestinationAS(_ i: Int, _ v: UInt32) { dstAS.store(i, v) }
    @inlinable @inline(__always) public func setTOS(_ i: Int, _ v: UInt8) { tos.store(i, v) }
    @inlinable @inline(__always) public func setExporter(_ i: Int, _ v: IPAddress) { exporter.store(i, v) }
    @inlinable @inline(__always) public func setSamplingRate(_ i: Int, _ v: UInt32) { samplingRate.store(i, v) }
    @inlinable @inline(__always) public func setFlowDirection(_ i: Int, _ v: UInt8) { flowDirection.store(i, v) }
    @inlinable @inline(__always) public func setReversePackets(_ i: Int, _ v: UInt64) { revPackets.store(i, v) }
    @inlinable @inline(__always) public func setReverseBytes(_ i: Int, _ v: UInt64) { revBytes.store(i, v) }

    /// Doubles every buffer, keeping the rows held.
    @usableFromInline
    func grow() {
        let old = capacity, new = 2 * capacity
        func moved<T>(_ p: UnsafeMutablePointer<T>) -> UnsafeMutablePointer<T> {
            let q = UnsafeMutablePointer<T>.allocate(capacity: new)
            q.moveInitialize(from: p, count: old)
            p.deallocate()
            return q
        }
        start = moved(start); end = moved(end); srcAddr = moved(srcAddr); dstAddr = moved(dstAddr)
        proto = moved(proto); packets = moved(packets); bytes = moved(bytes)
        srcPort.grow(from: old, to: new); dstPort.grow(from: old, to: new); tcpFlags.grow(from: old, to: new)
        inputInterface.grow(from: old, to: new); outputInterface.grow(from: old, to: new)
        srcAS.grow(from: old, to: new); dstAS.grow(from: old, to: new); tos.grow(from: old, to: new)
        exporter.grow(from: old, to: new); samplingRate.grow(from: old, to: new)
        flowDirection.grow(from: old, to: new); revPackets.grow(from: old, to: new); revBytes.grow(from: old, to: new)
        capacity = new
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

    /// A nullable column of the rows held, read in place: a slot per row (zero in null
    /// rows) and the validity bits, bit i of word i / 64 for row i.
    public struct NullableRows<T> {
        public let values: UnsafeBufferPointer<T>
        public let validityWords: UnsafeBufferPointer<UInt64>
        /// Rows that hold a value.
        public let validCount: Int
    }

    /// The rows held, column by column, read in place: what a writer takes instead of a
    /// `FlowBatch` drained from the builder, saving the copy. The buffers are valid until
    /// the builder next changes.
    public struct Rows {
        public let count: Int
        public let start, end: UnsafeBufferPointer<Int64>
        public let srcAddr, dstAddr: UnsafeBufferPointer<IPAddress>
        public let proto: UnsafeBufferPointer<UInt8>
        public let packets, bytes: UnsafeBufferPointer<UInt64>
        public let srcPort, dstPort: NullableRows<UInt16>
        public let tcpFlags, tos, flowDirection: NullableRows<UInt8>
        public let inputInterface, outputInterface, srcAS, dstAS, samplingRate: NullableRows<UInt32>
        public let exporter: NullableRows<IPAddress>
        public let revPackets, revBytes: NullableRows<UInt64>
        public let label: StringColumn
    }

    /// The rows held, read in place (see `Rows`).
    public var rowsInPlace: Rows {
        let n = count
        return Rows(count: n, start: UnsafeBufferPointer(start: start, count: n), end: UnsafeBufferPointer(start: end, count: n),
                    srcAddr: UnsafeBufferPointer(start: srcAddr, count: n), dstAddr: UnsafeBufferPointer(start: dstAddr, count: n),
                    proto: UnsafeBufferPointer(start: proto, count: n), packets: UnsafeBufferPointer(start: packets, count: n),
                    bytes: UnsafeBufferPointer(start: bytes, count: n), srcPort: srcPort.rows(n), dstPort: dstPort.rows(n),
                    tcpFlags: tcpFlags.rows(n), tos: tos.rows(n), flowDirection: flowDirection.rows(n),
                    inputInterface: inputInterface.rows(n), outputInterface: outputInterface.rows(n), srcAS: srcAS.rows(n),
                    dstAS: dstAS.rows(n), samplingRate: samplingRate.rows(n), exporter: exporter.rows(n),
                    revPackets: revPackets.rows(n), revBytes: revBytes.rows(n), label: label)
    }

    /// Exchanges everything this builder holds (rows, buffers, capacity) with `other`: a
    /// full builder hands its rows on and goes on with the other's (empty) buffers.
    public func swapContents(with other: FlowBatchBuilder) {
        swap(&capacity, &other.capacity); swap(&rows, &other.rows)
        swap(&start, &other.start); swap(&end, &other.end); swap(&srcAddr, &other.srcAddr); swap(&dstAddr, &other.dstAddr)
        swap(&proto, &other.proto); swap(&packets, &other.packets); swap(&bytes, &other.bytes)
        swap(&srcPort, &other.srcPort); swap(&dstPort, &other.dstPort); swap(&tcpFlags, &other.tcpFlags)
        swap(&inputInterface, &other.inputInterface); swap(&outputInterface, &other.outputInterface)
        swap(&srcAS, &other.srcAS); swap(&dstAS, &other.dstAS); swap(&tos, &other.tos); swap(&exporter, &other.exporter)
        swap(&samplingRate, &other.samplingRate); swap(&flowDirection, &other.flowDirection)
        swap(&revPackets, &other.revPackets); swap(&revBytes, &other.revBytes); swap(&label, &other.label)
    }

    /// Drops every row (what `drain(into:)` leaves, without the copy).
    public func removeAll() {
        let n = count
        srcPort.drop(n); dstPort.drop(n); tcpFlags.drop(n)
        inputInterface.drop(n); outputInterface.drop(n); srcAS.drop(n); dstAS.drop(n)
        tos.drop(n); exporter.drop(n); samplingRate.drop(n); flowDirection.drop(n)
        revPackets.drop(n); revBytes.drop(n)
        label.removeAll()
        rows = 0
    }
}

/// One nullable column of a `FlowBatchBuilder`: a value slot per row (zero when null) and
/// validity bits in words that are zero until a value arrives. The builder's `deinit` frees
/// the buffers; it is the only owner (the slots are never copied out of it). Not
/// `~Copyable` yet: with it, Swift 6.3.1's release (whole-module) build of FlowCore crashes
/// in the performance inliner ("Should never be inlining a resilient function into a
/// fragile function", on the `@usableFromInline` property's setter); debug builds and the
/// tests were fine.
@usableFromInline
struct NullableSlots<T: Sendable & Equatable> {
    @usableFromInline var values: UnsafeMutablePointer<T>
    @usableFromInline var bits: UnsafeMutablePointer<UInt64>
    @usableFromInline let zero: T
    /// Rows that hold a value since the last drain.
    @usableFromInline var valid = 0

    init(capacity: Int, zero: T) {
        values = .allocate(capacity: capacity)
        let words = (capacity + 63) >> 6
        bits = .allocate(capacity: words)
        bits.initialize(repeating: 0, count: words)
        self.zero = zero
    }

    /// Moves the `old` slots into buffers of `new` (the new bits start zero).
    mutating func grow(from old: Int, to new: Int) {
        let v = UnsafeMutablePointer<T>.allocate(capacity: new)
        v.moveInitialize(from: values, count: old)
        values.deallocate()
        values = v
        let oldWords = (old + 63) >> 6, newWords = (new + 63) >> 6
        let b = UnsafeMutablePointer<UInt64>.allocate(capacity: newWords)
        b.moveInitialize(from: bits, count: oldWords)
        (b + oldWords).initialize(repeating: 0, count: newWords - oldWords)
        bits.deallocate()
        bits = b
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

    /// Stores `v` in row `i` (direct stores; a second store replaces the first).
    @inlinable @inline(__always)
    mutating func store(_ i: Int, _ v: T) {
        values[i] = v
        let word = bits[i >> 6], bit: UInt64 = 1 << UInt64(truncatingIfNeeded: i & 63)
        bits[i >> 6] = word | bit
        valid += word & bit == 0 ? 1 : 0
    }

    /// Sets the value slots of rows `first..<first+n` to zero (their bits are clear).
    func zero(_ first: Int, _ n: Int) {
        (values + first).update(repeating: zero, count: n)
    }

    /// Makes row `i` null again (a row abandoned after some direct stores).
    mutating func clear(_ i: Int) {
        let bit: UInt64 = 1 << UInt64(truncatingIfNeeded: i & 63)
        guard bits[i >> 6] & bit != 0 else { return }
        bits[i >> 6] &= ~bit
        values[i] = zero
        valid -= 1
    }

    /// Appends rows `0..<n` to `column` and clears the bits for the next rows.
    mutating func drain(_ n: Int, into column: inout NullableColumn<T>) {
        column.append(values: UnsafeBufferPointer(start: values, count: n),
                      validBits: UnsafeBufferPointer(start: bits, count: (n + 63) >> 6), validCount: valid)
        drop(n)
    }

    /// Rows `0..<n` in place.
    func rows(_ n: Int) -> FlowBatchBuilder.NullableRows<T> {
        FlowBatchBuilder.NullableRows(values: UnsafeBufferPointer(start: values, count: n),
                                      validityWords: UnsafeBufferPointer(start: bits, count: (n + 63) >> 6), validCount: valid)
    }

    /// Forgets rows `0..<n`: their bits are cleared for the next rows.
    mutating func drop(_ n: Int) {
        if valid != 0 { bits.update(repeating: 0, count: (n + 63) >> 6) }
        valid = 0
    }
}

extension FlowBatch {
    /// Runs `body` with an empty builder, then appends the rows it added to this batch: how
    /// tests and other slow paths call the decoders, which all fill builders.
    public mutating func appending<R>(_ body: (FlowBatchBuilder) throws -> R) rethrows -> R {
        let rows = FlowBatchBuilder(capacity: 16)
        defer { rows.drain(into: &self) }
        return try body(rows)
    }
}
