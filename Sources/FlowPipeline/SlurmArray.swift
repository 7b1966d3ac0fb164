import FlowCore
import Foundation

/// Job arrays: the tasks of one stage that are ready at one scheduling step go to Slurm as
/// one `sbatch --array=0-(N-1)` per at most MaxArraySize tasks. Element `i` of an array runs
/// line `i` of the array's task map (a file in the state folder, named in the job's comment,
/// so a later run can tell which task a left-over element works on).
enum SlurmArray {
    /// Slurm's default MaxArraySize, used when `scontrol show config` cannot be read.
    static let defaultMaxArraySize = 1001

    /// `MaxArraySize = 1001` in `scontrol show config`; nil when absent or not a positive
    /// number.
    static func maxArraySize(config text: String) -> Int? {
        for line in text.split(whereSeparator: \.isNewline) {
            let parts = line.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if parts.count == 2, parts[0] == "MaxArraySize", let size = Int(parts[1]), size > 0 { return size }
        }
        return nil
    }

    /// `items` in consecutive pieces of at most `size` (an array's indexes go up to
    /// MaxArraySize - 1).
    static func split<T>(_ items: [T], size: Int) -> [[T]] {
        stride(from: 0, to: items.count, by: max(1, size)).map { Array(items[$0..<min($0 + max(1, size), items.count)]) }
    }

    /// The element ids in a squeue `%i` field: `123_4` stays as it is; the pending rest of an
    /// array, `123_[0-3,7%2]`, becomes `123_0` … `123_3`, `123_7`; a plain job id stays as it
    /// is. A range Slurm abbreviates with `...` (a very long list) keeps its listed part.
    static func elementIDs(_ field: String) -> [String] {
        guard let open = field.range(of: "_["), field.hasSuffix("]") else { return [field] }
        let base = field[..<open.lowerBound]
        var list = field[open.upperBound..<field.index(before: field.endIndex)]
        if let percent = list.firstIndex(of: "%") { list = list[..<percent] }
        var ids: [String] = []
        for piece in list.split(separator: ",") {
            let bounds = piece.split(separator: "-", maxSplits: 1).map { Int($0) }
            if bounds.count == 1, let index = bounds[0] {
                ids.append("\(base)_\(index)")
            } else if bounds.count == 2, let low = bounds[0], let high = bounds[1], low <= high {
                ids += (low...high).map { "\(base)_\($0)" }
            }
        }
        return ids
    }

    /// The index of element id `123_4`, nil for a job that is not an array element.
    static func index(ofElement id: String) -> Int? {
        guard let underscore = id.lastIndex(of: "_") else { return nil }
        return Int(id[id.index(after: underscore)...])
    }

    /// The comment of an array job: like a single job's, with the task map's path instead of
    /// the task (last, so a path with commas still reads back whole).
    static func comment(stage: String, runID: String, mapPath: String) -> String {
        "floe,stage=\(stage),run=\(runID),attempt=1,tasks=\(mapPath)"
    }

    /// The task map path in a comment written by `comment(stage:runID:mapPath:)`.
    static func mapPath(fromComment comment: String) -> String? {
        guard comment.hasPrefix("floe,"), let range = comment.range(of: ",tasks=") else { return nil }
        return String(comment[range.upperBound...])
    }

    /// The task map: one task id a line, line `i` for element `i`.
    static func renderMap(_ taskIDs: [String]) -> String { taskIDs.map { $0 + "\n" }.joined() }

    static func readMap(_ text: String?) -> [String]? {
        text.map { $0.split(separator: "\n").map(String.init) }
    }
}
