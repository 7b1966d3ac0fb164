import Foundation

/// The committed inputs the tests read, by their path in the checkout: real tools' exports
/// under `data/tools` (`binary/`, `text/`), inputs written for the tests under
/// `Tests/Fixtures` (`json/`); each folder's README says how its files were made.
public enum Fixtures {
    /// The package's root folder (the one holding Package.swift), found from this file's
    /// place in the checkout.
    public static let packageRoot: String = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    /// `RELATIVE` under the package root, e.g. `data/tools/binary`.
    public static func path(_ relative: String) -> String { packageRoot + "/" + relative }
}
