import FlowArtifacts
import FlowForecasting
import FlowIO
import Foundation
import FlowCore

/// The versioned JSON model file of the time-series models (`floe-train` writes it,
/// `floe-score` reads it): the configs, the training window and one model per series
/// (parameters, order, candidates tried, data fingerprint), plus the series that could
/// not be modelled and why.
public struct TimeSeriesModelFile: Sendable, Codable {
    public static let format = "floe-timeseries-model"
    public static let version = 1

    /// The training window (FlowArtifacts' `TimeWindow`, as in `backtest.json`).
    public typealias Window = TimeWindow
    /// A configured series that could not be modelled.
    public typealias Skipped = SkippedSeries

    public var format: String
    public var version: Int
    public var bucketMillis: Int64
    public var training: Window
    public var seriesConfig: SeriesConfig
    public var modelConfig: TimeSeriesModelConfig
    public var models: [SeriesForecastModel]
    public var skipped: [Skipped]

    enum CodingKeys: String, CodingKey {
        case format, version, training, models, skipped
        case bucketMillis = "bucket_ms"
        case seriesConfig = "series_config"
        case modelConfig = "model_config"
    }

    public init(bucketMillis: Int64, training: Window, seriesConfig: SeriesConfig, modelConfig: TimeSeriesModelConfig,
                models: [SeriesForecastModel], skipped: [Skipped]) {
        format = Self.format
        version = Self.version
        self.bucketMillis = bucketMillis
        self.training = training
        self.seriesConfig = seriesConfig
        self.modelConfig = modelConfig
        self.models = models
        self.skipped = skipped
    }

    /// Pretty JSON with sorted keys and a final newline.
    public func jsonBytes() throws -> [UInt8] {
        try StableJSON.encode(self, nonFiniteAsText: true)
    }

    /// Decodes a model file, refusing other formats and versions with a clear message.
    public static func decode(_ bytes: [UInt8], path: String) throws -> TimeSeriesModelFile {
        struct Header: Decodable { var format: String?; var version: Int? }
        let data = Data(bytes)
        guard let header = try? JSONDecoder().decode(Header.self, from: data) else {
            throw TimeSeriesError.modelFile(path: path, reason: "not a JSON model file")
        }
        guard header.format == format else {
            throw TimeSeriesError.modelFile(path: path, reason: "format is '\(header.format ?? "none")', expected '\(format)'")
        }
        guard header.version == version else {
            throw TimeSeriesError.modelFile(path: path, reason: "model file version \(header.version.map(String.init) ?? "none") is not supported (this floe reads version \(version)); retrain with floe-train")
        }
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        do {
            return try decoder.decode(TimeSeriesModelFile.self, from: data)
        } catch {
            throw TimeSeriesError.modelFile(path: path, reason: "malformed model file: \(error)")
        }
    }

    public static func read(path: String) throws -> TimeSeriesModelFile {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw TimeSeriesError.modelFile(path: path, reason: "cannot read the model file; run floe-train first")
        }
        return try decode([UInt8](data), path: path)
    }
}
