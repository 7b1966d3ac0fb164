import FlowArtifacts
import FlowCore
import FlowDataset
import Foundation

/// Where a report's inputs are and which days it covers.
public struct ReportOptions: Sendable, Equatable {
    public var datasetDir: String
    public var ingestDir: String?
    public var scoresDir: String?
    /// Inclusive UTC day range; nil = every partition in the dataset.
    public var days: ClosedRange<Int64>?
    public var title: String?
    /// `.automatic`: the instant after the period's last day; `.text`: as given; `.none`: omitted.
    public var generatedAt: GeneratedAt = .automatic
    public var pipeline: String?
    public var threads = 2
    public var topCount = 10

    public enum GeneratedAt: Sendable, Equatable {
        case automatic
        case text(String)
        case none
    }

    public init(datasetDir: String, ingestDir: String? = nil, scoresDir: String? = nil, days: ClosedRange<Int64>? = nil) {
        self.datasetDir = datasetDir
        self.ingestDir = ingestDir
        self.scoresDir = scoresDir
        self.days = days
    }
}

/// Reads the manifests, the dataset, the anomalies table and the report feed into a
/// `ReportInput`.
public enum ReportLoader {
    public static func load(_ o: ReportOptions, toolVersion: String) throws -> ReportInput {
        let dataset = o.datasetDir.hasSuffix("/") && o.datasetDir.count > 1 ? String(o.datasetDir.dropLast()) : o.datasetDir
        let listing = try DatasetListing(root: dataset,
                                         selection: o.days.map { DaySelection(from: $0.lowerBound, to: $0.upperBound) } ?? .all)
        let firstDay: Int64, lastDay: Int64
        if let days = o.days {
            firstDay = days.lowerBound
            lastDay = days.upperBound
        } else {
            guard let lo = listing.days.first, let hi = listing.days.last else {
                throw ReportError.unreadable(path: dataset, reason: "the dataset has no date=YYYY-MM-DD partitions; run floe-clean first or pass --date")
            }
            firstDay = lo
            lastDay = hi
        }
        let cleanRuns = try CleanRunAccounting.load(dataset: dataset, days: firstDay...lastDay)
        let cleanPath = dataset + "/manifest.json"
        let clean = try cleanRuns?.summary
            ?? (FileManager.default.fileExists(atPath: cleanPath) ? CleanSummary.load(path: cleanPath) : nil)
        let start = firstDay * CivilTime.millisPerDay
        let end = (lastDay + 1) * CivilTime.millisPerDay
        let traffic = try DatasetScanner(topCount: o.topCount, threads: o.threads)
            .scan(dataset: listing, periodStart: start, periodEnd: end)

        var ingest: IngestSummary?
        if let dir = o.ingestDir {
            let path = dir.hasSuffix(".json") ? dir : dir + "/manifest.json"
            guard FileManager.default.fileExists(atPath: path) else {
                throw ReportError.unreadable(path: path, reason: "no ingest manifest here (give the folder floe-ingest wrote with --ingest)")
            }
            ingest = try IngestSummary.load(path: path)
        }
        var anomalies: [AnomalyRow]?
        var incidents: [Incident]?
        var feed: ReportFeed?
        if let dir = o.scoresDir {
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: dir, isDirectory: &isDir), isDir.boolValue else {
                throw ReportError.unreadable(path: dir, reason: "no such scores folder (give the folder floe-score wrote with --scores)")
            }
            let table = dir + "/" + AnomaliesFile.csvName
            do {
                if FileManager.default.fileExists(atPath: table) { anomalies = try AnomaliesFile.read(path: table) }
                incidents = try IncidentsFile.readIfPresent(path: dir + "/" + IncidentsFile.csvName)
            } catch let error as ArtifactError {
                throw ReportError(error)
            }
            let feedPath = dir + "/" + ReportFeed.fileName
            if FileManager.default.fileExists(atPath: feedPath) { feed = try ReportFeed.load(path: feedPath) }
        }
        let period = firstDay == lastDay ? CivilTime.dateString(day: firstDay)
            : CivilTime.dateString(day: firstDay) + " to " + CivilTime.dateString(day: lastDay)
        let generatedAt: String?
        switch o.generatedAt {
        case .automatic: generatedAt = CivilTime.isoString(millis: end).replacingOccurrences(of: ".000Z", with: "Z")
        case .text(let t): generatedAt = t
        case .none: generatedAt = nil
        }
        var sources: [(String, String)] = [("dataset", dataset)]
        if let i = o.ingestDir { sources.append(("ingest", i)) }
        if let s = o.scoresDir { sources.append(("scores", s)) }
        var parameters: [(String, String)] = [("period", period), ("bucket", UTCText.duration(traffic.bucketMillis))]
        parameters.append(("top entries", String(o.topCount)))
        var input = ReportInput(
            title: o.title ?? "Network flows, " + period,
            firstDay: firstDay, lastDay: lastDay, generatedAt: generatedAt, toolVersion: toolVersion,
            ingest: ingest, clean: clean, traffic: traffic, anomalies: anomalies,
            forecasts: feed?.series ?? [], clusters: feed?.clusters, hostGraph: feed?.hostGraph,
            models: feed?.models ?? [], sources: sources, parameters: parameters, pipeline: o.pipeline,
            incidents: incidents)
        input.cleanRuns = cleanRuns?.runs
        let checks = ModelCheckReaders.load(input.models)
        (input.backtest, input.classifier, input.modelCheckProblems) = (checks.backtest, checks.classifier, checks.problems)
        return input
    }
}
