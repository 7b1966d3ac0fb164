import Foundation

/// A fresh folder under the system's temporary directory for one test, removed by
/// `cleanup()` (tests that keep their folder for a post-mortem simply do not call it).
public struct TempFolder: Sendable {
    /// The folder's absolute path.
    public let path: String

    /// Creates `floe-LABEL-UUID` under the temporary directory; `label` defaults to the
    /// calling function's name (letters and digits only).
    public init(_ label: String = #function) {
        let safe = label.filter { $0.isLetter || $0.isNumber }
        path = NSTemporaryDirectory() + "floe-\(safe)-\(UUID().uuidString.prefix(8))"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    /// The subfolder `name`, created if missing.
    public func sub(_ name: String) -> String {
        let p = path + "/" + name
        try? FileManager.default.createDirectory(atPath: p, withIntermediateDirectories: true)
        return p
    }

    /// Removes the folder and everything in it.
    public func cleanup() { try? FileManager.default.removeItem(atPath: path) }
}

/// The path of a fresh temporary folder (see `TempFolder`), for tests that only need a path.
public func temporaryFolder(_ label: String = #function) -> String {
    TempFolder(label).path
}
