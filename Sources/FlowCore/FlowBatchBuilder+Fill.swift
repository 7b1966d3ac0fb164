// Column-at-a-time stores into open rows, for decoders that read one field of many
// same-shaped records in a row (nfcapd records of one element layout): the loop over the
// rows runs inside the builder with the column's buffer in a local, so it is one load and
// one store per row, and a nullable column's validity is set a word at a time.
extension FlowBatchBuilder {
    /// Stores `value(k)` in row `first + k` of a fixed-width column, for k in 0..<n.
    @inlinable @inline(__always)
    static func fill<T>(_ column: UnsafeMutablePointer<T>, _ first: Int, _ n: Int, _ value: (Int) -> T) {
        let p = column + first
        for k in 0..<n { p[k] = value(k) }
    }

    // One method per column: `fill…(first, n) { k in the value of row first + k }`. The
    // rows must be open (`openRows`); a second fill of a column replaces the first.
    @inlinable @inline(__always) public func fillStart(_ first: Int, _ n: Int, _ value: (Int) -> Int64) { Self.fill(start, first, n, value) }
    @inlinable @inline(__always) public func fillEnd(_ first: Int, _ n: Int, _ value: (Int) -> Int64) { Self.fill(end, first, n, value) }
    @inlinable @inline(__always) public func fillSourceAddress(_ first: Int, _ n: Int, _ value: (Int) -> IPAddress) { Self.fill(srcAddr, first, n, value) }
    @inlinable @inline(__always) public func fillDestinationAddress(_ first: Int, _ n: Int, _ value: (Int) -> IPAddress) { Self.fill(dstAddr, first, n, value) }
    @inlinable @inline(__always) public func fillProtocol(_ first: Int, _ n: Int, _ value: (Int) -> UInt8) { Self.fill(proto, first, n, value) }
    @inlinable @inline(__always) public func fillPackets(_ first: Int, _ n: Int, _ value: (Int) -> UInt64) { Self.fill(packets, first, n, value) }
    @inlinable @inline(__always) public func fillBytes(_ first: Int, _ n: Int, _ value: (Int) -> UInt64) { Self.fill(bytes, first, n, value) }
    @inlinable @inline(__always) public func fillSourcePort(_ first: Int, _ n: Int, _ value: (Int) -> UInt16) { srcPort.fill(first, n, value) }
    @inlinable @inline(__always) public func fillDestinationPort(_ first: Int, _ n: Int, _ value: (Int) -> UInt16) { dstPort.fill(first, n, value) }
    @inlinable @inline(__always) public func fillTCPFlags(_ first: Int, _ n: Int, _ value: (Int) -> UInt8) { tcpFlags.fill(first, n, value) }
    @inlinable @inline(__always) public func fillInputInterface(_ first: Int, _ n: Int, _ value: (Int) -> UInt32) { inputInterface.fill(first, n, value) }
    @inlinable @inline(__always) public func fillOutputInterface(_ first: Int, _ n: Int, _ value: (Int) -> UInt32) { outputInterface.fill(first, n, value) }
    @inlinable @inline(__always) public func fillSourceAS(_ first: Int, _ n: Int, _ value: (Int) -> UInt32) { srcAS.fill(first, n, value) }
    @inlinable @inline(__always) public func fillDestinationAS(_ first: Int, _ n: Int, _ value: (Int) -> UInt32) { dstAS.fill(first, n, value) }
    @inlinable @inline(__always) public func fillTOS(_ first: Int, _ n: Int, _ value: (Int) -> UInt8) { tos.fill(first, n, value) }
    @inlinable @inline(__always) public func fillFlowDirection(_ first: Int, _ n: Int, _ value: (Int) -> UInt8) { flowDirection.fill(first, n, value) }
    @inlinable @inline(__always) public func fillReversePackets(_ first: Int, _ n: Int, _ value: (Int) -> UInt64) { revPackets.fill(first, n, value) }
    @inlinable @inline(__always) public func fillReverseBytes(_ first: Int, _ n: Int, _ value: (Int) -> UInt64) { revBytes.fill(first, n, value) }
    @inlinable @inline(__always) public func fillExporter(_ first: Int, _ n: Int, _ value: (Int) -> IPAddress) { exporter.fill(first, n, value) }
}

extension NullableSlots {
    /// Stores `value(k)` in row `first + k`, for k in 0..<n, and marks the rows valid.
    @inlinable @inline(__always)
    mutating func fill(_ first: Int, _ n: Int, _ value: (Int) -> T) {
        FlowBatchBuilder.fill(values, first, n, value)
        markValid(first, n)
    }

    /// Sets the validity bits of rows `first..<first+n`, counting those that were clear.
    @inlinable @inline(__always)
    mutating func markValid(_ first: Int, _ n: Int) {
        var row = first
        let end = first + n
        while row < end {
            let word = row >> 6, bit = row & 63
            let take = min(64 - bit, end - row)
            let mask: UInt64 = (take == 64 ? ~0 : (1 << UInt64(take)) - 1) << UInt64(bit)
            valid += (mask & ~bits[word]).nonzeroBitCount
            bits[word] |= mask
            row += take
        }
    }
}
