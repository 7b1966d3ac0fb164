import FlowCore
import FlowDataset
import FlowDetection
import FlowFeatures
import Foundation

/// One kind of model that `floe-train` fits and `floe-score` applies. Each kind writes its
/// own model file(s) into the models folder and, when scoring, its own score tables and
/// anomaly rows. Kinds read the shared data through the context (loaded once, cached).
public protocol ModelKind: Sendable {
    /// Stable name, recorded in `models.json` (`clusters`, `density`, `graph`, …).
    var name: String { get }
    /// Fits the model on `context`'s data and writes its file(s); returns the index entry,
    /// or nil when the configuration turns this kind off.
    func train(_ context: TrainContext) throws -> ModelsIndex.Entry?
    /// Applies the trained model to one day.
    func score(_ context: ScoreContext, entry: ModelsIndex.Entry) throws -> KindScores
    /// Whether training reads `ModelData.trainingMatrix` (the clustering kinds): the matrix
    /// is kept from one such kind to the next and let go before any other.
    var usesTrainingMatrix: Bool { get }
    /// Whether training reads the shared flows (`ModelData.table()`, profiles, features).
    /// A kind that reads the dataset itself says false: `floe-train` lets the shared flows
    /// go before it, so they do not sit in memory beside its own working set, or, when the
    /// budget has room for both (`TrainingMemory.trainsOwnReadersAlongside`), trains it on
    /// a second thread beside the other kinds. Such a kind must therefore touch only the
    /// context's constant parts (`config`, `data.dataset`, `data.wholeDataset`,
    /// `outputFolder`, `log`): never `ModelData`'s caches or the training matrix.
    var trainsOnSharedFlows: Bool { get }
}

extension ModelKind {
    public var trainsOnSharedFlows: Bool { true }
    public var usesTrainingMatrix: Bool { false }
}

/// What a model kind produced for one scored day.
public struct KindScores {
    public var anomalies: [AnomalyRecord]
    /// Score files written (paths relative to the score folder) and their row counts.
    public var outputs: [(file: String, rows: Int)]

    public init(anomalies: [AnomalyRecord] = [], outputs: [(file: String, rows: Int)] = []) {
        self.anomalies = anomalies
        self.outputs = outputs
    }
}

/// The model kinds `floe-train` and `floe-score` run, in order. To add a kind (e.g. the
/// time-series models), append one value conforming to `ModelKind` here:
/// `TimeSeriesModelKind()` reading its own section from `context.config.sectionJSON`.
public enum ModelPlan {
    public static let kinds: [any ModelKind] = [
        HostHistoryKind(),
        ClusterModelKind(),
        DensityModelKind(),
        HostGraphModelKind(),
        TimeSeriesModelKind(),
        ClassifierModelKind(),
    ]

    public static func kind(named name: String) -> (any ModelKind)? {
        kinds.first { $0.name == name }
    }
}

/// Shared, lazily loaded data of one dataset selection (training range or scored day).
public final class ModelData {
    public let config: ModelsConfig
    /// The selected days (training range or scored day).
    public let dataset: DatasetListing
    /// The whole dataset the selection was made from (listed once per stage), for models
    /// that read around the selection (the time series read the day before it).
    public let wholeDataset: DatasetListing
    public let internalNetworks: [NetworkPrefix]
    /// How training holds its data (nil when scoring: one day's table is held).
    public let memory: TrainingMemory?
    /// Flows read by the last complete day-by-day pass (rows whose addresses parsed).
    public private(set) var streamedRows: Int?
    private var cachedTable: FlowTable?
    private var cachedProfiles: HostProfiles?
    private var cachedFlowFeatures: FeatureMatrix?
    private var cachedTrainingMatrix: (matrix: FeatureMatrix, offered: Int)?

    /// `memoryBudgetMB` (training): the budget `TrainingMemory` plans within; nil holds
    /// the whole selection's table (scoring, one day).
    public init(config: ModelsConfig, dataset: DatasetListing, wholeDataset: DatasetListing? = nil,
                memoryBudgetMB: Int? = nil) throws {
        self.config = config
        self.dataset = dataset
        self.wholeDataset = wholeDataset ?? dataset
        internalNetworks = config.internalNetworks
        memory = try memoryBudgetMB.map {
            TrainingMemory(budgetMB: $0, rows: try FlowTable.rowCount(dataset), windowMinutes: config.windowMinutes)
        }
    }

    /// Whether training reads the dataset a day at a time (`TrainingMemory.streams`).
    public var streams: Bool { memory?.streams ?? false }

    /// Calls `body` with runs of rows that share no block of `blockMillis` (a day, or a
    /// day's worth of whole windows): the runs of the whole table (`WindowSegments`) when
    /// it is held, else the runs of each day's table read in turn (host ids shared by the
    /// days). Returns every host, indexed by id, and whether each is internal.
    @discardableResult
    public func forEachRun(blockMillis: Int64, _ body: (FlowTable, Range<Int>) throws -> Void) throws -> (hosts: [IPAddress], hostIsInternal: [Bool]) {
        guard streams else {
            let t = try table()
            for run in WindowSegments.split(t.start, blockMillis: blockMillis) { try body(t, run) }
            return (t.hosts, t.hostIsInternal)
        }
        var rows = 0
        let hosts = try FlowTable.forEachDay(dataset, internalNetworks: internalNetworks) { _, day in
            rows += day.count
            for run in WindowSegments.split(day.start, blockMillis: blockMillis) { try body(day, run) }
        }
        streamedRows = rows
        FreedMemory.release()
        return hosts
    }

    /// The training rows of feature set `kind` (the matrix of `features(kind)`) and how many
    /// rows it was drawn from: all of them, unless training streams and they exceed the
    /// budget's row cap (`TrainingMatrixSample`). Kept until `releaseTrainingMatrix()`.
    public func trainingMatrix(_ kind: FeatureSetKind) throws -> (matrix: FeatureMatrix, offered: Int) {
        if let m = cachedTrainingMatrix { return m }
        let result: (matrix: FeatureMatrix, offered: Int)
        if let memory, memory.streams {
            let names = kind.definitions.map(\.name)
            var sample = TrainingMatrixSample(names: names, cap: memory.matrixRowCap(columns: names.count),
                                              days: dataset.days.count, seed: config.seed)
            let minimum = Double(config.hostMinFlows)
            var rows = 0
            _ = try FlowTable.forEachDay(dataset, internalNetworks: internalNetworks) { dayNumber, day in
                rows += day.count
                switch kind {
                case .host:
                    let p = HostProfiles.build(day, windowMillis: config.windowMillis)
                    sample.add(p.features.selecting(rows: (0..<p.count).filter { p.features[$0, 0] >= minimum }), day: dayNumber)
                case .flow:
                    sample.add(FlowFeatures.compute(day), day: dayNumber)
                }
            }
            streamedRows = rows
            result = (sample.matrix, sample.offered)
        } else {
            let m = try features(kind).matrix
            result = (m, m.rows)
            // The matrix is a copy: the profiles and flow features it came from are not
            // needed by the clustering kinds, and the graph builds its own a day at a time.
            cachedProfiles = nil
            cachedFlowFeatures = nil
        }
        cachedTrainingMatrix = result
        FreedMemory.release()
        return result
    }

    /// Lets go of the training matrix.
    public func releaseTrainingMatrix() {
        cachedTrainingMatrix = nil
        FreedMemory.release()
    }

    /// The flows (read once).
    public func table() throws -> FlowTable {
        if let t = cachedTable { return t }
        let t = try FlowTable.load(dataset, internalNetworks: internalNetworks)
        cachedTable = t
        FreedMemory.release()
        return t
    }

    /// Host profiles over `config.windowMinutes` windows.
    public func profiles() throws -> HostProfiles {
        if let p = cachedProfiles { return p }
        let p = HostProfiles.build(try table(), windowMillis: config.windowMillis)
        cachedProfiles = p
        FreedMemory.release()
        return p
    }

    /// Lets go of the cached flows, profiles and flow features (a later `table()` reads
    /// the dataset again).
    public func releaseFlows() {
        cachedTable = nil
        cachedProfiles = nil
        cachedFlowFeatures = nil
        cachedTrainingMatrix = nil
        FreedMemory.release()
    }

    public func flowFeatures() throws -> FeatureMatrix {
        if let f = cachedFlowFeatures { return f }
        let f = FlowFeatures.compute(try table())
        cachedFlowFeatures = f
        return f
    }

    /// The raw matrix of `kind` (host windows with at least `hostMinFlows` flows) and a label for each row (host or flow pair) with its
    /// window [start, end).
    public func features(_ kind: FeatureSetKind) throws -> (matrix: FeatureMatrix, entity: (Int) -> String, window: (Int) -> (Int64, Int64)) {
        let t = try table()
        switch kind {
        case .host:
            let p = try profiles()
            let w = p.windowMillis
            let minimum = Double(config.hostMinFlows)
            let rows = (0..<p.count).filter { p.features[$0, 0] >= minimum }
            return (p.features.selecting(rows: rows), { t.hosts[Int(p.host[rows[$0]])].description },
                    { (p.windowStart[rows[$0]], p.windowStart[rows[$0]] + w) })
        case .flow:
            return (try flowFeatures(),
                    { t.hosts[Int(t.source[$0])].description + " -> " + t.hosts[Int(t.destination[$0])].description },
                    { (t.start[$0], t.start[$0] + t.duration[$0]) })
        }
    }
}

/// What a model kind sees when training.
public final class TrainContext {
    public let data: ModelData
    /// Folder the model files go to.
    public let outputFolder: String
    public var config: ModelsConfig { data.config }
    /// Progress and skip messages (floe-train prints them).
    public let log: (String) -> Void
    /// Rows of the last training matrix handed out (`scaledFeatureSet`) and how many it
    /// was drawn from (more when the memory budget made training sample it).
    public private(set) var matrixRows: (kept: Int, offered: Int)?

    public init(data: ModelData, outputFolder: String, log: @escaping (String) -> Void = { _ in }) {
        self.data = data
        self.outputFolder = outputFolder
        self.log = log
    }

    /// The configured feature set's raw matrix, its column definitions and the scaler
    /// fitted on it (the start of every clustering kind's training).
    public func scaledFeatureSet() throws -> (raw: FeatureMatrix, definitions: [FeatureDefinition], scaler: FittedScaler) {
        let set = config.features
        let (raw, offered) = try data.trainingMatrix(set)
        matrixRows = (raw.rows, offered)
        if offered > raw.rows {
            log("\(set.rawValue) training matrix: sampled \(raw.rows) of \(offered) rows (memory budget \(data.memory?.budgetMB ?? 0) MiB: per-day stratified sample, seed \(config.seed))")
        }
        let definitions = set.definitions
        return (raw, definitions, FittedScaler.fit(raw, kind: config.scaler, log1p: definitions.map(\.log1p)))
    }
}

/// What a model kind sees when scoring one day.
public final class ScoreContext {
    public let data: ModelData
    public let modelsFolder: String
    public let outputFolder: String
    /// The scored UTC day and its `YYYY-MM-DD`.
    public let day: Int64
    public var date: String { CivilTime.dateString(day: day) }
    public var config: ModelsConfig { data.config }
    /// Where kinds hand what the report feed shows (nil: no feed is written).
    public let feed: ReportFeedCollector?
    /// Every day of the dataset being scored (to recognise its first and last day).
    public let datasetDays: [Int64]
    /// Model files decoded by an earlier day of the same run (kinds read theirs through it).
    public let decodedFiles: DecodedModelFiles

    public init(data: ModelData, modelsFolder: String, outputFolder: String, day: Int64, feed: ReportFeedCollector? = nil,
                datasetDays: [Int64] = [], decodedFiles: DecodedModelFiles = DecodedModelFiles()) {
        self.data = data
        self.modelsFolder = modelsFolder
        self.outputFolder = outputFolder
        self.day = day
        self.feed = feed
        self.datasetDays = datasetDays
        self.decodedFiles = decodedFiles
    }

    /// Whether models.json lists a host history (a stale `history.json` left in the folder
    /// by an earlier training is not used).
    public var historyTrained = false

    /// The trained host history (`history.json`), or nil when it was not trained.
    public func hostHistory() throws -> HostHistory? {
        guard historyTrained else { return nil }
        return try decodedFiles.value(at: modelsFolder + "/" + HostHistory.fileName) { try HostHistory.read(folder: modelsFolder) }
    }

}
