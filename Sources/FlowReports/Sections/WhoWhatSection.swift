/// 3. Who and what: top talkers, destinations, services, protocol mix, directions.
enum WhoWhatSection {
    static func build(_ input: ReportInput) -> ReportSection {
        let t = input.traffic
        let seconds = ReportBuilder.periodSeconds(input)
        let totalBytes = Double(t.totals.bytes), totalFlows = Double(t.totals.flows)
        var blocks: [Block] = []

        func hostTable(_ list: [RankedVolume], _ what: String) -> ReportTable {
            ReportTable(columns: [.init("#", numeric: true), .init(what), .init("Bytes", numeric: true), .init("Share", numeric: true),
                                  .init("Flows", numeric: true), .init("Packets", numeric: true), .init("Average rate", numeric: true)],
                        rows: list.enumerated().map { i, v in
                            [.count(i + 1), ReportTable.Cell(v.name, code: true), .bytes(v.totals.bytes),
                             ReportTable.Cell(Units.percent(Double(v.totals.bytes), of: totalBytes), sortKey: Double(v.totals.bytes)),
                             .count(v.totals.flows), .count(v.totals.packets),
                             ReportTable.Cell(Units.byteRate(Double(v.totals.bytes) / seconds), sortKey: Double(v.totals.bytes))]
                        })
        }
        func bars(_ id: String, _ title: String, _ list: [RankedVolume], label: (RankedVolume) -> String = { $0.name }) -> Block {
            let chart = BarChart(title: title, format: .bytes, items: list.map {
                BarChart.Item(label: label($0), value: Double($0.totals.bytes),
                              valueText: Units.bytes($0.totals.bytes) + " · " + Units.percent(Double($0.totals.bytes), of: totalBytes))
            })
            var figure = ChartFigure(id: id, title: title) { chart.svg(standalone: $0) }
            figure.narrowSVG = chart.compact.svg(standalone: false)
            return .chart(figure)
        }

        blocks.append(.heading("Top talkers by bytes"))
        blocks.append(bars("top-sources", "Top sources by bytes", t.topSourcesByBytes))
        blocks.append(.table(hostTable(t.topSourcesByBytes, "Source")))
        blocks.append(.heading("Top talkers by flows"))
        blocks.append(.table(ReportTable(columns: [.init("#", numeric: true), .init("Source"), .init("Flows", numeric: true), .init("Share", numeric: true),
                                                    .init("Flows per second", numeric: true), .init("Bytes", numeric: true)],
                                         rows: t.topSourcesByFlows.enumerated().map { i, v in
                                             [.count(i + 1), ReportTable.Cell(v.name, code: true), .count(v.totals.flows),
                                              ReportTable.Cell(Units.percent(Double(v.totals.flows), of: totalFlows), sortKey: Double(v.totals.flows)),
                                              ReportTable.Cell(Units.fixed(Double(v.totals.flows) / seconds, 3) + "/s", sortKey: Double(v.totals.flows)),
                                              .bytes(v.totals.bytes)]
                                         })))
        blocks.append(.heading("Top destinations by bytes"))
        blocks.append(bars("top-destinations", "Top destinations by bytes", t.topDestinationsByBytes))
        blocks.append(.table(hostTable(t.topDestinationsByBytes, "Destination")))

        blocks.append(.heading("Top services"))
        blocks.append(bars("services", "Top services by bytes", t.topServices) { v in v.name + (v.detail.map { " (" + $0 + ")" } ?? "") })
        blocks.append(.table(ReportTable(columns: [.init("Service"), .init("Protocol/port"), .init("Bytes", numeric: true), .init("Share", numeric: true),
                                                    .init("Flows", numeric: true), .init("Bytes per flow", numeric: true)],
                                         rows: t.topServices.map { v in
                                             [ReportTable.Cell(v.name), ReportTable.Cell(v.detail ?? "–", code: true), .bytes(v.totals.bytes),
                                              ReportTable.Cell(Units.percent(Double(v.totals.bytes), of: totalBytes), sortKey: Double(v.totals.bytes)),
                                              .count(v.totals.flows),
                                              ReportTable.Cell(Units.bytes(v.totals.flows > 0 ? Double(v.totals.bytes) / Double(v.totals.flows) : 0),
                                                               sortKey: v.totals.flows > 0 ? Double(v.totals.bytes) / Double(v.totals.flows) : 0)]
                                         })))

        blocks.append(.heading("Protocol mix"))
        blocks.append(.table(ReportTable(columns: [.init("Protocol"), .init("Number", numeric: true), .init("Flows", numeric: true), .init("Share of flows", numeric: true),
                                                    .init("Bytes", numeric: true), .init("Share of bytes", numeric: true)],
                                         rows: t.protocols.map { v in
                                             [ReportTable.Cell(v.name), ReportTable.Cell(v.detail ?? "", sortKey: Double(v.detail ?? "") ?? 0), .count(v.totals.flows),
                                              ReportTable.Cell(Units.percent(Double(v.totals.flows), of: totalFlows), sortKey: Double(v.totals.flows)),
                                              .bytes(v.totals.bytes), ReportTable.Cell(Units.percent(Double(v.totals.bytes), of: totalBytes), sortKey: Double(v.totals.bytes))]
                                         })))

        blocks.append(.heading("Inbound vs outbound"))
        let dirChart = BarChart(title: "Bytes by direction", format: .bytes, items: t.directions.map {
            BarChart.Item(label: $0.name, value: Double($0.totals.bytes), valueText: Units.bytes($0.totals.bytes) + " · " + Units.percent(Double($0.totals.bytes), of: totalBytes))
        })
        var dirFigure = ChartFigure(id: "directions", title: dirChart.title,
                                    caption: "Direction from the internal networks configured for floe-clean: inbound = outside → inside, outbound = inside → outside.") { dirChart.svg(standalone: $0) }
        dirFigure.narrowSVG = dirChart.compact.svg(standalone: false)
        blocks.append(.chart(dirFigure))
        blocks.append(.table(ReportTable(columns: [.init("Direction"), .init("Flows", numeric: true), .init("Bytes", numeric: true), .init("Share of bytes", numeric: true),
                                                    .init("Packets", numeric: true), .init("Average rate", numeric: true)],
                                         rows: t.directions.map { v in
                                             [ReportTable.Cell(v.name), .count(v.totals.flows), .bytes(v.totals.bytes),
                                              ReportTable.Cell(Units.percent(Double(v.totals.bytes), of: totalBytes), sortKey: Double(v.totals.bytes)),
                                              .count(v.totals.packets), ReportTable.Cell(Units.byteRate(Double(v.totals.bytes) / seconds), sortKey: Double(v.totals.bytes))]
                                         })))
        return ReportSection(id: "who-and-what", title: "Who and what", blocks: blocks)
    }
}
