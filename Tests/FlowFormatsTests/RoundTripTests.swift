import FlowCore
import Testing
@testable import FlowFormats

/// Encode → decode must give back every field a dialect carries.
@Suite struct RoundTripTests {
    static func randomAddress(_ rng: inout SplitMix, v6: Bool) -> IPAddress {
        if v6 { return IPAddress(high: 0x2001_0db8_0000_0000 | rng.below(1 << 32), low: rng.chance(30) ? 1 : rng.next()) }
        return IPAddress(ipv4: UInt32(truncatingIfNeeded: rng.next()) | 0x0100_0000)
    }

    /// A random record (June 2024, no DST transition) using every field and nulls.
    static func randomRecord(_ rng: inout SplitMix) -> (FlowRecord, String?) {
        var r = FlowRecord()
        let v6 = rng.chance(30)
        r.srcAddr = randomAddress(&rng, v6: v6)
        r.dstAddr = randomAddress(&rng, v6: v6)
        let protos: [UInt8] = [6, 6, 6, 17, 17, v6 ? 58 : 1, 47, 50]
        r.proto = protos[Int(rng.below(UInt64(protos.count)))]
        r.start = utc(2024, 6, 1) + Int64(rng.below(20 * 86_400_000))
        r.end = r.start + (rng.chance(20) ? 0 : Int64(rng.below(600_000)))
        if r.proto == 1 || r.proto == 58 {
            r.srcPort = 0
            r.dstPort = UInt16(rng.below(256)) << 8 | UInt16(rng.below(16))
        } else if r.proto == 6 || r.proto == 17 {
            r.srcPort = rng.chance(10) ? nil : UInt16(rng.below(65536))
            r.dstPort = rng.chance(10) ? nil : UInt16(rng.below(65536))
        }
        r.tcpFlags = rng.chance(20) ? nil : UInt8(rng.below(256))
        r.packets = 1 + rng.below(100_000)
        r.bytes = r.packets * (40 + rng.below(1400))
        r.inputInterface = rng.chance(30) ? nil : UInt32(rng.below(1 << 32))
        r.outputInterface = rng.chance(30) ? nil : UInt32(rng.below(5000))
        r.srcAS = rng.chance(30) ? nil : UInt32(rng.below(1 << 32))
        r.dstAS = rng.chance(30) ? nil : UInt32(rng.below(70000))
        r.tos = rng.chance(30) ? nil : UInt8(rng.below(256))
        r.exporter = rng.chance(30) ? nil : randomAddress(&rng, v6: rng.chance(50))
        r.samplingRate = rng.chance(50) ? nil : UInt32(1 + rng.below(1000))
        r.flowDirection = rng.chance(30) ? nil : UInt8(rng.below(2))
        if rng.chance(60) {
            r.revPackets = rng.below(1000)
            r.revBytes = r.revPackets! * 60
        }
        let labels: [String?] = [nil, "benign", "DDoS", "Web Attack, \"XSS\"", "PortScan"]
        return (r, labels[Int(rng.below(UInt64(labels.count)))])
    }

    static func floorSeconds(_ ms: Int64) -> Int64 { (ms >= 0 ? ms / 1000 : (ms - 999) / 1000) * 1000 }

    /// What a dialect carries of a record (and its label).
    static func carried(_ r0: FlowRecord, label: String?, by d: Dialect) -> (FlowRecord, String?) {
        var r = FlowRecord()
        r.srcAddr = r0.srcAddr
        r.dstAddr = r0.dstAddr
        r.proto = r0.proto
        r.packets = r0.packets
        r.bytes = r0.bytes
        r.start = r0.start
        r.end = r0.end
        r.srcPort = r0.srcPort ?? 0
        r.dstPort = r0.dstPort ?? 0
        let nz: (UInt32?) -> UInt32? = { $0 == 0 ? nil : $0 }
        switch d {
        case .nfdumpCSV:
            r.start = floorSeconds(r0.start)
            r.end = floorSeconds(r0.end)
            r.tcpFlags = r0.proto == 6 ? (r0.tcpFlags ?? 0) : nil
            r.tos = r0.tos ?? 0
            if (r0.revPackets ?? 0) != 0 || (r0.revBytes ?? 0) != 0 {
                r.revPackets = r0.revPackets ?? 0
                r.revBytes = r0.revBytes ?? 0
            }
            r.inputInterface = nz(r0.inputInterface)
            r.outputInterface = nz(r0.outputInterface)
            r.srcAS = nz(r0.srcAS)
            r.dstAS = nz(r0.dstAS)
            r.flowDirection = r0.flowDirection ?? 0
            r.exporter = r0.exporter.flatMap { $0.isUnspecified ? nil : $0 }
            return (r, nil)
        case .nfdumpCSVNew:
            return (r, nil)
        case .nfdumpCSVFast:
            r.tcpFlags = r0.proto == 6 ? (r0.tcpFlags ?? 0) : nil
            r.tos = r0.tos ?? 0
            r.inputInterface = nz(r0.inputInterface)
            r.outputInterface = nz(r0.outputInterface)
            r.srcAS = nz(r0.srcAS)
            r.dstAS = nz(r0.dstAS)
            return (r, nil)
        case .zeekConn, .zeekConnJSON:
            if r.proto == 1 || r.proto == 58 { r.srcPort = nil }
            r.revPackets = r0.revPackets ?? 0
            r.revBytes = r0.revBytes ?? 0
            return (r, nil)
        case .awsVPC:
            r.start = floorSeconds(r0.start)
            r.end = floorSeconds(r0.end)
            return (r, nil)
        case .cicFlowMeter:
            r.start = floorSeconds(r0.start)
            r.end = r.start + (r0.end - r0.start)
            r.revPackets = r0.revPackets ?? 0
            r.revBytes = r0.revBytes ?? 0
            r.tcpFlags = r0.proto == 6 ? (r0.tcpFlags ?? 0) : nil
            return (r, label ?? "Benign")
        case .genericCSV:
            return (r0, label)
        case .argus, .unswNB15:
            r.srcPort = r0.srcPort
            r.dstPort = r0.dstPort
            if r.proto == 1 || r.proto == 58 { r.srcPort = nil }
            r.revPackets = r0.revPackets ?? 0
            r.revBytes = r0.revBytes ?? 0
            if d == .argus { return (r, nil) }
            r.start = floorSeconds(r0.start)
            r.end = floorSeconds(r0.end)
            return (r, label ?? "0")
        case .suricataEve:
            let icmp = r.proto == 1 || r.proto == 58
            r.srcPort = icmp ? nil : r0.srcPort
            r.dstPort = r0.dstPort
            r.revPackets = r0.revPackets ?? 0
            r.revBytes = r0.revBytes ?? 0
            r.tcpFlags = r0.proto == 6 ? (r0.tcpFlags ?? 0) : nil
            return (r, nil)
        }
    }

    static func encodeFile(_ d: Dialect, _ records: [(FlowRecord, String?)], timeZone: TimeZoneSpec) -> [UInt8] {
        let enc = makeEncoder(d, timeZone: timeZone, openMillis: utc(2024, 6, 1))
        var out = enc.header()
        var info = DialectTrailerInfo()
        info.firstMillis = .max
        for (r, label) in records {
            if var l = label { l.withUTF8 { enc.encode(r, label: $0, into: &out) } } else { enc.encode(r, label: nil, into: &out) }
            info.flows += 1
            info.packets += r.packets
            info.bytes += r.bytes
            info.firstMillis = min(info.firstMillis, r.start)
            info.lastMillis = max(info.lastMillis, r.end)
        }
        out += enc.trailer(info)
        return out
    }

    @Test(arguments: Dialect.allCases)
    func encodeThenDecodeKeepsEveryCarriedField(_ d: Dialect) throws {
        var rng = SplitMix(state: 42 &+ UInt64(d.rawValue.count))
        var records: [(FlowRecord, String?)] = []
        for _ in 0..<400 {
            var (r, l) = Self.randomRecord(&rng)
            if (d == .zeekConn || d == .zeekConnJSON) && ![6, 17, 1, 58].contains(r.proto) { r.proto = 17 }
            records.append((r, l))
        }
        for tz in [TimeZoneSpec.utc, try TimeZoneSpec(parsing: "Europe/Berlin"), try TimeZoneSpec(parsing: "-03:30")] {
            let bytes = Self.encodeFile(d, records, timeZone: tz)
            let options = ParserOptions(timeZone: tz, dateOrder: d == .cicFlowMeter ? .dayFirst : nil)
            // UNSW-NB15 parts have no header line: the dialect must be named.
            let decoded = try decode(bytes, dialect: d == .unswNB15 ? d : nil, options: options, chunk: 1000)
            #expect(decoded.parser.dialect == d)
            #expect(decoded.rejects.isEmpty, "\(d) \(tz): \(decoded.details.prefix(3))")
            #expect(decoded.batch.count == records.count)
            guard decoded.batch.count == records.count else { return }
            for (i, (r, l)) in records.enumerated() {
                let (want, wantLabel) = Self.carried(r, label: l, by: d)
                let got = decoded.batch.record(at: i)
                #expect(got == want, "\(d) \(tz) row \(i)\n got \(got)\nwant \(want)")
                #expect(decoded.batch.label[i] == wantLabel, "\(d) row \(i)")
                if got != want { return }
            }
        }
    }

    @Test func headersAndTrailersAsTheToolsWriteThem() {
        let nf = makeEncoder(.nfdumpCSV)
        #expect(String(decoding: nf.header(), as: UTF8.self).split(separator: ",").count == 48)
        var info = DialectTrailerInfo()
        info.flows = 2; info.packets = 10; info.bytes = 1000; info.firstMillis = 0; info.lastMillis = 10_000
        #expect(String(decoding: nf.trailer(info), as: UTF8.self)
                == "Summary\nflows,bytes,packets,avg_bps,avg_pps,avg_bpp\n2,1000,10,800,1,100\n")
        let zeek = makeEncoder(.zeekConn, openMillis: utc(2019, 3, 4, 11, 53, 16))
        let zh = String(decoding: zeek.header(), as: UTF8.self)
        #expect(zh.hasPrefix("#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n#unset_field\t-\n#path\tconn\n#open\t2019-03-04-11-53-16\n#fields\tts\tuid\tid.orig_h"))
        info.lastMillis = utc(2019, 3, 4, 12)
        #expect(String(decoding: zeek.trailer(info), as: UTF8.self) == "#close\t2019-03-04-12-00-00\n")
        var r = FlowRecord()
        r.start = 1_418_530_010_000; r.end = 1_418_530_070_000
        r.srcAddr = ip("172.31.16.139"); r.dstAddr = ip("172.31.16.21"); r.srcPort = 20641; r.dstPort = 22
        r.proto = 6; r.packets = 20; r.bytes = 4249
        var out: [UInt8] = []
        makeEncoder(.awsVPC).encode(r, label: nil, into: &out)
        let aws = String(decoding: out, as: UTF8.self)
        #expect(aws.hasPrefix("2 123456789012 eni-"))
        #expect(aws.hasSuffix(" 172.31.16.139 172.31.16.21 20641 22 6 20 4249 1418530010 1418530070 ACCEPT OK\n"))
        out = []
        r.tcpFlags = 0x1B; r.exporter = ip("10.101.44.1")
        makeEncoder(.nfdumpCSV).encode(r, label: nil, into: &out)
        let line = String(decoding: out, as: UTF8.self)
        #expect(line.hasPrefix("2014-12-14 04:06:50,2014-12-14 04:07:50,60.000,172.31.16.139,172.31.16.21,20641,22,TCP,.AP.SF,0,0,20,4249,0,0,"))
        #expect(line.hasSuffix(",10.101.44.1,0/0,1,2014-12-14 04:07:50.000\n"))
        out = []
        makeEncoder(.nfdumpCSVFast).encode(r, label: nil, into: &out)
        #expect(String(decoding: out, as: UTF8.self)
                == "1,2,1418530010000,1418530070000,6,172.31.16.139,20641,172.31.16.21,22,0,0,0,0,...A.PSF,0,20,4249\n".replacingOccurrences(of: "...A.PSF", with: "...AP.SF"))
        out = []
        makeEncoder(.cicFlowMeter).encode(r, label: nil, into: &out)
        let cic = String(decoding: out, as: UTF8.self)
        #expect(cic.split(separator: ",").count == 84)
        #expect(cic.hasPrefix("172.31.16.139-172.31.16.21-20641-22-6,172.31.16.139,20641,172.31.16.21,22,6,14/12/2014 04:06:50,60000000,20,0,4249,0,"))
        r.end = r.start
        out = []
        makeEncoder(.cicFlowMeter).encode(r, label: nil, into: &out)
        #expect(String(decoding: out, as: UTF8.self).contains(",Infinity,Infinity,"))
    }
}
