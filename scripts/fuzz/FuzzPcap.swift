// libFuzzer harness: a capture file fed in two chunks (split at a byte the input chooses).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPcap(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let p = UnsafeRawBufferPointer(start: data, count: size)
    var batch = FlowBatch()
    var options = BinaryDecodeOptions()
    options.maxFragmentBytes = 1 << 16
    var r = PcapReader(options: options)
    let cut = size > 0 ? Int(p[0]) % (size + 1) : 0
    do {
        try r.feed(UnsafeRawBufferPointer(rebasing: p[0..<cut]), into: &batch)
        try r.feed(UnsafeRawBufferPointer(rebasing: p[cut...]), into: &batch)
        try r.finish(into: &batch)
    } catch {}
    _ = BinaryInputKind.detect(prefix: p)
    return 0
}
