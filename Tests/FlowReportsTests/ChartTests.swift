import FlowArtifacts
import Testing
@testable import FlowReports

@Suite struct NiceScaleTests {
    @Test func stepsAreOneTwoFiveTimesAPowerOfTen() {
        #expect(NiceScale.niceStep(0.7) == 1)
        #expect(NiceScale.niceStep(1.3) == 2)
        #expect(NiceScale.niceStep(3) == 5)
        #expect(NiceScale.niceStep(7) == 10)
        #expect(NiceScale.niceStep(19.4) == 20)
        #expect(NiceScale.niceStep(420) == 500)
        #expect(NiceScale.niceStep(0.013) == 0.02)
        #expect(NiceScale.niceStep(0) == 1)
    }

    @Test func boundsCoverTheDataWithWholeSteps() {
        let s = NiceScale.make(min: 0, max: 97, maxTicks: 5)
        #expect(s.step == 20)
        #expect(s.ticks == [0, 20, 40, 60, 80, 100])
        let t = NiceScale.make(min: 3, max: 436, maxTicks: 5)
        #expect(t.lower == 0 && t.upper == 500 && t.step == 100)
        let n = NiceScale.make(min: -2.7, max: 4.1, maxTicks: 6, includeZero: false)
        #expect(n.lower <= -2.7 && n.upper >= 4.1)
        #expect(n.ticks.count <= 7)
        for tick in n.ticks { #expect((tick / n.step).rounded() * n.step == tick) }
    }

    @Test func bytesTickInBinaryUnits() {
        let gib = 1024.0 * 1024 * 1024
        let unit = ValueFormat.bytes.unit(forMax: 4.4 * gib)
        #expect(unit == gib)
        let s = NiceScale.make(min: 0, max: 4.4 * gib, maxTicks: 5, unit: unit)
        #expect(s.ticks.map { ValueFormat.bytes.axisLabel($0) } == ["0", "1 GiB", "2 GiB", "3 GiB", "4 GiB", "5 GiB"])
    }

    @Test func emptyAndSingleValueRangesAreUsable() {
        let empty = NiceScale.make(min: .infinity, max: -.infinity)
        #expect(empty.lower == 0 && empty.upper == 1)
        let zero = NiceScale.make(min: 0, max: 0)
        #expect(zero.upper > zero.lower)
        let single = NiceScale.make(min: 7, max: 7, includeZero: false)
        #expect(single.lower < 7 && single.upper > 7)
        #expect(single.map(7, from: 0, to: 100) > 0 && single.map(7, from: 0, to: 100) < 100)
    }
}

@Suite struct TimeTicksTests {
    static let day: Int64 = 86_400_000
    static let nov1: Int64 = 20_758 * day  // 2026-11-01

    @Test func oneDayTicksEveryFewHoursWithTheDateOnTheFirst() {
        let t = TimeTicks.make(start: Self.nov1, end: Self.nov1 + Self.day, maxTicks: 10)
        #expect(t.step == 3 * 3_600_000)
        #expect(t.ticks.first == Self.nov1)
        #expect(t.ticks.count == 9)
        #expect(t.label(at: 0) == ("00:00", "Nov 1"))
        #expect(t.label(at: 1) == ("03:00", nil))
        #expect(t.label(at: 8) == ("00:00", "Nov 2"))
    }

    @Test func monthTicksAreDaysOrWeeksStartingOnMonday() {
        let t = TimeTicks.make(start: Self.nov1, end: Self.nov1 + 30 * Self.day, maxTicks: 8)
        #expect(t.step == 7 * Self.day)
        // 2026-11-02 is a Monday.
        #expect(t.ticks.first == Self.nov1 + Self.day)
        #expect(UTCText.weekday(t.ticks[0]) == 1)
        #expect(t.label(at: 0).0 == "Nov 2")
    }

    @Test func shortRangesTickInMinutes() {
        let t = TimeTicks.make(start: Self.nov1 + 60_000 * 7, end: Self.nov1 + 60_000 * 52, maxTicks: 10)
        #expect(t.step == 5 * 60_000)
        #expect(t.ticks.allSatisfy { $0 % t.step == 0 })
        #expect(t.label(at: 0).0 == "00:10")
    }

    @Test func aSinglePointStillGetsATick() {
        let t = TimeTicks.make(start: Self.nov1, end: Self.nov1, maxTicks: 5)
        #expect(t.ticks == [Self.nov1])
    }
}

@Suite struct ChartRenderingTests {
    static let t0: Int64 = 20_758 * 86_400_000

    @Test func emptySeriesSaysSoInsteadOfDrawingNothing() {
        let svg = LineChart(title: "Bytes", format: .bytes, series: [LineSeries(name: "bytes", times: [], values: [])]).svg(standalone: false)
        #expect(svg.contains("no data in this period"))
        #expect(svg.hasPrefix("<svg") && svg.hasSuffix("</svg>"))
        let bars = BarChart(title: "Top", format: .bytes, items: []).svg(standalone: false)
        #expect(bars.contains("nothing in this period"))
        let scatter = ScatterChart(title: "PCA", xLabel: "PC1", yLabel: "PC2", points: [], groups: []).svg(standalone: false)
        #expect(scatter.contains("no points"))
    }

    @Test func singlePointIsDrawnAsADot() {
        let svg = LineChart(title: "Flows", format: .count, series: [LineSeries(name: "flows", times: [Self.t0], values: [42])]).svg(standalone: false)
        #expect(svg.contains("<circle class=\"dot\""))
        #expect(!svg.contains("no data"))
    }

    @Test func gapsBreakTheLineAndBandsSitBehindIt() {
        let times = (0..<6).map { Self.t0 + Int64($0) * 3_600_000 }
        let chart = LineChart(title: "Bytes", format: .bytes,
                              series: [LineSeries(name: "observed", times: times, values: [1, 2, nil, 4, 5, 6])],
                              bands: [IntervalBand(name: "interval", times: times, lower: [0, 1, 1, 3, 4, 5], upper: [2, 3, 3, 5, 6, 7])],
                              windows: [MarkedWindow(number: 3, start: times[1], end: times[2], tooltip: "#3")])
        let svg = chart.svg(standalone: true)
        let path = svg.components(separatedBy: "class=\"obs\" d=\"")[1].prefix { $0 != "\"" }
        #expect(path.filter { $0 == "M" }.count == 2)
        let band = svg.range(of: "class=\"band\"")!.lowerBound
        let line = svg.range(of: "class=\"obs\"")!.lowerBound
        let window = svg.range(of: "class=\"win\"")!.lowerBound
        #expect(window < band && band < line)
        #expect(svg.contains(">3</text>"))
        #expect(svg.contains("xmlns=\"http://www.w3.org/2000/svg\""))
        #expect(svg.contains("<style>"))
    }

    @Test func chartsAreDeterministic() {
        let times = (0..<50).map { Self.t0 + Int64($0) * 300_000 }
        let make = { LineChart(title: "x", format: .count, series: [LineSeries(name: "a", times: times, values: times.map { Double($0 % 977) })]).svg(standalone: true) }
        #expect(make() == make())
        let node = { NodeLinkChart(title: "n", centre: "10.0.0.1", nodes: (0..<30).map { .init(id: "10.0.1.\($0)") },
                                   edges: (0..<30).map { .init(source: "10.0.0.1", target: "10.0.1.\($0)", weight: Double($0 % 7)) }).svg(standalone: false) }
        #expect(node() == node())
        #expect(node().contains("6 more neighbours not drawn"))
    }
}

@Suite struct UnitsTests {
    @Test func humanUnits() {
        #expect(Units.thousands(4812) == "4,812")
        #expect(Units.thousands(-1234567) == "-1,234,567")
        #expect(Units.thousands(UInt64.max) == "18,446,744,073,709,551,615")
        #expect(Units.bytes(512) == "512 B")
        #expect(Units.bytes(1536) == "1.50 KiB")
        #expect(Units.bytes(13_675_699_410) == "12.7 GiB")
        #expect(Units.byteRate(79_155) == "77.3 KiB/s")
        #expect(Units.compact(12_500) == "12.5k")
        #expect(Units.percent(1, of: 3) == "33.3%")
        #expect(Units.percent(1, of: 100_000) == "<0.1%")
        #expect(Units.percent(1, of: 0) == "–")
        #expect(Units.fixed(-0.004, 2) == "0.00")
        #expect(Units.fixed(2.5, 0) == "3")
    }

    @Test func instantsParse() {
        let nov1: Int64 = 20_758 * 86_400_000
        let at0214: Int64 = nov1 + 8_040_000
        #expect(InstantText.parse("2026-11-01T02:14:00Z") == at0214)
        #expect(InstantText.parse("2026-11-01T02:14:00.5Z") == at0214 + 500)
        #expect(InstantText.parse("1793500000000") == Int64(1_793_500_000_000))
        #expect(InstantText.parse("2026-11-01 02:14") == at0214)
        #expect(InstantText.parse("2026-13-01") == nil)
        #expect(InstantText.parse("2026-11-01T02:14:00+02:00") == nil)
        #expect(UTCText.window(at0214, at0214 + 300_000) == "2026-11-01 02:14–02:19")
    }
}

@Suite struct WindowMarkerTests {
    /// Four incidents minutes apart on a day-long chart (wide and compact): their numbered
    /// markers sit on different rows, none on top of another.
    @Test func closeMarkersDoNotOverlap() throws {
        let start: Int64 = 20_758 * 86_400_000
        let times = (0..<288).map { start + Int64($0) * 300_000 }
        let windows = (0..<4).map { MarkedWindow(number: [12, 3, 10, 1][$0], start: start + 36_000_000 + Int64($0) * 120_000,
                                                 end: start + 36_300_000 + Int64($0) * 120_000, tooltip: "w\($0)") }
        let chart = LineChart(title: "Flows", format: .count, series: [LineSeries(name: "flows", times: times, values: times.map { _ in 5 })],
                              windows: windows, range: (start, start + 86_400_000))
        for svg in [chart.svg(standalone: false), chart.compact.svg(standalone: false)] {
            let circles = svg.components(separatedBy: "<circle class=\"winnum\" ").dropFirst().map { part -> (Double, Double, Double) in
                func attr(_ n: String) -> Double { Double(part.components(separatedBy: n + "=\"")[1].prefix { $0 != "\"" })! }
                return (attr("cx"), attr("cy"), attr("r"))
            }
            #expect(circles.count == 4)
            for i in circles.indices {
                for j in circles.indices where j > i {
                    let (a, b) = (circles[i], circles[j])
                    let d = ((a.0 - b.0) * (a.0 - b.0) + (a.1 - b.1) * (a.1 - b.1)).squareRoot()
                    #expect(d >= a.2 + b.2, "markers \(i) and \(j) overlap")
                }
            }
        }
    }
}
