import FlowArtifacts
import FlowCore
import FlowDataset
import FlowDetection
import FlowFeatures
import FlowIO
import FlowReportFeed
import Foundation

/// The manifest `floe-score` writes beside its outputs (`manifest.json`).
public struct ScoreManifest: Codable, Sendable {
    public struct Output: Codable, Sendable, Equatable {
        public var file: String
        public var rows: Int
        public var kind: String
        public var date: String
    }

    public var format = "floe-score-manifest"
    public var version = 1
    public var floeVersion: String
    public var models: String
    public var input: String
    public var dates: [String]
    public var inputFiles: [DatasetFile]
    public var outputs: [Output]
    public var anomalies: Int
    public var anomaliesByKind: [String: Int]
    public var incidents: Int = 0
    public var incidentsByKind: [String: Int] = [:]

    enum CodingKeys: String, CodingKey {
        case format, version, models, input, dates, outputs, anomalies, incidents
        case incidentsByKind = "incidents_by_kind"
        case floeVersion = "floe_version"
        case inputFiles = "input_files"
        case anomaliesByKind = "anomalies_by_kind"
    }
}

/// Training and scoring over `ModelPlan.kinds`, shared by the commands and the tests.
public enum ModelPipeline {
    /// Trains every kind on the days `days` of `input` and writes the model files and
    /// `models.json` into `output` (created if needed).
    @discardableResult
    public static func train(config: ModelsConfig, input: String, output: String, days selection: DaySelection = .all,
                             floeVersion: String, log: (String) -> Void = { _ in }) throws -> ModelsIndex {
        let whole = try DatasetListing(root: input)
        let dataset = try whole.selecting(selection).requireFiles()
        let claim = try claimFolder(output, stage: "floe-train")
        defer { withExtendedLifetime(claim) {} }
        let data = try ModelData(config: config, dataset: dataset, wholeDataset: whole, memoryBudgetMB: config.memoryBudgetMB)
        let memory = data.memory!
        var rows: Int
        if memory.streams {
            guard memory.rows > 0 else {
                throw FlowModelsError.notEnoughData(detail: "\(input): the selected days hold no flows")
            }
            rows = memory.rows
            log("streaming \(memory.rows) flows of \(dataset.days.count) days a day at a time: holding them all would take about \(memory.wholeTableMB) MiB, over the memory budget of \(memory.budgetMB) MiB")
        } else {
            let table = try data.table()
            rows = table.count
            guard rows > 0 else {
                throw FlowModelsError.notEnoughData(detail: "\(input): the selected days hold no flows")
            }
            log("read \(rows) flows, \(table.hosts.count) hosts from \(dataset.files.count) files")
            if let reason = memory.unboundedReason, memory.wholeTableMB > memory.budgetMB {
                log("warning: holding about \(memory.wholeTableMB) MiB, over the memory budget of \(memory.budgetMB) MiB: \(reason)")
            }
        }
        var sampling: ModelsIndex.Memory.Sample?
        let kinds = ModelPlan.kinds
        let trained = TrainingOutcomes(count: kinds.count)
        withoutActuallyEscaping(log) { log in
            let lines = SerialLog(log)
            let context = TrainContext(data: data, outputFolder: output, log: lines.write)
            // Trains kind `k` and records its outcome (false: it failed, and its lane stops
            // there); with `releasing`, the shared flows and the training matrix are let go
            // first when the kind does not read them (never from the second lane: the
            // first may still be reading them).
            func train(_ k: Int, releasing: Bool) -> Bool {
                let kind = kinds[k]
                if releasing && !kind.trainsOnSharedFlows { data.releaseFlows() }
                if releasing && !kind.usesTrainingMatrix { data.releaseTrainingMatrix() }
                let started = Date()
                defer { FreedMemory.release() }
                let outcome = Result {
                    let entry = try kind.train(context)
                    if let entry {
                        lines.write("trained \(kind.name) in \(String(format: "%.2f", Date().timeIntervalSince(started))) s → \(entry.file)")
                    }
                    return entry
                }
                trained.set(k, outcome)
                guard case .success(let entry) = outcome else { return false }
                if entry != nil, kind.usesTrainingMatrix, let m = context.matrixRows, m.kept < m.offered {
                    sampling = .init(featureSet: config.features.rawValue, rows: m.kept, of: m.offered)
                }
                return true
            }
            let shared = kinds.indices.filter { kinds[$0].trainsOnSharedFlows }
            let ownReaders = kinds.indices.filter { !kinds[$0].trainsOnSharedFlows }
            if memory.trainsOwnReadersAlongside && !ownReaders.isEmpty {
                // Two lanes: the kinds on the shared flows in plan order on this thread, and
                // beside them the kinds that read the dataset themselves, which touch
                // neither the shared data nor the training matrix (nor `sampling`). Each
                // kind writes its own files; outcomes and lines go through their locks.
                precondition(ownReaders.allSatisfy { !kinds[$0].usesTrainingMatrix },
                             "a kind that reads the dataset itself cannot use the shared training matrix")
                lines.write("training \(ownReaders.map { kinds[$0].name }.joined(separator: ", ")) beside the other kinds: the flows take about \(memory.wholeTableMB) MiB of the \(memory.budgetMB) MiB budget")
                TrainingLanes.run({
                    for k in shared where !train(k, releasing: true) { break }
                }, beside: {
                    for k in ownReaders where !train(k, releasing: false) { break }
                })
            } else {
                for k in kinds.indices where !train(k, releasing: true) { break }
            }
        }
        let entries = try trained.entries()
        if memory.streams {
            if data.streamedRows == nil { try data.forEachRun(blockMillis: CivilTime.millisPerDay) { _, _ in } }
            rows = data.streamedRows!
        }
        let days = dataset.days
        var index = ModelsIndex(
            floeVersion: floeVersion, seed: config.seed,
            config: String(decoding: config.sectionJSON, as: UTF8.self),
            training: .init(input: input, from: CivilTime.dateString(day: days.first!), to: CivilTime.dateString(day: days.last!),
                            rows: rows, files: try dataset.recordedFiles()),
            models: entries)
        if memory.streams {
            index.memory = .init(budgetMB: memory.budgetMB, streamed: true, sample: sampling)
            if let peak = ResidentMemory.peakMiB(), peak > memory.budgetMB {
                log("warning: peak resident memory \(peak) MiB, over the memory budget of \(memory.budgetMB) MiB: what streaming keeps (the hosts, host pairs and host windows of the range, TrainingMemory) does not fit it")
            }
        }
        try ModelFile.write(index, to: output + "/" + ModelsIndex.fileName)
        return index
    }

    /// Scores the days `dates` (all days of `input` when empty) with the models in
    /// `models`; writes the score tables, `anomalies.csv`, `anomalies.arrow`,
    /// `incidents.csv`, `incidents.arrow` and `manifest.json` into `output`, and
    /// `report-feed.json` for `floe-report` (clusters, host graph, the models, `series`
    /// from the time-series models, and the incidents). Returns the manifest and the
    /// ranked anomalies (each carrying its incident id).
    @discardableResult
    public static func score(models: String, input: String, dates: [Int64], output: String, floeVersion: String,
                             series: [ForecastSeries] = [], log: (String) -> Void = { _ in }) throws -> (manifest: ScoreManifest, anomalies: [AnomalyRecord]) {
        let index = try ModelsIndex.read(folder: models)
        let config = try ModelsConfig.decode(json: Data(index.config.utf8), source: models + "/" + ModelsIndex.fileName)
        let all = try DatasetListing(root: input).requireFiles()
        let days = dates.isEmpty ? all.days : dates.sorted()
        let claim = try claimFolder(output, stage: "floe-score")
        defer { withExtendedLifetime(claim) {} }
        var anomalies: [AnomalyRecord] = []
        var outputs: [ScoreManifest.Output] = []
        var inputFiles: [DatasetFile] = []
        let feed = ReportFeedCollector()
        let decoded = DecodedModelFiles()
        for day in days {
            let date = CivilTime.dateString(day: day)
            let dataset = all.selecting(.day(day))
            guard !dataset.files.isEmpty else {
                throw FlowModelsError.dataset(path: input, detail: "no partition date=\(date); available: \(all.days.map { CivilTime.dateString(day: $0) }.joined(separator: ", "))")
            }
            inputFiles += try dataset.recordedFiles()
            let data = try ModelData(config: config, dataset: dataset, wholeDataset: all)
            let context = ScoreContext(data: data, modelsFolder: models, outputFolder: output, day: day, feed: feed,
                                       datasetDays: all.days, decodedFiles: decoded)
            context.historyTrained = index.models.contains { $0.kind == HostHistoryKind.kindName }
            for entry in index.models {
                guard let kind = ModelPlan.kind(named: entry.kind) else {
                    throw FlowModelsError.modelFile(path: models + "/" + ModelsIndex.fileName,
                                                    detail: "lists a '\(entry.kind)' model this floe does not know")
                }
                let result = try kind.score(context, entry: entry)
                anomalies += result.anomalies
                outputs += result.outputs.map { .init(file: $0.file, rows: $0.rows, kind: entry.kind, date: date) }
            }
            log("scored \(date): \(try data.table().count) flows")
            FreedMemory.release()
        }
        let (ranked, incidents) = IncidentGrouping.group(AnomalyTable.merged(anomalies), allowlist: config.allowlist,
                                                         maximumPerKindDay: config.scoring.maxAnomaliesPerKind)
        try AnomaliesFile.write(ranked.map(\.row), folder: output)
        try IncidentsFile.write(incidents, folder: output)
        var byKind: [String: Int] = [:]
        for a in ranked { byKind[a.kind, default: 0] += 1 }
        var manifest = ScoreManifest(floeVersion: floeVersion, models: models, input: input,
                                     dates: days.map { CivilTime.dateString(day: $0) }, inputFiles: inputFiles,
                                     outputs: outputs, anomalies: ranked.count, anomaliesByKind: byKind)
        manifest.incidents = incidents.count
        for i in incidents { manifest.incidentsByKind[i.kind.rawValue, default: 0] += 1 }
        try ModelFile.write(manifest, to: output + "/manifest.json")
        var document = feed.document(index: index, modelsFolder: models, anomalies: ranked, series: series, floeVersion: floeVersion,
                                     decodedFiles: decoded)
        document.incidents = incidents
        try ReportFeedCollector.write(document, folder: output)
        return (manifest, ranked)
    }

    /// Claims the output folder for `stage` (creating it; see `OutputFolderClaim`), with
    /// the failure as a `FlowModelsError`.
    static func claimFolder(_ path: String, stage: String) throws -> OutputFolderClaim {
        do {
            return try OutputFolderClaim(folder: path, stage: stage)
        } catch FlowIOError.writeFailed(let failedPath, let reason) {
            throw FlowModelsError.io(path: failedPath, detail: reason)
        }
    }
}
