// libFuzzer harness: a capture file fed in two chunks (split at a byte the input chooses).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPcap(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let p = UnsafeRawBufferPointer(start: data, count: size)
    // A small builder, so records past its capacity exercise its growth (the ingest path).
    let rows = FlowBatchBuilder(capacity: 4)
    var options = BinaryDecodeOptions()
    options.maxFragmentBytes = 1 << 16
    var r = PcapReader(options: options)
    let cut = size > 0 ? Int(p[0]) % (size + 1) : 0
    do {
        try r.feed(UnsafeRawBufferPointer(rebasing: p[0..<cut]), into: rows)
        try r.feed(UnsafeRawBufferPointer(rebasing: p[cut...]), into: rows)
        try r.finish(into: rows)
    } catch {}
    _ = BinaryInputKind.detect(prefix: p)
    var batch = FlowBatch()
    rows.drain(into: &batch)
    return 0
}
