/// Bounds-checked reading of FlatBuffers inside a byte region of a file. Every offset is
/// checked before it is followed; a bad one raises `ColumnarError.corrupt` naming the
/// absolute file offset, so corrupt input never traps. Scalars are read unaligned.
struct FlatBufferView {
    /// The flatbuffer's bytes.
    let bytes: UnsafeRawBufferPointer
    /// File offset of `bytes[0]`, for error messages.
    let fileOffset: Int
    /// File path, for error messages.
    let path: String

    func corrupt(at position: Int, _ detail: String) -> ColumnarError {
        .corrupt(path: path, offset: fileOffset + position, detail: detail)
    }

    /// Throws unless `position..<position+length` lies inside the buffer.
    func check(_ position: Int, length: Int, _ what: String) throws {
        if position < 0 || length < 0 || position > bytes.count || length > bytes.count - position {
            throw corrupt(at: position, "\(what) (\(length) bytes) lies outside the \(bytes.count)-byte flatbuffer starting at offset \(fileOffset)")
        }
    }

    func load<T: FixedWidthInteger>(_ position: Int, as type: T.Type, _ what: String) throws -> T {
        try check(position, length: MemoryLayout<T>.size, what)
        return T(littleEndian: bytes.loadUnaligned(fromByteOffset: position, as: T.self))
    }

    /// Follows the uoffset stored at `position`.
    func follow(_ position: Int, _ what: String) throws -> Int {
        let delta = try load(position, as: UInt32.self, what)
        let target = position + Int(delta)
        try check(target, length: 4, what)
        return target
    }

    /// The root table (the uoffset at byte 0).
    func rootTable(_ what: String) throws -> FlatBufferTable {
        try table(at: follow(0, "\(what) root offset"), what)
    }

    func table(at position: Int, _ what: String) throws -> FlatBufferTable {
        let soffset = try load(position, as: Int32.self, "\(what) vtable offset")
        let vtable = position - Int(soffset)
        let vtableSize = Int(try load(vtable, as: UInt16.self, "\(what) vtable"))
        if vtableSize < 4 || vtableSize & 1 != 0 {
            throw corrupt(at: vtable, "\(what) vtable size \(vtableSize) is invalid")
        }
        try check(vtable, length: vtableSize, "\(what) vtable")
        let inlineSize = Int(try load(vtable + 2, as: UInt16.self, "\(what) vtable"))
        try check(position, length: inlineSize, "\(what) table")
        return FlatBufferTable(view: self, position: position, vtable: vtable,
                               vtableSize: vtableSize, inlineSize: inlineSize, what: what)
    }

    func string(at position: Int, _ what: String) throws -> String {
        let count = Int(try load(position, as: UInt32.self, "\(what) length"))
        try check(position + 4, length: count, what)
        return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[(position + 4)..<(position + 4 + count)]),
                      as: UTF8.self)
    }
}

/// A table inside a `FlatBufferView`, with its vtable located and checked.
struct FlatBufferTable {
    let view: FlatBufferView
    let position: Int
    let vtable: Int
    let vtableSize: Int
    let inlineSize: Int
    let what: String

    /// Buffer position of the field in `slot`, or nil when the field is absent.
    func fieldPosition(_ slot: Int, size: Int) throws -> Int? {
        let entry = 4 + 2 * slot
        if entry + 2 > vtableSize { return nil }
        let voffset = Int(try view.load(vtable + entry, as: UInt16.self, "\(what) vtable"))
        if voffset == 0 { return nil }
        if voffset + size > inlineSize {
            throw view.corrupt(at: vtable + entry, "\(what) field \(slot) at \(voffset) overruns its \(inlineSize)-byte table")
        }
        return position + voffset
    }

    func scalar<T: FixedWidthInteger>(_ slot: Int, default value: T) throws -> T {
        guard let p = try fieldPosition(slot, size: MemoryLayout<T>.size) else { return value }
        return try view.load(p, as: T.self, "\(what) field \(slot)")
    }

    func bool(_ slot: Int, default value: Bool) throws -> Bool {
        try scalar(slot, default: UInt8(value ? 1 : 0)) != 0
    }

    func table(_ slot: Int, _ name: String) throws -> FlatBufferTable? {
        guard let p = try fieldPosition(slot, size: 4) else { return nil }
        return try view.table(at: view.follow(p, name), name)
    }

    func string(_ slot: Int, _ name: String) throws -> String? {
        guard let p = try fieldPosition(slot, size: 4) else { return nil }
        return try view.string(at: view.follow(p, name), name)
    }

    /// The vector in `slot`, whose elements are `elementSize` bytes each (4 for offsets).
    func vector(_ slot: Int, elementSize: Int, _ name: String) throws -> FlatBufferVector? {
        guard let p = try fieldPosition(slot, size: 4) else { return nil }
        let start = try view.follow(p, name)
        let count = Int(try view.load(start, as: UInt32.self, "\(name) length"))
        try view.check(start + 4, length: count * elementSize, "\(name) (\(count) elements)")
        return FlatBufferVector(view: view, start: start + 4, count: count, elementSize: elementSize, what: name)
    }
}

/// A vector inside a `FlatBufferView`, its extent already checked.
struct FlatBufferVector {
    let view: FlatBufferView
    /// Position of element 0.
    let start: Int
    let count: Int
    let elementSize: Int
    let what: String

    func elementPosition(_ i: Int) -> Int { start + i * elementSize }

    /// A scalar at `byteOffset` inside element `i` (for vectors of structs and scalars).
    func scalar<T: FixedWidthInteger>(_ i: Int, byteOffset: Int = 0, as type: T.Type) throws -> T {
        try view.load(elementPosition(i) + byteOffset, as: T.self, "\(what)[\(i)]")
    }

    func table(_ i: Int) throws -> FlatBufferTable {
        try view.table(at: view.follow(elementPosition(i), "\(what)[\(i)]"), "\(what)[\(i)]")
    }

    func string(_ i: Int) throws -> String {
        try view.string(at: view.follow(elementPosition(i), "\(what)[\(i)]"), "\(what)[\(i)]")
    }
}
