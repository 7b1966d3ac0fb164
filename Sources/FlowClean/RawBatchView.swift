import FlowColumnar
import FlowCore

/// Typed views of every column of one record batch of a raw (ingest) Arrow file. Building
/// the view does all the checking the reader offers (buffer ranges, utf8 offsets), so
/// reading rows through it afterwards cannot fail: a file is either fully readable or
/// refused before any of its rows is used.
struct RawBatchView {
    let batch: ArrowRecordBatch
    let rowCount: Int
    let start: ArrowValues<Int64>, startValid: ArrowBitmapView?
    let end: ArrowValues<Int64>, endValid: ArrowBitmapView?
    let src: ArrowUTF8View, srcValid: ArrowBitmapView?
    let dst: ArrowUTF8View, dstValid: ArrowBitmapView?
    let srcPort: Fixed<UInt16>, dstPort: Fixed<UInt16>
    let proto: Fixed<UInt8>, tcpFlags: Fixed<UInt8>
    let packets: Fixed<UInt64>, bytes: Fixed<UInt64>
    let inputIf: Fixed<UInt32>, outputIf: Fixed<UInt32>, srcAS: Fixed<UInt32>, dstAS: Fixed<UInt32>
    let tos: Fixed<UInt8>
    let exporter: ArrowUTF8View, exporterValid: ArrowBitmapView?
    let samplingRate: Fixed<UInt32>, flowDirection: Fixed<UInt8>
    let revPackets: Fixed<UInt64>, revBytes: Fixed<UInt64>
    let label: ArrowUTF8View, labelValid: ArrowBitmapView?

    /// A fixed-width column and its validity (nil: no nulls).
    struct Fixed<T> {
        let values: ArrowValues<T>
        let validity: ArrowBitmapView?
        @inline(__always) func isValid(_ i: Int) -> Bool { validity?[i] ?? true }
    }

    /// Column positions in FlowSchema.fields.
    enum Column {
        static let start = 0, end = 1, src = 2, dst = 3, srcPort = 4, dstPort = 5, proto = 6, tcpFlags = 7
        static let packets = 8, bytes = 9, inputIf = 10, outputIf = 11, srcAS = 12, dstAS = 13, tos = 14
        static let exporter = 15, samplingRate = 16, flowDirection = 17, revPackets = 18, revBytes = 19, label = 20
    }

    init(reader: ArrowFileReader, index: Int) throws {
        let rb = try reader.recordBatch(at: index)
        batch = rb
        rowCount = rb.rowCount
        func fixed<T: ArrowFixedWidthValue>(_ c: Int, _ t: T.Type) throws -> Fixed<T> {
            Fixed(values: try rb.values(column: c, as: T.self), validity: try rb.validity(column: c))
        }
        start = try rb.values(column: Column.start, as: Int64.self)
        startValid = try rb.validity(column: Column.start)
        end = try rb.values(column: Column.end, as: Int64.self)
        endValid = try rb.validity(column: Column.end)
        src = try rb.utf8(column: Column.src)
        srcValid = try rb.validity(column: Column.src)
        dst = try rb.utf8(column: Column.dst)
        dstValid = try rb.validity(column: Column.dst)
        srcPort = try fixed(Column.srcPort, UInt16.self)
        dstPort = try fixed(Column.dstPort, UInt16.self)
        proto = try fixed(Column.proto, UInt8.self)
        tcpFlags = try fixed(Column.tcpFlags, UInt8.self)
        packets = try fixed(Column.packets, UInt64.self)
        bytes = try fixed(Column.bytes, UInt64.self)
        inputIf = try fixed(Column.inputIf, UInt32.self)
        outputIf = try fixed(Column.outputIf, UInt32.self)
        srcAS = try fixed(Column.srcAS, UInt32.self)
        dstAS = try fixed(Column.dstAS, UInt32.self)
        tos = try fixed(Column.tos, UInt8.self)
        exporter = try rb.utf8(column: Column.exporter)
        exporterValid = try rb.validity(column: Column.exporter)
        samplingRate = try fixed(Column.samplingRate, UInt32.self)
        flowDirection = try fixed(Column.flowDirection, UInt8.self)
        revPackets = try fixed(Column.revPackets, UInt64.self)
        revBytes = try fixed(Column.revBytes, UInt64.self)
        label = try rb.utf8(column: Column.label)
        labelValid = try rb.validity(column: Column.label)
        // utf8 views of a zero-row batch may have no offsets; everything else has rowCount.
        if rowCount > 0 {
            for (name, view) in [("src_addr", src), ("dst_addr", dst), ("exporter", exporter), ("label", label)]
                where view.count != rowCount {
                throw ColumnarError.corrupt(path: reader.path, offset: rb.messageOffset,
                                            detail: "record batch \(index): column '\(name)' has \(view.count) offsets for \(rowCount) rows")
            }
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension RawBatchView: @unchecked Sendable {}

extension RawBatchView {
    /// Tells the kernel the batch's pages of the mapped file are no longer needed, so a
    /// large input does not stay resident after it was read (the mapping is read-only and
    /// private: dropped pages are read again from the file if touched).
    func releasePages() {
        var lo = UInt.max, hi: UInt = 0
        func note<T>(_ values: ArrowValues<T>) {
            values.withUnsafeBufferPointer { b in
                guard let p = b.baseAddress, b.count > 0 else { return }
                let a = UInt(bitPattern: p)
                lo = min(lo, a)
                hi = max(hi, a + UInt(b.count * MemoryLayout<T>.stride))
            }
        }
        func note<T>(_ f: Fixed<T>) { note(f.values) }
        func note(_ u: ArrowUTF8View) { note(u.offsets); note(u.data) }
        note(start); note(end); note(src); note(dst); note(srcPort); note(dstPort); note(proto); note(tcpFlags)
        note(packets); note(bytes); note(inputIf); note(outputIf); note(srcAS); note(dstAS); note(tos)
        note(exporter); note(samplingRate); note(flowDirection); note(revPackets); note(revBytes); note(label)
        let page = UInt(sysconf(Int32(_SC_PAGESIZE)))
        let first = (lo + page - 1) / page * page, last = hi / page * page
        guard lo < hi, first < last, let p = UnsafeMutableRawPointer(bitPattern: first) else { return }
        _ = madvise(p, Int(last - first), MADV_DONTNEED)
    }
}
