import FlowCore
import Testing
import FlowIO
@testable import FlowColumnar
import FlowTestSupport

@Suite("Arrow IPC file write and read")
struct ArrowRoundTripTests {
    @Test func flowBatchesRoundTrip() throws {
        let path = temporaryPath("flows.arrow")
        let batches = [ArrowPeerSample.sampleBatch(rows: 100, seed: 1), ArrowPeerSample.sampleBatch(rows: 1, seed: 2), ArrowPeerSample.sampleBatch(rows: 257, seed: 3)]
        let writer = try FlowArrowWriter(path: path)
        for b in batches { try writer.write(b) }
        try writer.write(FlowBatch())  // empty: writes nothing
        #expect(writer.batchesWritten == 3)
        #expect(writer.rowsWritten == 358)
        try writer.finish()

        let reader = try ArrowFileReader(path: path)
        #expect(reader.fields == FlowSchema.fields.map(ArrowField.init))
        #expect(reader.metadataValue(FlowArrowWriter.schemaVersionKey) == String(FlowSchema.version))
        #expect(reader.recordBatchCount == 3)
        for (i, b) in batches.enumerated() {
            let back = try reader.readFlowBatch(at: i)
            #expect(back == b)
        }
        let first = try reader.readFlowBatch(at: 0)
        #expect(first.srcAddr.contains(where: { !$0.isIPv4 }), "sample has IPv6 sources")
        #expect(first.label[1] == "", "empty label survives as empty, not null")
        #expect(first.label[5] == nil)
    }

    @Test func emptyNullableColumnsAreWrittenAsNulls() throws {
        let path = temporaryPath("nulls.arrow")
        var batch = ArrowPeerSample.sampleBatch(rows: 10, seed: 4)
        batch.revBytes = NullableColumn(zero: 0)  // left empty by a decoder
        batch.label = StringColumn()
        batch.exporter = NullableColumn(zero: .zero)
        var allNullTos = NullableColumn<UInt8>(zero: 0)
        for _ in 0..<10 { allNullTos.append(nil) }
        batch.tos = allNullTos
        let writer = try FlowArrowWriter(path: path)
        try writer.write(batch)
        try writer.finish()

        let reader = try ArrowFileReader(path: path)
        let rb = try reader.recordBatch(at: 0)
        for name in ["rev_bytes", "label", "exporter", "tos"] {
            let c = try #require(reader.columnIndex(named: name))
            #expect(try rb.nullCount(column: c) == 10, "\(name)")
            let validity = try #require(try rb.validity(column: c))
            #expect(validity.zeroCount == 10)
        }
        let back = try reader.readFlowBatch(at: 0)
        #expect(back.revBytes.allNull && back.revBytes.count == 10)
        #expect(back.tos.allNull && back.exporter.allNull)
        #expect((0..<10).allSatisfy { back.label[$0] == nil })
        #expect(back.srcAddr == batch.srcAddr && back.packets == batch.packets)
    }

    @Test func zeroBatchFile() throws {
        let path = temporaryPath("empty.arrow")
        let writer = try FlowArrowWriter(path: path, metadata: [(key: "k", value: "v")])
        try writer.finish()
        let reader = try ArrowFileReader(path: path)
        #expect(reader.recordBatchCount == 0)
        #expect(reader.fields.count == FlowSchema.fields.count)
        #expect(reader.metadataValue("k") == "v")
        #expect(throws: ColumnarError.self) { try reader.recordBatch(at: 0) }
    }

    @Test func everyBufferAndMessageIsEightByteAligned() throws {
        let path = temporaryPath("aligned.arrow")
        let writer = try FlowArrowWriter(path: path)
        for (rows, seed) in [(3, 5), (13, 6), (1, 7)] as [(Int, UInt64)] {
            try writer.write(ArrowPeerSample.sampleBatch(rows: rows, seed: seed))
        }
        try writer.finish()
        let bytes = readAll(path)
        #expect(bytes.count % 2 == 0)
        #expect(Array(bytes[0..<8]) == Array("ARROW1".utf8) + [0, 0])
        let reader = try ArrowFileReader(path: path)
        #expect(reader.footerStart % 8 == 0)
        for i in 0..<reader.recordBatchCount {
            let block = reader.blocks[i]
            #expect(block.offset % 8 == 0 && block.metaDataLength % 8 == 0 && block.bodyLength % 8 == 0)
            let rb = try reader.recordBatch(at: i)
            #expect(rb.buffers.count == 2 * 17 + 3 * 4)
            for buffer in rb.buffers {
                #expect(buffer.offset % 8 == 0, "buffer at \(buffer.offset)")
            }
        }
        // End of stream marker just before the footer.
        let eos = reader.footerStart - 8
        #expect(Array(bytes[eos..<(eos + 8)]) == [0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 0])
    }

    @Test func validityIsOmittedWithoutNulls() throws {
        let path = temporaryPath("novalidity.arrow")
        var batch = FlowBatch()
        var r = FlowRecord()
        r.srcPort = 80
        r.exporter = IPAddress("192.0.2.1")
        batch.append(r, label: nil)
        r.srcPort = 443
        batch.append(r, label: nil)
        let writer = try FlowArrowWriter(path: path)
        try writer.write(batch)
        try writer.finish()
        let reader = try ArrowFileReader(path: path)
        let rb = try reader.recordBatch(at: 0)
        let port = try #require(reader.columnIndex(named: "src_port"))
        #expect(try rb.validity(column: port) == nil)
        #expect(rb.buffers[rb.firstBuffer[port]].length == 0, "validity buffer length is 0")
        #expect(Array(try rb.values(column: port, as: UInt16.self)) == [80, 443])
        let label = try #require(reader.columnIndex(named: "label"))
        #expect(try rb.nullCount(column: label) == 2)
        #expect(try reader.readFlowBatch(at: 0) == batch)
    }

    @Test func genericColumnsOfEveryType() throws {
        let path = temporaryPath("generic.arrow")
        let fields = [
            SchemaField("t", .timestampMillis, nullable: false, ""),
            SchemaField("i", .int64, nullable: true, ""),
            SchemaField("f", .float64, nullable: false, ""),
            SchemaField("b", .bool, nullable: true, ""),
            SchemaField("u8", .uint8, nullable: false, ""),
            SchemaField("u32", .uint32, nullable: false, ""),
            SchemaField("s", .utf8, nullable: true, ""),
        ]
        var validity = ValidityBitmap()
        for v in [true, false, true, true, true, false, true, true, true, true] { validity.append(v) }
        var text = StringColumn()
        for s in ["a", nil, "", "ünï", "x", nil, "yy", "z", "", "end"] as [String?] { text.append(s) }
        let bools = [true, false, false, true, true, true, false, false, true, false]
        let writer = try ArrowFileWriter(path: path, fields: fields, metadata: [])
        try writer.write(rowCount: 10, columns: [
            .values((0..<10).map { Int64($0) * 1000 }),
            .values((0..<10).map { Int64(-$0) }, validity: validity),
            .values((0..<10).map { Double($0) / 4 }),
            .bools(bools, validity: validity),
            .values((0..<10).map { UInt8($0) }),
            .values((0..<10).map { UInt32.max - UInt32($0) }),
            .utf8(text),
        ])
        try writer.write(rowCount: 0, columns: [.values([Int64]()), .values([Int64]()), .values([Double]()),
                                                .bools([]), .values([UInt8]()), .values([UInt32]()), .utf8(StringColumn())])
        try writer.finish()

        let reader = try ArrowFileReader(path: path)
        #expect(reader.fields.map(\.type) == [.timestamp(unit: .millisecond, timezone: "UTC"), .int(bitWidth: 64, signed: true),
                                              .floatingPoint(bitWidth: 64), .bool, .int(bitWidth: 8, signed: false),
                                              .int(bitWidth: 32, signed: false), .utf8])
        #expect(reader.fields.map(\.nullable) == [false, true, false, true, false, false, true])
        let rb = try reader.recordBatch(at: 0)
        #expect(rb.rowCount == 10)
        #expect(Array(try rb.values(column: 0, as: Int64.self)) == (0..<10).map { Int64($0) * 1000 })
        #expect(try rb.validity(column: 0) == nil)
        let iValidity = try #require(try rb.validity(column: 1))
        #expect((0..<10).map { iValidity[$0] } == (0..<10).map { validity[$0] })
        #expect(Array(try rb.values(column: 2, as: Double.self)) == (0..<10).map { Double($0) / 4 })
        let b = try rb.bools(column: 3)
        #expect((0..<10).map { b[$0] } == bools)
        #expect(Array(try rb.values(column: 5, as: UInt32.self)) == (0..<10).map { UInt32.max - UInt32($0) })
        let s = try rb.utf8(column: 6)
        #expect(s.count == 10)
        #expect((0..<10).map { s.string(at: $0) } == ["a", "", "", "ünï", "x", "", "yy", "z", "", "end"])
        #expect(try rb.nullCount(column: 6) == 2)
        // Wrong Swift type for a column is an error, not a reinterpretation.
        #expect(throws: ColumnarError.self) { try rb.values(column: 5, as: Int32.self) }
        #expect(throws: ColumnarError.self) { try rb.utf8(column: 0) }

        let empty = try reader.recordBatch(at: 1)
        #expect(empty.rowCount == 0)
        #expect(try empty.values(column: 4, as: UInt8.self).isEmpty)
        #expect(try empty.utf8(column: 6).count == 0)
    }

    @Test func invalidColumnsAreRejectedBeforeWriting() throws {
        let path = temporaryPath("invalid.arrow")
        let fields = [SchemaField("a", .uint16, nullable: false, ""), SchemaField("s", .utf8, nullable: false, "")]
        let writer = try ArrowFileWriter(path: path, fields: fields)
        var nulls = ValidityBitmap()
        nulls.append(true); nulls.append(false)
        let bad: [[ArrowColumn]] = [
            [.values([UInt16(1)]), .utf8(offsets: [0, 1], data: [65])],                    // too few rows
            [.values([UInt32(1), 2]), .utf8(offsets: [0, 1, 2], data: [65, 66])],         // wrong Swift type
            [.values([UInt16(1), 2], validity: nulls), .utf8(offsets: [0, 1, 2], data: [65, 66])],  // nulls, not nullable
            [.values([UInt16(1), 2]), .utf8(offsets: [0, 2, 1], data: [65, 66])],         // decreasing offsets
            [.values([UInt16(1), 2]), .utf8(offsets: [0, 1, 3], data: [65, 66])],         // past the data
            [.values([UInt16(1), 2]), .allNull],                                           // nulls, not nullable
            [.values([UInt16(1), 2])],                                                     // missing column
        ]
        for columns in bad {
            #expect(throws: ColumnarError.self) { try writer.write(rowCount: 2, columns: columns) }
        }
        try writer.write(rowCount: 2, columns: [.values([UInt16(7), 8]), .utf8(offsets: [0, 1, 2], data: [65, 66])])
        try writer.finish()
        #expect(throws: ColumnarError.self) { try writer.finish() }
        let reader = try ArrowFileReader(path: path)
        #expect(reader.recordBatchCount == 1)
        let rb = try reader.recordBatch(at: 0)
        #expect(Array(try rb.values(column: 0, as: UInt16.self)) == [7, 8])
        #expect(try rb.utf8(column: 1).string(at: 1) == "B")
    }

    @Test func readFlowBatchRejectsOtherSchemas() throws {
        let path = temporaryPath("other.arrow")
        var fields = FlowSchema.fields
        fields[4] = SchemaField("src_port", .uint32, nullable: true, "")
        let writer = try ArrowFileWriter(path: path, fields: fields)
        try writer.finish()
        let reader = try ArrowFileReader(path: path)
        #expect(throws: ColumnarError.schemaMismatch(
            path: path, detail: "column 4 is 'src_port' uint32, FlowSchema has 'src_port' uint16")) {
            try reader.checkFlowSchema()
        }
        #expect(throws: ColumnarError.self) { try reader.readFlowBatch(at: 0) }
    }

    @Test func openErrorsNameThePathAndOffset() throws {
        let missing = temporaryPath("missing.arrow")
        do {
            _ = try ArrowFileReader(path: missing)
            Issue.record("a missing file opened")
        } catch {
            // Opening is FlowIO's job (shared MappedFile); its message names the path.
            #expect("\(error)".contains(missing))
        }
        let text = temporaryPath("text.csv")
        writeAll(Array("start,end,src_addr\n1,2,3\n".utf8), to: text)
        do {
            _ = try ArrowFileReader(path: text)
            Issue.record("a CSV file opened as Arrow")
        } catch let error as ColumnarError {
            #expect(error == .notArrowFile(path: text, offset: 0, detail: "missing ARROW1 magic"))
            #expect("\(error)".contains("not an Arrow IPC file (missing ARROW1 magic at offset 0)"))
        }
        let empty = temporaryPath("empty")
        writeAll([], to: empty)
        #expect(throws: ColumnarError.self) { try ArrowFileReader(path: empty) }
    }
}
