// swift-tools-version: 6.0
import PackageDescription

/// floe: a batch pipeline over network flow logs.
/// Layout and module responsibilities are described in ARCHITECTURE.md.
let package = Package(
    name: "floe",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "floe", targets: ["floe"]),
        .executable(name: "floe-ingest", targets: ["floe-ingest"]),
        .executable(name: "floe-clean", targets: ["floe-clean"]),
        .executable(name: "floe-train", targets: ["floe-train"]),
        .executable(name: "floe-score", targets: ["floe-score"]),
        .executable(name: "floe-report", targets: ["floe-report"]),
        .executable(name: "floe-dev", targets: ["floe-dev"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "5.0.1"),
    ],
    targets: [
        // zlib from the system (zlib1g-dev) through small static-inline shims.
        .systemLibrary(name: "CZlib", path: "Sources/CZlib", providers: [.apt(["zlib1g-dev"])]),
        // Linux calls Swift's Glibc module does not import (syncfs, prctl), ISA-L's state layout.
        .systemLibrary(name: "CLinuxIO", path: "Sources/CLinuxIO"),
        // libbz2 from the system (libbz2-dev), for nfcapd files compressed with BZ2.
        .systemLibrary(name: "CBzip2", path: "Sources/CBzip2", providers: [.apt(["libbz2-dev"])]),
        // Schema, addresses, timestamps, column buffers, reject reasons. No IO.
        .target(name: "FlowRandom"),
        .target(name: "FlowCore"),
        // Reading configuration: problems with their place (all of them at once), the YAML
        // walker every config reader uses, the pipeline settings handed to the stages.
        .target(name: "FlowConfig", dependencies: ["FlowCore", "Yams"]),
        // Byte sources (file, gzip incl. multi-member), atomic writer, file discovery.
        .target(name: "FlowIO", dependencies: ["CZlib", "CLinuxIO", "FlowCore"]),
        // Decoders (and, for the generator, encoders) that take and give bytes, no IO:
        // CSV dialects, NetFlow, IPFIX, pcap, nfcapd (LZ4 blocks through FlowIO's LZ4Block).
        .target(name: "FlowFormats", dependencies: ["FlowCore", "FlowIO", "FlowRandom", "CBzip2", "Yams"]),
        // Apache Arrow IPC file writer and memory-mapped reader.
        .target(name: "FlowColumnar", dependencies: ["FlowCore", "FlowIO", "FlowRandom", "CLinuxIO"]),
        // Parquet writer (Thrift compact footer, data pages v1, PLAIN + dictionary) for the
        // dataset as a Hive-partitioned lake (floe export parquet).
        .target(name: "FlowParquet", dependencies: ["FlowCore", "FlowIO", "FlowColumnar", "FlowDataset"]),
        // The files stages exchange, each with its type, writer and reader: the quarantine
        // records and their JSON escaper, the manifest header, the score tables' CSV/Arrow.
        .target(name: "FlowArtifacts", dependencies: ["FlowCore", "FlowIO", "FlowColumnar"]),
        // Seeded generator of realistic flow logs with labelled anomalies.
        .target(name: "FlowGenerate", dependencies: ["FlowCore", "FlowIO", "FlowFormats", "FlowRandom"]),
        // The ingest engine: sources → decoders → Arrow files, quarantine, manifest.
        .target(name: "FlowIngest", dependencies: ["FlowCore", "FlowIO", "FlowFormats", "FlowColumnar", "FlowArtifacts"]),
        // The flow dataset: layout (date= folders, part files), schema and version, day
        // selection, recorded coverage, the listing with cached fingerprints, column names.
        .target(name: "FlowDataset", dependencies: ["FlowCore", "FlowIO", "FlowColumnar"]),
        // Validation rules, normalization, dedupe, enrichment; writes the day partitions.
        .target(name: "FlowClean", dependencies: ["FlowCore", "FlowConfig", "FlowIO", "FlowColumnar", "FlowArtifacts", "FlowDataset", "Yams"]),
        // Dataset column views, flow tables, host profiles, features, scalers, the Parallel helper.
        .target(name: "FlowFeatures", dependencies: ["FlowCore", "FlowIO", "FlowColumnar", "FlowDataset", "FlowRandom"]),
        // k-means (Lloyd, mini-batch), k selection, DBSCAN, the k-d tree.
        .target(name: "FlowClustering", dependencies: ["FlowFeatures"]),
        // The host graph, PageRank, the scan score.
        .target(name: "FlowGraph", dependencies: ["FlowCore", "FlowFeatures"]),
        // Anomaly records and tables, severity, scan/flood/beacon detectors, incidents, allowlist.
        .target(name: "FlowDetection", dependencies: ["FlowCore", "FlowConfig", "FlowIO", "FlowColumnar", "FlowArtifacts", "FlowDataset", "FlowFeatures", "Yams"]),
        // ARIMA/SARIMA estimation: state-space form, Kalman filter likelihood, stationarity
        // transforms, BFGS, order search, forecasts, simulation; the time-series error type.
        .target(name: "FlowForecasting", dependencies: ["FlowCore", "FlowRandom"]),
        // Traffic series from the dataset, seasonal baselines, the ARIMA/SARIMA and LSTM/GRU forecasters, back-test, volume detector.
        .target(name: "FlowTimeSeries", dependencies: ["FlowCore", "FlowIO", "FlowColumnar", "FlowArtifacts", "FlowDataset", "FlowDetection", "FlowNeural", "FlowForecasting", "FlowRandom"]),
        // What prepares report-feed.json (PCA, cluster names, graph, series); its document is in FlowArtifacts.
        .target(name: "FlowReportFeed", dependencies: ["FlowCore", "FlowIO", "FlowArtifacts", "FlowFeatures", "FlowGraph", "FlowDetection", "FlowTimeSeries"]),
        // The model kinds (model files, train, score) and the train/score pipeline.
        .target(name: "FlowModels", dependencies: [
            "FlowCore", "FlowConfig", "FlowIO", "FlowColumnar", "FlowArtifacts", "FlowDataset", "FlowFeatures", "FlowClustering", "FlowGraph",
            "FlowDetection", "FlowTimeSeries", "FlowReportFeed", "FlowNeural", "FlowRandom", "Yams",
        ]),
        // Neural networks in pure Swift: Float32 tensors, Dense/RNN/LSTM/GRU/Conv1d layers with
        // backpropagation, losses, AdamW, training with early stopping, model files.
        .target(name: "FlowNeural", dependencies: ["FlowRandom"]),
        // HTML (self-contained) and Markdown reports with SVG charts.
        .target(name: "FlowReports", dependencies: ["FlowCore", "FlowIO", "FlowColumnar", "FlowArtifacts", "FlowDataset"]),
        // Pipeline files (versioned YAML, read through FlowConfig's walker), DAG validation, incremental state, locking, runner.
        .target(name: "FlowPipeline", dependencies: ["FlowCore", "FlowConfig", "FlowIO", "CLinuxIO", "Yams"]),
        // One ParsableCommand per stage plus shared option groups.
        .target(name: "FlowCommands", dependencies: [
            "FlowCore", "FlowConfig", "FlowIO", "FlowFormats", "FlowGenerate", "FlowIngest", "FlowDataset", "FlowClean", "FlowFeatures",
            "FlowModels", "FlowReports", "FlowPipeline", "FlowParquet", .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        // The developer commands of floe-dev (peer-check exports, quality harness, benchmarks);
        // `floe` and the stage executables do not link them.
        .target(name: "FlowDevCommands", dependencies: [
            "FlowCommands", "FlowCore", "FlowIO", "FlowColumnar", "FlowDataset", "FlowFeatures", "FlowClustering", "FlowGraph",
            "FlowDetection", "FlowForecasting", "FlowTimeSeries", "FlowModels", "FlowNeural", "FlowFormats", "FlowGenerate",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .executableTarget(name: "floe", dependencies: ["FlowCommands"]),
        .executableTarget(name: "floe-ingest", dependencies: ["FlowCommands"]),
        .executableTarget(name: "floe-clean", dependencies: ["FlowCommands"]),
        .executableTarget(name: "floe-train", dependencies: ["FlowCommands"]),
        .executableTarget(name: "floe-score", dependencies: ["FlowCommands"]),
        .executableTarget(name: "floe-report", dependencies: ["FlowCommands"]),
        // Developer tools (peer checks, quality scripts, benchmarks), kept out of the stages.
        .executableTarget(name: "floe-dev", dependencies: ["FlowDevCommands"]),
        // Development tool of scripts/bench/neural.sh (FlowNeural training and inference timing).
        .executableTarget(name: "floe-neural-bench", dependencies: ["FlowNeural"]),

        // Helpers every test target shares: temporary folders, fixture paths, batch rows.
        .target(name: "FlowTestSupport", dependencies: ["FlowCore"], path: "Tests/FlowTestSupport"),
        .testTarget(name: "FlowCoreTests", dependencies: ["FlowCore", "FlowRandom"]),
        .testTarget(name: "FlowIOTests", dependencies: ["FlowIO"]),
        .testTarget(name: "FlowFormatsTests", dependencies: ["FlowFormats", "FlowIO", "FlowTestSupport"]),
        .testTarget(name: "FlowColumnarTests", dependencies: ["FlowColumnar", "FlowRandom", "FlowTestSupport"]),
        .testTarget(name: "FlowArtifactsTests", dependencies: ["FlowArtifacts"]),
        .testTarget(name: "FlowGenerateTests", dependencies: ["FlowGenerate", "FlowFormats", "FlowTestSupport"]),
        .testTarget(name: "FlowIngestTests", dependencies: ["FlowIngest", "FlowGenerate", "FlowFormats", "FlowColumnar", "FlowIO", "FlowTestSupport"]),
        .testTarget(name: "FlowDatasetTests", dependencies: ["FlowDataset", "FlowCore", "FlowColumnar", "FlowIO"]),
        .testTarget(name: "FlowCleanTests", dependencies: ["FlowClean", "FlowDataset", "FlowGenerate", "FlowFormats", "FlowIO", "FlowTestSupport"]),
        .testTarget(name: "FlowModelsTests", dependencies: [
            "FlowDataset", "FlowFeatures", "FlowClustering", "FlowGraph", "FlowDetection", "FlowForecasting", "FlowTimeSeries", "FlowReportFeed", "FlowModels",
            "FlowNeural", "FlowArtifacts", "FlowGenerate", "FlowFormats", "FlowRandom", "FlowTestSupport",
        ]),
        .testTarget(name: "FlowNeuralTests", dependencies: ["FlowNeural", "FlowRandom"]),
        .testTarget(name: "FlowReportsTests", dependencies: [
            "FlowReports", "FlowGenerate", "FlowClean", "FlowDataset", "FlowDetection", "FlowReportFeed", "FlowModels", "FlowTestSupport",
        ], exclude: ["Golden"]),
        .testTarget(name: "FlowPipelineTests", dependencies: ["FlowPipeline"]),
        .testTarget(name: "FlowCommandsTests", dependencies: ["FlowCommands", "FlowDevCommands", "FlowTestSupport"]),
        .testTarget(name: "FlowParquetTests", dependencies: ["FlowParquet", "FlowColumnar", "FlowCore"]),
    ]
)

// Release builds drop the run-time exclusivity checks (debug builds, and so the tests, keep
// them): in the per-row loops of floe-clean they took ~18 % of the CPU under perf (class
// property accesses in PartitionWriter/DayWriter), ~1–2 % in floe-ingest. The static
// (compile-time) exclusivity checks stay on everywhere.
for target in package.targets where target.type == .regular || target.type == .executable {
    target.swiftSettings = (target.swiftSettings ?? [])
        + [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]
}

// Debug builds (`swift run floe demo`, the first command a newcomer runs, and `swift test`)
// compile the modules with per-row and numeric loops optimised: in a -Onone build the
// demo's training alone took 86 s of its 101 s. The run-time exclusivity checks,
// preconditions and `@testable import` stay as in any debug build; `assert` is compiled
// out there, as in release. Release builds are untouched; the other modules stay -Onone
// for the debugger. A module is in the list only when the demo or the tests spend enough
// time in it to pay for its -O compile (scripts/bench/results/demo.md): FlowDetection
// (-O ~36 CPU-s for ~3 % of the demo's CPU) and FlowModels (the train/score orchestration:
// -O ~35 CPU-s, -Onone ~8, for ~3 % of the demo) are not, nor FlowTimeSeries (the series
// and the back-test around the forecasters; FlowForecasting, their numeric core, is, and
// it depends on FlowCore and FlowNeural only, so it compiles early, beside the other
// modules, not last on the build's serial tail); FlowNeural is, for the tests
// (its training loops run ~75× slower at -Onone). The optimised modules carry line tables
// only (`-gline-tables-only`: breakpoints by line and backtraces with file:line, no
// variables — optimised code has few left to show): full debug info was about a third of
// their compile time. They are compiled whole-module (`-wmo`, as release builds are): one
// frontend job per module instead of batch jobs that each parse and type-check the module
// again, ~20 CPU-s less for a fresh `swift build --product floe` (scripts/bench/results/
// demo.md, session 19), at the cost of incremental rebuilds inside these modules.
// `-num-threads` is required, not tuning: with LLVM threads a whole-module job writes one
// object and one index unit per source file, as SwiftPM's output file map and debug index
// store expect (without it the build fails: "index output filenames do not match input
// source files"). SwiftPM still passes `-incremental`, so the driver prints one remark per
// module ("Incremental compilation has been disabled: it is not compatible with whole
// module optimization"); `-disable-batch-mode` silences its warning about batch mode.
let optimisedInDebug: Set<String> = [
    "FlowCore", "FlowColumnar", "FlowDataset", "FlowFeatures", "FlowClustering", "FlowGraph", "FlowForecasting", "FlowNeural",
]
for target in package.targets where optimisedInDebug.contains(target.name) {
    target.swiftSettings = (target.swiftSettings ?? [])
        + [.unsafeFlags(["-O", "-gline-tables-only", "-wmo", "-disable-batch-mode", "-num-threads", "2"], .when(configuration: .debug))]
}
