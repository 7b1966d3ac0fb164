import FlowIngest

/// The few lines `floe-ingest` prints at the end: what was read, written and rejected.
struct IngestSummaryText {
    let manifest: IngestManifest
    /// Where the files went; nil for a dry run (nothing written).
    let outputDirectory: String?

    var text: String {
        let t = manifest.totals
        var lines = [
            "floe-ingest: \(t.files) file(s), \(t.filesFailed) failed; rows read \(t.counts.rowsRead), "
                + (outputDirectory == nil ? "would write " : "written ") + "\(t.counts.rowsWritten), rejected \(t.counts.rowsRejected) "
                + "in \(String(format1: manifest.durationSeconds)) s "
                + (outputDirectory.map { "→ \($0)" } ?? "(dry run: nothing written)"),
        ]
        for (reason, n) in t.counts.rejectsByReason.sorted(by: { $0.value > $1.value || ($0.value == $1.value && $0.key < $1.key) }) {
            lines.append("  rejected \(reason): \(n)")
        }
        if t.counts.rejectsNotQuarantined > 0 {
            lines.append("  rejects counted but not kept in the quarantine: \(t.counts.rejectsNotQuarantined)")
        }
        if t.counts.rowsSkipped > 0 {
            lines.append("  skipped records that are not flows (Argus man, Suricata non-flow events): \(t.counts.rowsSkipped)")
        }
        return lines.joined(separator: "\n")
    }
}

extension String {
    /// A number with one decimal.
    init(format1 value: Double) {
        let tenths = Int((value * 10).rounded())
        self = "\(tenths / 10).\(abs(tenths % 10))"
    }
}
