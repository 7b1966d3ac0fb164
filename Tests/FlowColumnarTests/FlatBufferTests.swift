import Testing
@testable import FlowColumnar

@Suite("FlatBuffers builder and reader")
struct FlatBufferTests {
    /// Builds: root { 0: int64, 1: int16, 2: bool, 3: string, 4: [string], 5: [struct{i64,i32,pad,i64}],
    ///                6/7: union(type 9, child table { 0: uint8 = 200 }), 9: [int32] } — slot 8 absent.
    func sampleBuffer() -> [UInt8] {
        var b = FlatBufferBuilder(capacity: 16)  // small, to exercise growth
        let name = b.createString("héllo")
        let names = [b.createString("a"), b.createString(""), b.createString("ccc")]
        let nameVector = b.createVector(offsets: names)
        var structs: [UInt8] = []
        for i in 0..<3 {
            appendLittleEndian(Int64(i * 1000), to: &structs)
            appendLittleEndian(Int32(-i), to: &structs)
            appendLittleEndian(Int32(0), to: &structs)
            appendLittleEndian(Int64(Int64.max - Int64(i)), to: &structs)
        }
        let structVector = b.createVector(structBytes: structs, count: 3, structSize: 24, alignment: 8)
        let ints = b.createVector(scalars: [Int32(7), -8, 9])
        b.startTable()
        b.add(slot: 0, UInt8(200))
        let child = b.endTable()
        b.startTable()
        b.add(slot: 1, Int16(-3))
        b.add(slot: 0, Int64(-1234567890123))
        b.add(slot: 2, true)
        b.add(slot: 3, name)
        b.add(slot: 4, nameVector)
        b.add(slot: 5, structVector)
        b.addUnion(slot: 6, type: 9, value: child)
        b.add(slot: 9, ints)
        return b.finish(root: b.endTable())
    }

    @Test func roundTrip() throws {
        let bytes = sampleBuffer()
        #expect(bytes.count % 8 == 0)
        try bytes.withUnsafeBytes { raw in
            let view = FlatBufferView(bytes: raw, fileOffset: 100, path: "<memory>")
            let root = try view.rootTable("root")
            #expect(try root.scalar(0, default: Int64(0)) == -1234567890123)
            #expect(try root.scalar(1, default: Int16(0)) == -3)
            #expect(try root.bool(2, default: false) == true)
            #expect(try root.string(3, "name") == "héllo")
            let names = try #require(try root.vector(4, elementSize: 4, "names"))
            #expect(names.count == 3)
            #expect(try (0..<3).map { try names.string($0) } == ["a", "", "ccc"])
            let structs = try #require(try root.vector(5, elementSize: 24, "structs"))
            #expect(structs.count == 3)
            #expect(structs.start % 8 == 0, "struct vector elements are 8-byte aligned")
            for i in 0..<3 {
                #expect(try structs.scalar(i, byteOffset: 0, as: Int64.self) == Int64(i * 1000))
                #expect(try structs.scalar(i, byteOffset: 8, as: Int32.self) == Int32(-i))
                #expect(try structs.scalar(i, byteOffset: 16, as: Int64.self) == Int64.max - Int64(i))
            }
            #expect(try root.scalar(6, default: UInt8(0)) == 9)
            let child = try #require(try root.table(7, "child"))
            #expect(try child.scalar(0, default: UInt8(0)) == 200)
            #expect(try child.scalar(1, default: Int32(42)) == 42, "absent field reads its default")
            #expect(try root.table(8, "absent") == nil)
            let ints = try #require(try root.vector(9, elementSize: 4, "ints"))
            #expect(try (0..<3).map { try ints.scalar($0, as: Int32.self) } == [7, -8, 9])
            #expect(try root.string(40, "far slot") == nil, "slots past the vtable are absent")
        }
    }

    @Test func scalarsAreAlignedToTheirSize() throws {
        var b = FlatBufferBuilder()
        b.startTable()
        b.add(slot: 0, UInt8(1))
        b.add(slot: 1, Int64(2))
        b.add(slot: 2, Int16(3))
        b.add(slot: 3, Int32(4))
        let bytes = b.finish(root: b.endTable())
        try bytes.withUnsafeBytes { raw in
            let root = try FlatBufferView(bytes: raw, fileOffset: 0, path: "<memory>").rootTable("root")
            for (slot, size) in [(1, 8), (2, 2), (3, 4)] {
                let p = try #require(try root.fieldPosition(slot, size: size))
                #expect(p % size == 0)
            }
            #expect(try root.scalar(1, default: Int64(0)) == 2)
            #expect(try root.scalar(3, default: Int32(0)) == 4)
        }
    }

    @Test func outOfRangeOffsetsAreErrorsNamingTheOffset() throws {
        var bytes = sampleBuffer()
        // Root offset pointing far past the end.
        bytes[0] = 0xF0; bytes[1] = 0xFF; bytes[2] = 0xFF; bytes[3] = 0x7F
        bytes.withUnsafeBytes { raw in
            let view = FlatBufferView(bytes: raw, fileOffset: 1000, path: "x.arrow")
            #expect(throws: ColumnarError.self) { try view.rootTable("root") }
            do {
                _ = try view.rootTable("root")
            } catch {
                #expect("\(error)".contains("offset 1000"), "\(error)")
            }
        }
    }

    @Test func everyTruncationOrBitFlipIsHandled() {
        let original = sampleBuffer()
        func readEverything(_ bytes: [UInt8]) throws {
            try bytes.withUnsafeBytes { raw in
                let root = try FlatBufferView(bytes: raw, fileOffset: 0, path: "<memory>").rootTable("root")
                _ = try root.scalar(0, default: Int64(0))
                _ = try root.string(3, "name")
                if let v = try root.vector(4, elementSize: 4, "names") { for i in 0..<v.count { _ = try v.string(i) } }
                if let v = try root.vector(5, elementSize: 24, "s") { for i in 0..<v.count { _ = try v.scalar(i, byteOffset: 16, as: Int64.self) } }
                _ = try root.table(7, "child")?.scalar(0, default: UInt8(0))
            }
        }
        var failures = 0
        for n in 0..<original.count {
            do { try readEverything(Array(original.prefix(n))) } catch { failures += 1 }
        }
        #expect(failures > original.count / 2, "most truncations are detected")
        for i in 0..<original.count {
            for mask: UInt8 in [0xFF, 0x80, 0x01] {
                var corrupt = original
                corrupt[i] ^= mask
                _ = try? readEverything(corrupt)
            }
        }
    }
}
