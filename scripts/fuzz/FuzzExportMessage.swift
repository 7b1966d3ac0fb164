// libFuzzer harness: one NetFlow v5/v9/IPFIX message, decoded twice with the same decoder
// (the second pass exercises templates learned by the first) plus as an IPFIX stream.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzExportMessage(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let p = UnsafeRawBufferPointer(start: data, count: size)
    // A small builder, so records past its capacity exercise its growth (the ingest path).
    let rows = FlowBatchBuilder(capacity: 4)
    var d = FlowExportDecoder()
    d.options.maxHeldBytes = 1 << 16
    d.decode(message: p, exporter: IPAddress(ipv4: 0x7F00_0001), offset: 0, into: rows)
    d.decode(message: p, exporter: IPAddress(ipv4: 0x7F00_0001), offset: 0, into: rows)
    d.finish()
    _ = FlowExportDecoder.exportVersion(of: p)
    var s = IPFIXStreamReader()
    try? s.feed(p, into: rows)
    try? s.finish(into: rows)
    var batch = FlowBatch()
    rows.drain(into: &batch)
    return 0
}
