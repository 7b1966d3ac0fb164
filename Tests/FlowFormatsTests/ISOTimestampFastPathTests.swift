import FlowCore
@testable import FlowFormats
import Testing

/// The fixed-position ISO reader must agree with `TimestampParsing.text` on every input it
/// answers for, and answer for the common forms (so the agreement is not vacuous).
@Suite struct ISOTimestampFastPathTests {
    struct Rng {
        var s: UInt64
        mutating func next(_ n: Int) -> Int {
            s = s &* 6364136223846793005 &+ 1442695040888963407
            return Int((s >> 33) % UInt64(n))
        }
    }

    static func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }

    /// A timestamp in one of the forms the parsers meet, sometimes mutated into junk.
    static func sample(_ r: inout Rng) -> String {
        let y = 1900 + r.next(250), mo = 1 + r.next(13), d = 1 + r.next(31)  // some invalid
        let hh = r.next(25), mm = r.next(61), ss = r.next(61)
        let sep = ["T", " ", "t", "X"][r.next(4)]
        var s = "\(y)-\(two(mo))-\(two(d))\(sep)\(two(hh)):\(two(mm)):\(two(ss))"
        switch r.next(4) {
        case 0: break
        case 1: s += "." + String(repeating: "7", count: r.next(11))
        case 2: s += "," + String(r.next(1000))
        default: s += "." + String(repeating: "1", count: 1 + r.next(9))
        }
        s += ["", "Z", "z", "+01:00", "-0530", "ZZ"][r.next(6)]
        if r.next(8) == 0 {
            var bytes = Array(s.utf8)
            bytes[r.next(bytes.count)] = UInt8(32 + r.next(90))
            s = String(decoding: bytes, as: UTF8.self)
        }
        return s
    }

    @Test(arguments: [TimeZoneSpec.utc, .fixed(seconds: 3600), .named("Europe/Zurich")])
    func agreesWithGeneralParser(zone: TimeZoneSpec) {
        var r = Rng(s: 99)
        var fast = ISOTimestampFastPath()
        var general = LocalTimeConverter(zone)
        let zoneLess: Int64? = general.zoneIsNamed ? nil : general.fixedOffsetMillis
        var answered = 0
        for k in 0..<40_000 {
            // Runs of the same date exercise the cached day number.
            var text = Self.sample(&r)
            if k % 3 != 0, text.count >= 10 { text = "2026-11-29" + text.dropFirst(10) }
            var bytes = Array(text.utf8)
            bytes.withUnsafeBufferPointer { f in
                guard let v = fast.parse(f, zoneLessOffsetMillis: zoneLess) else { return }
                answered += 1
                let expected = TimestampParsing.text(f, converter: &general, dateOrder: nil, inferSlashedOrder: false)
                #expect(expected == .ok(v), "\(text)")
            }
            bytes.removeAll()
        }
        #expect(answered > 5_000)
    }

    @Test func commonFormsAreAnswered() {
        var fast = ISOTimestampFastPath()
        func parse(_ s: String, _ zoneLess: Int64? = 0) -> Int64? {
            Array(s.utf8).withUnsafeBufferPointer { fast.parse($0, zoneLessOffsetMillis: zoneLess) }
        }
        #expect(parse("2026-11-01T00:00:00.715Z") == 1_793_491_200_715)
        #expect(parse("2026-11-01 00:00:00.715") == 1_793_491_200_715)
        #expect(parse("2026-11-01 01:00:00", 3_600_000) == 1_793_491_200_000)
        #expect(parse("2026-11-01T00:00:00.123456789Z") == 1_793_491_200_123)
        #expect(parse("2026-11-01 00:00:00", nil) == nil)  // named zone: general parser
        #expect(parse("2026-11-01T00:00:00+01:00") == nil)  // offsets: general parser
        #expect(parse("2026-02-29T00:00:00Z") == nil)  // no such date: general parser explains
        #expect(parse("2024-02-29T00:00:00Z") == 1_709_164_800_000)
    }
}
