/// Appending whole batches: how ingest gathers the rows of many tiny input files into the
/// record batches of one shared Arrow file.
extension ValidityBitmap {
    /// Appends the rows of `other` after this bitmap's rows.
    public mutating func append(contentsOf other: ValidityBitmap) {
        let n = other.count
        guard n > 0 else { return }
        let valid = n - other.nullCount
        if !other.materialized && !materialized && nulls == (valid == n ? 0 : length) {
            // Both uniform the same way: still only counters.
            length += n
            nulls += n - valid
            return
        }
        let bytes = other.materialized ? other.bytes : []
        withUnsafeTemporaryAllocation(of: UInt64.self, capacity: (n + 63) >> 6) { words in
            if other.materialized {
                words.initialize(repeating: 0)
                for (i, b) in bytes.enumerated() { words[i >> 3] |= UInt64(b) << UInt64(8 * (i & 7)) }
            } else {
                words.initialize(repeating: valid == n ? ~0 : 0)
            }
            append(words: UnsafeBufferPointer(words), count: n, valid: valid)
        }
    }
}

extension NullableColumn {
    /// Appends the rows of `other` (values and validity) after this column's rows.
    public mutating func append(contentsOf other: NullableColumn<T>) {
        let n = other.count
        guard n > 0 else { return }
        if other.storedValues.isEmpty && storedValues.isEmpty {
            unstoredNulls += n  // null so far on both sides: still only counted
        } else {
            storeNulls()
            if other.storedValues.isEmpty {
                storedValues.append(contentsOf: repeatElement(zero, count: n))
            } else {
                storedValues.append(contentsOf: other.storedValues)
            }
        }
        validity.append(contentsOf: other.validity)
    }
}

extension StringColumn {
    /// Appends every row of `other`: its bytes in one copy, its offsets moved by this
    /// column's byte count.
    public mutating func append(contentsOf other: StringColumn) {
        let n = other.count
        guard n > 0 else { return }
        storeRepeatedOffsets()
        let base = storedOffsets[storedOffsets.count - 1]
        let offsets = other.offsets
        storedOffsets.reserveCapacity(storedOffsets.count + n)
        for i in 1...n { storedOffsets.append(base &+ offsets[i]) }
        data.append(contentsOf: other.data)
        validity.append(contentsOf: other.validity)
    }
}

extension FlowBatch {
    /// Appends every row of `other` after this batch's rows, column by column. A label
    /// column with no rows stands for all null (as the Arrow writer reads it).
    public mutating func append(contentsOf other: FlowBatch) {
        guard !other.isEmpty else { return }
        let before = count
        start.append(contentsOf: other.start)
        end.append(contentsOf: other.end)
        srcAddr.append(contentsOf: other.srcAddr)
        dstAddr.append(contentsOf: other.dstAddr)
        srcPort.append(contentsOf: other.srcPort)
        dstPort.append(contentsOf: other.dstPort)
        proto.append(contentsOf: other.proto)
        tcpFlags.append(contentsOf: other.tcpFlags)
        packets.append(contentsOf: other.packets)
        bytes.append(contentsOf: other.bytes)
        inputInterface.append(contentsOf: other.inputInterface)
        outputInterface.append(contentsOf: other.outputInterface)
        srcAS.append(contentsOf: other.srcAS)
        dstAS.append(contentsOf: other.dstAS)
        tos.append(contentsOf: other.tos)
        exporter.append(contentsOf: other.exporter)
        samplingRate.append(contentsOf: other.samplingRate)
        flowDirection.append(contentsOf: other.flowDirection)
        revPackets.append(contentsOf: other.revPackets)
        revBytes.append(contentsOf: other.revBytes)
        if other.label.count == 0 || other.label.validity.nullCount == other.label.count {
            // No labels (most dialects): a counter, or nothing while this batch has none either.
            if label.count == before { label.appendNulls(other.count) }
        } else {
            if label.count < before { label.appendNulls(before - label.count) }
            label.append(contentsOf: other.label)
        }
    }

    /// Bytes the batch's column buffers hold (by row count, not capacity): what a batch
    /// waiting in memory costs, for budgets.
    public var approximateBytes: Int {
        let fixed = MemoryLayout<Int64>.size * 2 + MemoryLayout<IPAddress>.size * 3 + 1 + 1 + 8 * 2
            + 2 * 2 + 4 * 5 + 1 + 1 + 8 * 2 + 4
        return count * fixed + label.data.count
    }
}
