import FlowCore
import Foundation

extension CleanManifest {
    /// Why this run must count as failed although its outputs were written, or nil: rows
    /// came in and none was kept, or more than `maxShare` of them were rejected. The message
    /// names the top rules with their counts and one quarantine line of each (read from
    /// `quarantinePath`), so the cron mail shows what went wrong. A day with no rows in is
    /// not a failure.
    public func rejectFailure(maxShare: Double, quarantinePath: String) -> String? {
        let t = totals.counts
        guard t.rowsIn > 0 else { return nil }
        let share = Double(t.rowsRejected) / Double(t.rowsIn)
        let keptNothing = t.rowsOut == 0 && t.duplicates < t.rowsIn
        guard keptNothing || share > maxShare else { return nil }
        let percent = Int((share * 100).rounded())
        var lines = [keptNothing
            ? "kept no rows of \(NumberText.thousands(t.rowsIn)) (\(percent) % rejected)"
            : "rejected \(NumberText.thousands(t.rowsRejected)) of \(NumberText.thousands(t.rowsIn)) rows (\(percent) %), more than --max-reject-share \(maxShare)"]
        let top = t.rejectsByRule.filter { $0.value > 0 }.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.prefix(3)
        let examples = Self.firstQuarantineLines(quarantinePath, rules: Set(top.map(\.key)))
        for (rule, n) in top {
            lines.append("  \(rule): \(NumberText.thousands(n)) rows, e.g. \(examples[rule] ?? "(no line kept)")")
        }
        if top.first?.key == CleanRule.futureSkew.rawValue {
            lines.append("  future_skew compares with the reference time \(referenceTime): for old archives give --reference-time, or check the exporter's clock and the ingest --timezone")
        }
        return lines.joined(separator: "\n")
    }

    /// The first quarantine line of each rule in `rules` (cut to 400 characters).
    static func firstQuarantineLines(_ path: String, rules: Set<String>) -> [String: String] {
        guard let data = FileManager.default.contents(atPath: path) else { return [:] }
        var found: [String: String] = [:]
        for line in data.split(separator: 0x0A) {
            guard found.count < rules.count,
                  let object = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any],
                  let rule = object["rule"] as? String, rules.contains(rule), found[rule] == nil else { continue }
            let text = String(decoding: line, as: UTF8.self)
            found[rule] = text.count > 400 ? String(text.prefix(400)) + "…" : text
        }
        return found
    }
}
