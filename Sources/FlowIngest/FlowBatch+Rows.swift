import FlowCore

extension FlowBatch {
    /// A copy of rows `range` (all columns, labels included). Used to cut binary decodes,
    /// which append a whole chunk's records at once, into record batches of exactly
    /// `batchRows` rows. Fixed-width columns are copied as slices; validity bitmaps are
    /// rebuilt bit by bit (their storage is FlowCore's).
    func rows(_ range: Range<Int>) -> FlowBatch {
        var out = FlowBatch(capacity: range.count)
        out.start.append(contentsOf: start[range])
        out.end.append(contentsOf: end[range])
        out.srcAddr.append(contentsOf: srcAddr[range])
        out.dstAddr.append(contentsOf: dstAddr[range])
        out.proto.append(contentsOf: proto[range])
        out.packets.append(contentsOf: packets[range])
        out.bytes.append(contentsOf: bytes[range])
        Self.copy(srcPort, range, into: &out.srcPort)
        Self.copy(dstPort, range, into: &out.dstPort)
        Self.copy(tcpFlags, range, into: &out.tcpFlags)
        Self.copy(inputInterface, range, into: &out.inputInterface)
        Self.copy(outputInterface, range, into: &out.outputInterface)
        Self.copy(srcAS, range, into: &out.srcAS)
        Self.copy(dstAS, range, into: &out.dstAS)
        Self.copy(tos, range, into: &out.tos)
        Self.copy(exporter, range, into: &out.exporter)
        Self.copy(samplingRate, range, into: &out.samplingRate)
        Self.copy(flowDirection, range, into: &out.flowDirection)
        Self.copy(revPackets, range, into: &out.revPackets)
        Self.copy(revBytes, range, into: &out.revBytes)
        if label.count == count { out.label.append(contentsOf: label, rows: range) }
        return out
    }

    /// Copies `range` of a nullable column; a column the decoder left empty stays empty
    /// (the writer then writes it as all null).
    private static func copy<T>(_ column: NullableColumn<T>, _ range: Range<Int>, into out: inout NullableColumn<T>) {
        guard column.count >= range.upperBound else { return }
        out.values.append(contentsOf: column.values[range])
        for i in range { out.validity.append(column.validity[i]) }
    }
}
