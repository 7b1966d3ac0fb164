import FlowIO
import Foundation

/// Writes a report folder: `report.html`, `report.md` and the `chart-*.svg` files the
/// Markdown links to, each atomically. Chart files of an earlier report that this one
/// no longer has are removed.
public enum ReportWriter {
    public static let htmlFileName = "report.html"
    public static let markdownFileName = "report.md"

    /// The files of a report (name → bytes), in writing order.
    public static func files(for doc: ReportDocument) -> [(name: String, bytes: [UInt8])] {
        var out: [(String, [UInt8])] = doc.charts.map { ($0.fileName, Array(($0.fileSVG + "\n").utf8)) }
        out.append((markdownFileName, Array(MarkdownRenderer.render(doc).utf8)))
        out.append((htmlFileName, Array(HTMLRenderer.render(doc).utf8)))
        return out
    }

    /// Writes `doc` into `folder` (created if missing); returns the paths written.
    @discardableResult
    public static func write(_ doc: ReportDocument, to folder: String) throws -> [String] {
        let claim: OutputFolderClaim
        do {
            claim = try OutputFolderClaim(folder: folder, stage: "floe-report")
        } catch FlowIOError.writeFailed(let path, let reason) {
            throw ReportError.writeFailed(path: path, reason: reason)
        }
        defer { withExtendedLifetime(claim) {} }
        var written: [String] = []
        let files = files(for: doc)
        for f in files {
            let path = folder + "/" + f.name
            do { try writeAtomically(path: path, bytes: f.bytes) } catch {
                throw ReportError.writeFailed(path: path, reason: "\(error)")
            }
            written.append(path)
        }
        let keep = Set(files.map(\.name))
        for name in (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        where name.hasPrefix("chart-") && name.hasSuffix(".svg") && !keep.contains(name) {
            try? FileManager.default.removeItem(atPath: folder + "/" + name)
        }
        return written
    }
}
