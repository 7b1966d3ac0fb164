/// Why the flow dataset (or one of its files) cannot be used. Messages name the path and
/// say what to do.
public enum DatasetError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The dataset folder does not exist or cannot be listed.
    case noFolder(path: String)
    /// The selected days hold no data files.
    case noFiles(path: String)
    /// A file lacks a column the reader needs.
    case missingColumn(path: String, column: String)
    /// A file or a partition's metadata cannot be read.
    case unreadable(path: String, reason: String)

    /// The path the error is about.
    public var path: String {
        switch self {
        case let .noFolder(path), let .noFiles(path), let .missingColumn(path, _), let .unreadable(path, _): return path
        }
    }

    /// What is wrong and what to do, without the path.
    public var detail: String {
        switch self {
        case .noFolder:
            return "no such dataset folder; give the output folder of floe-clean (date=YYYY-MM-DD partitions)"
        case .noFiles:
            return "no date=YYYY-MM-DD/*.arrow files in the selected days"
        case let .missingColumn(_, column):
            return "no column '\(column)'; is this a floe dataset (floe-clean output)?"
        case let .unreadable(_, reason):
            return reason
        }
    }

    public var description: String { "\(path): \(detail)" }
}
