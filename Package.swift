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
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "5.0.1"),
    ],
    targets: [
        // zlib from the system (zlib1g-dev) through small static-inline shims.
        .systemLibrary(name: "CZlib", path: "Sources/CZlib", providers: [.apt(["zlib1g-dev"])]),
        // libbz2 from the system (libbz2-dev), for nfcapd files compressed with BZ2.
        .systemLibrary(name: "CLinuxIO", path: "Sources/CLinuxIO"),
        .systemLibrary(name: "CBzip2", path: "Sources/CBzip2", providers: [.apt(["libbz2-dev"])]),
        // Schema, addresses, timestamps, column buffers, reject reasons. No IO.
        .target(name: "FlowCore"),
        // Byte sources (file, gzip incl. multi-member), atomic writer, file discovery.
        .target(name: "FlowIO", dependencies: ["CZlib", "CLinuxIO", "FlowCore"]),
        // Decoders (and, for the generator, encoders) that take and give bytes, no IO:
        // CSV dialects (later: NetFlow, IPFIX, pcap, nfcapd).
        .target(name: "FlowFormats", dependencies: ["FlowCore", "CBzip2", "Yams"]),
        // Apache Arrow IPC file writer and memory-mapped reader.
        .target(name: "FlowColumnar", dependencies: ["FlowCore", "FlowIO", "CLinuxIO"]),
        // Seeded generator of realistic flow logs with labelled anomalies.
        .target(name: "FlowGenerate", dependencies: ["FlowCore", "FlowIO", "FlowFormats"]),
        // The ingest engine: sources → decoders → Arrow files, quarantine, manifest.
        .target(name: "FlowIngest", dependencies: ["FlowCore", "FlowIO", "FlowFormats", "FlowColumnar"]),
        // The flow dataset: layout (date= folders, part files), schema and version, day
        // selection, recorded coverage, the listing with cached fingerprints, column names.
        .target(name: "FlowDataset", dependencies: ["FlowCore", "FlowIO", "FlowColumnar"]),
        // Validation rules, normalization, dedupe, enrichment; writes the day partitions.
        .target(name: "FlowClean", dependencies: ["FlowCore", "FlowIO", "FlowColumnar", "FlowDataset", "Yams"]),
        // Dataset column views, flow tables, host profiles, features, scalers, the Parallel helper.
        .target(name: "FlowFeatures", dependencies: ["FlowCore", "FlowIO", "FlowColumnar", "FlowDataset"]),
        // k-means (Lloyd, mini-batch), k selection, DBSCAN, the k-d tree.
        .target(name: "FlowClustering", dependencies: ["FlowFeatures"]),
        // The host graph, PageRank, the scan score.
        .target(name: "FlowGraph", dependencies: ["FlowCore", "FlowFeatures"]),
        // Anomaly records and tables, severity, scan/flood/beacon detectors, incidents, allowlist.
        .target(name: "FlowDetection", dependencies: ["FlowCore", "FlowIO", "FlowColumnar", "FlowFeatures"]),
        // Traffic series from the dataset, seasonal baselines, ARIMA/SARIMA, volume detector.
        .target(name: "FlowTimeSeries", dependencies: ["FlowCore", "FlowIO", "FlowColumnar", "FlowDataset", "FlowDetection"]),
        // report-feed.json: its document and what prepares it (PCA, cluster names, graph, series).
        .target(name: "FlowReportFeed", dependencies: ["FlowCore", "FlowIO", "FlowFeatures", "FlowGraph", "FlowDetection", "FlowTimeSeries"]),
        // The model kinds (model files, train, score) and the train/score pipeline.
        .target(name: "FlowModels", dependencies: [
            "FlowCore", "FlowIO", "FlowColumnar", "FlowDataset", "FlowFeatures", "FlowClustering", "FlowGraph",
            "FlowDetection", "FlowTimeSeries", "FlowReportFeed",
        ]),
        // HTML (self-contained) and Markdown reports with SVG charts.
        .target(name: "FlowReports", dependencies: ["FlowCore", "FlowIO", "FlowColumnar", "FlowDataset", "FlowDetection"]),
        // Pipeline files (versioned YAML), DAG validation, incremental state, locking, runner.
        .target(name: "FlowPipeline", dependencies: ["FlowCore", "FlowIO", "Yams"]),
        // One ParsableCommand per stage plus shared option groups.
        .target(name: "FlowCommands", dependencies: [
            "FlowCore", "FlowIO", "FlowFormats", "FlowColumnar", "FlowGenerate", "FlowIngest", "FlowDataset",
            "FlowClean", "FlowFeatures", "FlowClustering", "FlowGraph", "FlowModels", "FlowReports", "FlowPipeline",
            .product(name: "ArgumentParser", package: "swift-argument-parser"), "Yams",
        ]),
        .executableTarget(name: "floe", dependencies: ["FlowCommands"]),
        .executableTarget(name: "floe-ingest", dependencies: ["FlowCommands"]),
        .executableTarget(name: "floe-clean", dependencies: ["FlowCommands"]),
        .executableTarget(name: "floe-train", dependencies: ["FlowCommands"]),
        .executableTarget(name: "floe-score", dependencies: ["FlowCommands"]),
        .executableTarget(name: "floe-report", dependencies: ["FlowCommands"]),

        .testTarget(name: "FlowCoreTests", dependencies: ["FlowCore"]),
        .testTarget(name: "FlowIOTests", dependencies: ["FlowIO"]),
        .testTarget(name: "FlowFormatsTests", dependencies: ["FlowFormats"]),
        .testTarget(name: "FlowColumnarTests", dependencies: ["FlowColumnar"]),
        .testTarget(name: "FlowGenerateTests", dependencies: ["FlowGenerate", "FlowFormats"]),
        .testTarget(name: "FlowIngestTests", dependencies: ["FlowIngest", "FlowGenerate", "FlowFormats", "FlowColumnar", "FlowIO"]),
        .testTarget(name: "FlowDatasetTests", dependencies: ["FlowDataset", "FlowCore", "FlowColumnar", "FlowIO"]),
        .testTarget(name: "FlowCleanTests", dependencies: ["FlowClean", "FlowDataset", "FlowGenerate", "FlowFormats", "FlowIO"]),
        .testTarget(name: "FlowModelsTests", dependencies: [
            "FlowDataset", "FlowFeatures", "FlowClustering", "FlowGraph", "FlowDetection", "FlowTimeSeries", "FlowReportFeed",
            "FlowModels", "FlowGenerate",
        ]),
        .testTarget(name: "FlowReportsTests", dependencies: [
            "FlowReports", "FlowGenerate", "FlowClean", "FlowDataset", "FlowDetection", "FlowReportFeed", "FlowModels",
        ], exclude: ["Golden"]),
        .testTarget(name: "FlowPipelineTests", dependencies: ["FlowPipeline"]),
        .testTarget(name: "FlowCommandsTests", dependencies: ["FlowCommands"]),
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
