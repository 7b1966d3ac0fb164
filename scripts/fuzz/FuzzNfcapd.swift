// libFuzzer harness: an nfcapd file fed in two chunks, plus the block decompressors alone.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzNfcapd(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let p = UnsafeRawBufferPointer(start: data, count: size)
    var batch = FlowBatch()
    var r = NfcapdReader()
    let cut = size > 0 ? Int(p[0]) % (size + 1) : 0
    do {
        try r.feed(UnsafeRawBufferPointer(rebasing: p[0..<cut]), into: &batch)
        try r.feed(UnsafeRawBufferPointer(rebasing: p[cut...]), into: &batch)
        try r.finish(into: &batch)
    } catch {}
    var out: [UInt8] = []
    _ = try? NfcapdBlockDecompressor.lz4(p, into: &out, limit: 1 << 16)
    _ = try? NfcapdBlockDecompressor.lzo1x(p, into: &out, limit: 1 << 16)
    _ = try? NfcapdBlockDecompressor.bz2(p, into: &out, limit: 1 << 16)
    return 0
}
