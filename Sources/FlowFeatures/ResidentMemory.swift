import Foundation

/// The process's resident memory as Linux reports it in `/proc/self/status`.
package enum ResidentMemory {
    /// The peak resident set size so far (`VmHWM`), MiB; nil where `/proc` has no such line.
    package static func peakMiB() -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard fields.count >= 2, let kB = Int(fields[1]) else { return nil }
            return kB >> 10
        }
        return nil
    }
}
