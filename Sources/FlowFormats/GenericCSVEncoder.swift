import FlowCore

/// floe's generic CSV: the schema's column names, ISO 8601 UTC times with milliseconds,
/// empty fields for nulls, RFC 4180 quoting of labels when needed.
public struct GenericCSVEncoder: DialectEncoder {
    public var dialect: Dialect { .genericCSV }

    public init() {}

    public func header() -> [UInt8] { Array((DialectHeaders.genericCSV + "\n").utf8) }

    /// Appends a text field, quoted (with doubled quotes) when it holds `,` `"` CR or LF.
    static func csvField(_ b: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        var needs = false
        for ch in b where ch == 0x2C || ch == 0x22 || ch == 0x0A || ch == 0x0D { needs = true; break }
        if !needs { out.append(contentsOf: b); return }
        out.append(0x22)
        for ch in b {
            if ch == 0x0A || ch == 0x0D { out.append(0x20); continue }  // records never span lines
            out.append(ch)
            if ch == 0x22 { out.append(0x22) }
        }
        out.append(0x22)
    }

    public func encode(_ r: FlowRecord, label: UnsafeBufferPointer<UInt8>?, into out: inout [UInt8]) {
        let c: UInt8 = 0x2C
        ByteWriter.civil(r.start, dateTimeSeparator: 0x54, millis: true, to: &out); ByteWriter.ascii("Z,", to: &out)
        ByteWriter.civil(r.end, dateTimeSeparator: 0x54, millis: true, to: &out); ByteWriter.ascii("Z,", to: &out)
        r.srcAddr.appendText(to: &out); out.append(c)
        r.dstAddr.appendText(to: &out); out.append(c)
        if let v = r.srcPort { ByteWriter.uint(UInt64(v), to: &out) }; out.append(c)
        if let v = r.dstPort { ByteWriter.uint(UInt64(v), to: &out) }; out.append(c)
        ByteWriter.uint(UInt64(r.proto), to: &out); out.append(c)
        if let v = r.tcpFlags { ByteWriter.uint(UInt64(v), to: &out) }; out.append(c)
        ByteWriter.uint(r.packets, to: &out); out.append(c)
        ByteWriter.uint(r.bytes, to: &out); out.append(c)
        if let v = r.inputInterface { ByteWriter.uint(UInt64(v), to: &out) }; out.append(c)
        if let v = r.outputInterface { ByteWriter.uint(UInt64(v), to: &out) }; out.append(c)
        if let v = r.srcAS { ByteWriter.uint(UInt64(v), to: &out) }; out.append(c)
        if let v = r.dstAS { ByteWriter.uint(UInt64(v), to: &out) }; out.append(c)
        if let v = r.tos { ByteWriter.uint(UInt64(v), to: &out) }; out.append(c)
        if let v = r.exporter { v.appendText(to: &out) }; out.append(c)
        if let v = r.samplingRate { ByteWriter.uint(UInt64(v), to: &out) }; out.append(c)
        if let v = r.flowDirection { ByteWriter.uint(UInt64(v), to: &out) }; out.append(c)
        if let v = r.revPackets { ByteWriter.uint(v, to: &out) }; out.append(c)
        if let v = r.revBytes { ByteWriter.uint(v, to: &out) }; out.append(c)
        if let label { GenericCSVEncoder.csvField(label, to: &out) }
        out.append(0x0A)
    }

    public func trailer(_ info: DialectTrailerInfo) -> [UInt8] { [] }
}

/// The encoder of a dialect. `timeZone` is the zone of local times the dialect prints
/// (nfdump, CIC, Zeek `#open`/`#close`); `openMillis` is the Zeek `#open` time.
public func makeEncoder(_ dialect: Dialect, timeZone: TimeZoneSpec = .utc, openMillis: Int64 = 0) -> any DialectEncoder {
    switch dialect {
    case .nfdumpCSV: return NfdumpCSVEncoder(timeZone: timeZone)
    case .nfdumpCSVNew: return NfdumpCSVNewEncoder(timeZone: timeZone)
    case .nfdumpCSVFast: return NfdumpCSVFastEncoder()
    case .zeekConn: return ZeekConnEncoder(timeZone: timeZone, openMillis: openMillis)
    case .awsVPC: return AWSVPCEncoder()
    case .cicFlowMeter: return CICFlowMeterEncoder(timeZone: timeZone)
    case .genericCSV: return GenericCSVEncoder()
    case .argus: return ArgusEncoder()
    case .unswNB15: return UNSWNB15Encoder()
    case .zeekConnJSON: return ZeekConnJSONEncoder()
    case .suricataEve: return SuricataEveEncoder()
    }
}
