// libFuzzer harness: an nfcapd file fed in two chunks, plus the block decompressors alone.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzNfcapd(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let p = UnsafeRawBufferPointer(start: data, count: size)
    // A small builder, so records past its capacity exercise its growth (the ingest path).
    let rows = FlowBatchBuilder(capacity: 4)
    var r = NfcapdReader()
    let cut = size > 0 ? Int(p[0]) % (size + 1) : 0
    do {
        try r.feed(UnsafeRawBufferPointer(rebasing: p[0..<cut]), into: rows)
        try r.feed(UnsafeRawBufferPointer(rebasing: p[cut...]), into: rows)
        try r.finish(into: rows)
    } catch {}
    let out = NfcapdBlockBuffer()
    _ = try? NfcapdBlockDecompressor.lz4(p, into: out, limit: 1 << 16)
    _ = try? NfcapdBlockDecompressor.lzo1x(p, into: out, limit: 1 << 16)
    _ = try? NfcapdBlockDecompressor.bz2(p, into: out, limit: 1 << 16)
    var batch = FlowBatch()
    rows.drain(into: &batch)
    return 0
}
