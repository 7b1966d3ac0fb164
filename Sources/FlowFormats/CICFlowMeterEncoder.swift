import FlowCore

/// CICFlowMeter-V3 CSV as in CSE-CIC-IDS2018 (84 columns with Flow ID and addresses,
/// `dd/MM/yyyy HH:mm:ss` local timestamps, `Flow Duration` in microseconds).
///
/// Columns the flow schema determines are written exactly (addresses, ports, protocol,
/// timestamp, duration, forward/backward packets and bytes, flag counts as 0/1). Rate
/// and mean columns are derived from them the way CICFlowMeter computes them (so a zero
/// duration gives `Infinity`/`NaN` as in the real datasets); inter-arrival, bulk,
/// window and active/idle statistics are unknown and written as 0. A nil label is
/// written as `Benign`.
public struct CICFlowMeterEncoder: DialectEncoder {
    public var dialect: Dialect { .cicFlowMeter }
    let offsets: UTCOffsetTable

    public init(timeZone: TimeZoneSpec = .utc) { offsets = UTCOffsetTable(timeZone) }

    public func header() -> [UInt8] { Array((DialectHeaders.cicFlowMeterColumns.joined(separator: ",") + "\n").utf8) }

    /// A double as CIC files show it: up to 10 decimals, trailing zeros dropped,
    /// `Infinity` / `NaN` for non-finite values.
    static func double(_ v: Double, to out: inout [UInt8]) {
        if v.isNaN { ByteWriter.ascii("NaN", to: &out); return }
        if v.isInfinite { ByteWriter.ascii(v > 0 ? "Infinity" : "-Infinity", to: &out); return }
        if v < 0 { out.append(0x2D) }
        let a = abs(v)
        if a >= 1e9 { ByteWriter.uint(UInt64(a.rounded()), to: &out); return }
        let scaled = (a * 1e10).rounded()
        let whole = UInt64(scaled / 1e10)
        var frac = UInt64(scaled - Double(whole) * 1e10)
        if frac >= 10_000_000_000 { frac = 9_999_999_999 }
        ByteWriter.uint(whole, to: &out)
        if frac == 0 { return }
        var digits = 10
        while frac % 10 == 0 { frac /= 10; digits -= 1 }
        out.append(0x2E)
        ByteWriter.padded(Int(frac), width: digits, to: &out)
    }

    public func encode(_ r: FlowRecord, label: UnsafeBufferPointer<UInt8>?, into out: inout [UInt8]) {
        let c: UInt8 = 0x2C
        let fwdPkts = r.packets, bwdPkts = r.revPackets ?? 0
        let fwdBytes = r.bytes, bwdBytes = r.revBytes ?? 0
        let durUs = (r.end &- r.start) &* 1000
        // Flow ID: src-dst-sport-dport-proto.
        r.srcAddr.appendText(to: &out); out.append(0x2D)
        r.dstAddr.appendText(to: &out); out.append(0x2D)
        ByteWriter.uint(UInt64(r.srcPort ?? 0), to: &out); out.append(0x2D)
        ByteWriter.uint(UInt64(r.dstPort ?? 0), to: &out); out.append(0x2D)
        ByteWriter.uint(UInt64(r.proto), to: &out); out.append(c)
        r.srcAddr.appendText(to: &out); out.append(c)
        ByteWriter.uint(UInt64(r.srcPort ?? 0), to: &out); out.append(c)
        r.dstAddr.appendText(to: &out); out.append(c)
        ByteWriter.uint(UInt64(r.dstPort ?? 0), to: &out); out.append(c)
        ByteWriter.uint(UInt64(r.proto), to: &out); out.append(c)
        // Timestamp dd/MM/yyyy HH:mm:ss (local).
        let local = r.start + Int64(offsets.offsetSeconds(utcMillis: r.start)) * 1000
        let day = CivilTime.day(ofMillis: local)
        let civil = CivilTime.civilFromDays(day)
        let secs = Int((local - day * CivilTime.millisPerDay) / 1000)
        ByteWriter.padded(civil.day, width: 2, to: &out); out.append(0x2F)
        ByteWriter.padded(civil.month, width: 2, to: &out); out.append(0x2F)
        ByteWriter.padded(civil.year, width: 4, to: &out); out.append(0x20)
        ByteWriter.padded(secs / 3600, width: 2, to: &out); out.append(0x3A)
        ByteWriter.padded(secs / 60 % 60, width: 2, to: &out); out.append(0x3A)
        ByteWriter.padded(secs % 60, width: 2, to: &out); out.append(c)
        ByteWriter.int(durUs, to: &out); out.append(c)
        ByteWriter.uint(fwdPkts, to: &out); out.append(c)
        ByteWriter.uint(bwdPkts, to: &out); out.append(c)
        ByteWriter.uint(fwdBytes, to: &out); out.append(c)
        ByteWriter.uint(bwdBytes, to: &out); out.append(c)
        let fwdMean = fwdPkts > 0 ? Double(fwdBytes) / Double(fwdPkts) : 0
        let bwdMean = bwdPkts > 0 ? Double(bwdBytes) / Double(bwdPkts) : 0
        // Fwd Pkt Len Max/Min/Mean/Std, Bwd Pkt Len Max/Min/Mean/Std.
        for v in [fwdMean.rounded(), fwdMean.rounded(), fwdMean, 0, bwdMean.rounded(), bwdMean.rounded(), bwdMean, 0] {
            CICFlowMeterEncoder.double(v, to: &out); out.append(c)
        }
        let seconds = Double(durUs) / 1e6
        CICFlowMeterEncoder.double((Double(fwdBytes) + Double(bwdBytes)) / seconds, to: &out); out.append(c)  // Flow Byts/s
        CICFlowMeterEncoder.double((Double(fwdPkts) + Double(bwdPkts)) / seconds, to: &out); out.append(c)  // Flow Pkts/s
        // Flow IAT ×4, Fwd IAT ×5, Bwd IAT ×5, Fwd/Bwd PSH, Fwd/Bwd URG flags.
        ByteWriter.ascii("0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,", to: &out)
        let hdr: UInt64 = r.proto == 6 ? 20 : r.proto == 17 ? 8 : 0
        ByteWriter.uint(fwdPkts &* hdr, to: &out); out.append(c)
        ByteWriter.uint(bwdPkts &* hdr, to: &out); out.append(c)
        CICFlowMeterEncoder.double(Double(fwdPkts) / seconds, to: &out); out.append(c)
        CICFlowMeterEncoder.double(Double(bwdPkts) / seconds, to: &out); out.append(c)
        let allMean = fwdPkts > 0 || bwdPkts > 0 ? (Double(fwdBytes) + Double(bwdBytes)) / (Double(fwdPkts) + Double(bwdPkts)) : 0
        // Pkt Len Min/Max/Mean/Std/Var.
        CICFlowMeterEncoder.double(min(fwdMean, bwdPkts > 0 ? bwdMean : fwdMean).rounded(), to: &out); out.append(c)
        CICFlowMeterEncoder.double(max(fwdMean, bwdMean).rounded(), to: &out); out.append(c)
        CICFlowMeterEncoder.double(allMean, to: &out); out.append(c)
        ByteWriter.ascii("0,0,", to: &out)
        // FIN SYN RST PSH ACK URG CWE ECE flag counts (TCP only).
        let f = r.proto == 6 ? (r.tcpFlags ?? 0) : 0
        for bit: UInt8 in [0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0x80, 0x40] {
            out.append(f & bit != 0 ? 0x31 : 0x30); out.append(c)
        }
        ByteWriter.uint(fwdPkts > 0 ? bwdPkts / fwdPkts : 0, to: &out); out.append(c)  // Down/Up Ratio
        CICFlowMeterEncoder.double(allMean, to: &out); out.append(c)  // Pkt Size Avg
        CICFlowMeterEncoder.double(fwdMean, to: &out); out.append(c)  // Fwd Seg Size Avg
        CICFlowMeterEncoder.double(bwdMean, to: &out); out.append(c)  // Bwd Seg Size Avg
        ByteWriter.ascii("0,0,0,0,0,0,", to: &out)  // bulk averages
        ByteWriter.uint(fwdPkts, to: &out); out.append(c)
        ByteWriter.uint(fwdBytes, to: &out); out.append(c)
        ByteWriter.uint(bwdPkts, to: &out); out.append(c)
        ByteWriter.uint(bwdBytes, to: &out); out.append(c)
        ByteWriter.ascii(r.proto == 6 ? "8192,-1," : "-1,-1,", to: &out)  // Init Fwd/Bwd Win Byts
        ByteWriter.uint(fwdBytes > fwdPkts &* hdr ? fwdPkts : 0, to: &out); out.append(c)  // Fwd Act Data Pkts
        ByteWriter.uint(hdr, to: &out); out.append(c)  // Fwd Seg Size Min
        ByteWriter.ascii("0,0,0,0,0,0,0,0,", to: &out)  // Active ×4, Idle ×4
        if let label, !label.isEmpty { GenericCSVEncoder.csvField(label, to: &out) } else { ByteWriter.ascii("Benign", to: &out) }
        out.append(0x0A)
    }

    public func trailer(_ info: DialectTrailerInfo) -> [UInt8] { [] }
}
