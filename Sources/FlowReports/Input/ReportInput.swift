import FlowArtifacts

/// Everything a report shows, gathered before rendering. Sections that no stage produced
/// are nil and the report says so. Build it with `ReportLoader` or by hand (tests).
public struct ReportInput: Sendable {
    public var title: String
    /// First and last UTC day covered (day numbers, inclusive).
    public var firstDay: Int64
    public var lastDay: Int64
    /// Text of the "generated at" line; nil omits it (reports stay byte-identical).
    public var generatedAt: String?
    public var toolVersion: String
    /// From `--ingest RAW_DIR/manifest.json`.
    public var ingest: IngestSummary?
    /// The clean accounting of the period: the floe-clean runs that last wrote its days,
    /// added up (`DATASET_DIR/_clean_runs/*/manifest.json`), or, for a dataset without run
    /// records, `DATASET_DIR/manifest.json` (the last run).
    public var clean: CleanSummary?
    /// How many run records `clean` adds up; nil when it is `DATASET_DIR/manifest.json`.
    public var cleanRuns: Int? = nil
    /// Computed from the dataset's partitions for the period.
    public var traffic: TrafficStats
    /// The ranked anomalies table; nil when no scores were given or none were written.
    /// Rows of an older table have no severity, p-value or incident.
    public var anomalies: [AnomalyRow]?
    /// The incidents table, in rank order; nil when the scores folder has none (older
    /// floe-score): the report then leads with the anomalies.
    public var incidents: [Incident]?
    /// Forecast series; empty when no time-series model ran.
    public var forecasts: [ForecastSeries]
    public var clusters: ClusterSummary?
    public var hostGraph: HostGraphSummary?
    /// Model files, for the footer.
    public var models: [ModelReference]
    /// The forecasters' back-test and the host classifier's evaluation found beside the
    /// model files (nil: none; the "Model checks" section is then left out).
    public var backtest: BacktestFile? = nil
    public var classifier: ClassifierEvaluation? = nil
    /// Model-check files that are there but could not be read, each with why.
    public var modelCheckProblems: [String] = []
    /// Where the inputs came from (shown in the footer): folder → path.
    public var sources: [(String, String)]
    /// The command's parameters (shown in the footer).
    public var parameters: [(String, String)]
    /// Pipeline name, when run by `floe run`.
    public var pipeline: String?

    public init(title: String, firstDay: Int64, lastDay: Int64, generatedAt: String?, toolVersion: String,
                ingest: IngestSummary? = nil, clean: CleanSummary? = nil, traffic: TrafficStats,
                anomalies: [AnomalyRow]? = nil, forecasts: [ForecastSeries] = [], clusters: ClusterSummary? = nil,
                hostGraph: HostGraphSummary? = nil, models: [ModelReference] = [], sources: [(String, String)] = [],
                parameters: [(String, String)] = [], pipeline: String? = nil,
                incidents: [Incident]? = nil) {
        self.title = title
        self.firstDay = firstDay
        self.lastDay = lastDay
        self.generatedAt = generatedAt
        self.toolVersion = toolVersion
        self.ingest = ingest
        self.clean = clean
        self.traffic = traffic
        self.anomalies = anomalies
        self.forecasts = forecasts
        self.clusters = clusters
        self.hostGraph = hostGraph
        self.models = models
        self.sources = sources
        self.parameters = parameters
        self.pipeline = pipeline
        self.incidents = incidents
    }
}
