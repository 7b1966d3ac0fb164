import FlowCore

/// Turns a `ReportInput` into a `ReportDocument`: the incidents (when the scores folder
/// has an incidents table), the run summary with its data-quality warnings, traffic over
/// time, who and what, anomalies, clusters, host graph, the model checks and the provenance
/// footer, always in this order and always all present but the incidents and the model
/// checks (absent model outputs are said to be absent).
public enum ReportBuilder {
    /// Section ids in order; "incidents" only with an incidents table. `modelChecksID`
    /// comes before "provenance" when the models have a back-test or a classifier evaluation.
    public static let sectionIDs = ["incidents", "summary", "traffic", "who-and-what", "anomalies", "clusters", "host-graph", "provenance"]
    public static let modelChecksID = "model-checks"

    public static func document(_ input: ReportInput) -> ReportDocument {
        var subtitle = ["Period: " + periodText(input)]
        if let g = input.generatedAt { subtitle.append("Generated at " + g) }
        let windows = AnomalySection.windows(input)
        return ReportDocument(title: input.title, subtitle: subtitle, sections: [IncidentSection.build(input)].compactMap { $0 } + [
            SummarySection.build(input),
            TrafficSection.build(input, windows: windows),
            WhoWhatSection.build(input),
            AnomalySection.build(input),
            ModelSections.clusters(input),
            ModelSections.hostGraph(input),
        ] + [ModelCheckSection.build(input)].compactMap { $0 } + [
            FooterSection.build(input),
        ])
    }

    static func periodText(_ input: ReportInput) -> String {
        let a = CivilTime.dateString(day: input.firstDay)
        let days = input.lastDay - input.firstDay + 1
        if days == 1 { return a + " (1 day, UTC)" }
        return a + " to " + CivilTime.dateString(day: input.lastDay) + " (\(days) days, UTC)"
    }

    /// Seconds in the report period (for average rates).
    static func periodSeconds(_ input: ReportInput) -> Double {
        Double(input.traffic.periodEnd - input.traffic.periodStart) / 1000
    }
}
