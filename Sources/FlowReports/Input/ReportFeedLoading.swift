import FlowArtifacts

extension ReportFeed {
    /// Reads `path` (a `report-feed.json`), failures as `ReportError.unreadable`.
    public static func load(path: String) throws -> ReportFeed {
        try decodeFile(ReportFeed.self, path: path, what: "a report feed (format: ReportFeed in FlowArtifacts)")
    }
}
