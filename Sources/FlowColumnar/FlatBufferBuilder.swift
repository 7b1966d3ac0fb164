/// A position inside a FlatBuffer under construction, counted from the buffer's end
/// (FlatBuffers are built back to front). Only meaningful for the builder that made it.
public struct FlatBufferOffset: Equatable, Sendable {
    let fromEnd: Int
}

/// A minimal FlatBuffers builder: tables with vtables, strings, vectors of offsets, vectors
/// of scalars and of structs, and unions (a type byte plus an offset in consecutive slots).
///
/// Objects are written back to front, so children are created before the table that
/// refers to them, and `finish(root:)` returns the bytes with the root offset in front.
/// Scalars are aligned to their size relative to the buffer end; `finish` pads the front
/// so the whole buffer is a multiple of the largest alignment used (8 for our structs).
/// Builder misuse (nesting tables, adding fields outside a table) is a programming error.
public struct FlatBufferBuilder {
    /// Bytes built so far live in `storage[head...]`.
    private var storage: [UInt8]
    private var head: Int
    private var minAlign = 1
    /// Size of the buffer when the open table started, or -1 when no table is open.
    private var tableStart = -1
    private var fieldLocations: [(slot: Int, fromEnd: Int)] = []

    public init(capacity: Int = 1024) {
        storage = [UInt8](repeating: 0, count: max(capacity, 64))
        head = storage.count
    }

    /// Number of bytes built so far.
    public var size: Int { storage.count - head }

    // MARK: Raw prepending

    private mutating func reserve(_ n: Int) {
        if head >= n { return }
        let used = size
        let newCount = max(storage.count * 2, used + n + 64)
        var grown = [UInt8](repeating: 0, count: newCount)
        storage.withUnsafeBytes { old in
            grown.withUnsafeMutableBytes { new in
                UnsafeMutableRawBufferPointer(rebasing: new[(newCount - used)...])
                    .copyMemory(from: UnsafeRawBufferPointer(rebasing: old[head...]))
            }
        }
        storage = grown
        head = newCount - used
    }

    /// Prepends zero bytes so that after writing `additional` more bytes the buffer size
    /// is a multiple of `alignment` (a power of two).
    private mutating func align(_ alignment: Int, additional: Int) {
        if alignment > minAlign { minAlign = alignment }
        let padding = (~(size + additional) &+ 1) & (alignment - 1)
        reserve(padding)
        for _ in 0..<padding {
            head -= 1
            storage[head] = 0
        }
    }

    private mutating func prepend<T: FixedWidthInteger>(_ value: T) {
        let n = MemoryLayout<T>.size
        reserve(n)
        head -= n
        var v = value.littleEndian
        withUnsafeBytes(of: &v) { raw in
            for i in 0..<n { storage[head + i] = raw[i] }
        }
    }

    private mutating func prepend(bytes: UnsafeRawBufferPointer) {
        reserve(bytes.count)
        head -= bytes.count
        storage.withUnsafeMutableBytes { dst in
            UnsafeMutableRawBufferPointer(rebasing: dst[head..<(head + bytes.count)]).copyMemory(from: bytes)
        }
    }

    /// Prepends a uoffset (u32) that points at `target`.
    private mutating func prependOffset(to target: FlatBufferOffset) {
        align(4, additional: 0)
        precondition(target.fromEnd <= size, "FlatBufferBuilder: offset to an object not yet built")
        prepend(UInt32(size + 4 - target.fromEnd))
    }

    // MARK: Strings and vectors

    /// A string: u32 length, the UTF-8 bytes and a terminating zero.
    public mutating func createString(_ string: String) -> FlatBufferOffset {
        precondition(tableStart < 0, "FlatBufferBuilder: create strings before starting a table")
        var s = string
        return s.withUTF8 { utf8 in
            align(4, additional: utf8.count + 1)
            prepend(UInt8(0))
            prepend(bytes: UnsafeRawBufferPointer(utf8))
            prepend(UInt32(utf8.count))
            return FlatBufferOffset(fromEnd: size)
        }
    }

    /// A vector of offsets to tables or strings built earlier.
    public mutating func createVector(offsets: [FlatBufferOffset]) -> FlatBufferOffset {
        precondition(tableStart < 0, "FlatBufferBuilder: create vectors before starting a table")
        align(4, additional: 4 * offsets.count)
        for target in offsets.reversed() { prependOffset(to: target) }
        prepend(UInt32(offsets.count))
        return FlatBufferOffset(fromEnd: size)
    }

    /// A vector of `count` structs of `structSize` bytes each, given as their packed
    /// little-endian bytes; elements are aligned to `alignment`.
    public mutating func createVector(structBytes: [UInt8], count: Int, structSize: Int,
                                      alignment: Int) -> FlatBufferOffset {
        precondition(tableStart < 0, "FlatBufferBuilder: create vectors before starting a table")
        precondition(structBytes.count == count * structSize, "FlatBufferBuilder: struct bytes do not match count")
        align(4, additional: structBytes.count)
        align(alignment, additional: structBytes.count)
        structBytes.withUnsafeBytes { prepend(bytes: $0) }
        prepend(UInt32(count))
        return FlatBufferOffset(fromEnd: size)
    }

    /// A vector of little-endian scalars.
    public mutating func createVector<T: FixedWidthInteger>(scalars: [T]) -> FlatBufferOffset {
        precondition(tableStart < 0, "FlatBufferBuilder: create vectors before starting a table")
        let n = MemoryLayout<T>.size
        align(4, additional: n * scalars.count)
        align(n, additional: n * scalars.count)
        for v in scalars.reversed() { prepend(v) }
        prepend(UInt32(scalars.count))
        return FlatBufferOffset(fromEnd: size)
    }

    // MARK: Tables

    /// Starts a table; add its fields, then call `endTable()`.
    public mutating func startTable() {
        precondition(tableStart < 0, "FlatBufferBuilder: tables cannot be nested; build children first")
        tableStart = size
        fieldLocations.removeAll(keepingCapacity: true)
    }

    /// Adds a scalar field in vtable slot `slot` (0 = first field of the schema).
    public mutating func add<T: FixedWidthInteger>(slot: Int, _ value: T) {
        precondition(tableStart >= 0, "FlatBufferBuilder: add fields inside startTable/endTable")
        align(MemoryLayout<T>.size, additional: 0)
        prepend(value)
        fieldLocations.append((slot, size))
    }

    /// Adds a bool field (one byte, 0 or 1).
    public mutating func add(slot: Int, _ value: Bool) {
        add(slot: slot, UInt8(value ? 1 : 0))
    }

    /// Adds an offset field pointing at a string, vector or table built earlier.
    public mutating func add(slot: Int, _ offset: FlatBufferOffset) {
        precondition(tableStart >= 0, "FlatBufferBuilder: add fields inside startTable/endTable")
        prependOffset(to: offset)
        fieldLocations.append((slot, size))
    }

    /// Adds a union: its type byte in `slot` and the value offset in `slot + 1`, as the
    /// FlatBuffers compiler numbers a union field `x` (`x_type`, then `x`).
    public mutating func addUnion(slot: Int, type: UInt8, value: FlatBufferOffset) {
        add(slot: slot, type)
        add(slot: slot + 1, value)
    }

    /// Ends the open table, writes its vtable and returns the table's offset.
    public mutating func endTable() -> FlatBufferOffset {
        precondition(tableStart >= 0, "FlatBufferBuilder: endTable without startTable")
        align(4, additional: 0)
        prepend(Int32(0))  // soffset to the vtable, patched below
        let tableAt = size
        let slotCount = (fieldLocations.map(\.slot).max() ?? -1) + 1
        var slots = [UInt16](repeating: 0, count: slotCount)
        for field in fieldLocations { slots[field.slot] = UInt16(tableAt - field.fromEnd) }
        for v in slots.reversed() { prepend(v) }
        prepend(UInt16(tableAt - tableStart))
        prepend(UInt16(4 + 2 * slotCount))
        let vtableAt = size
        // The vtable sits before the table: vtable = table - soffset.
        var soffset = Int32(vtableAt - tableAt).littleEndian
        let tableIndex = storage.count - tableAt
        withUnsafeBytes(of: &soffset) { raw in
            for i in 0..<4 { storage[tableIndex + i] = raw[i] }
        }
        tableStart = -1
        return FlatBufferOffset(fromEnd: tableAt)
    }

    /// Finishes the buffer with `root` as its root table and returns the bytes. The byte
    /// count is a multiple of the largest alignment used.
    public mutating func finish(root: FlatBufferOffset) -> [UInt8] {
        precondition(tableStart < 0, "FlatBufferBuilder: finish with an open table")
        align(max(minAlign, 4), additional: 4)
        prependOffset(to: root)
        return Array(storage[head...])
    }

    /// Empties the builder for reuse, keeping its storage.
    public mutating func reset() {
        head = storage.count
        minAlign = 1
        tableStart = -1
        fieldLocations.removeAll(keepingCapacity: true)
    }
}
