import FlowDataset
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Replaces a partition folder atomically. The new day is written complete (and fsync'ed)
/// into a hidden sibling `.date=D.tmp-<pid>`, then:
/// - where the kernel offers it (Linux `renameat2(RENAME_EXCHANGE)`), the two folders are
///   exchanged in one step and the old content removed afterwards;
/// - otherwise the old folder is renamed to `.date=D.old-<pid>`, the new one into place,
///   and the old one removed. A run killed between the two renames leaves `.old` with no
///   `date=D`; `recover(in:)`, run at the start of every clean, renames it back, so a day
///   is always the old one or the new one, never a mix.
enum PartitionSwap {
    typealias RenameAt2 = @convention(c) (Int32, UnsafePointer<CChar>, Int32, UnsafePointer<CChar>, UInt32) -> Int32

    /// `renameat2` looked up at run time (glibc ≥ 2.28); nil elsewhere.
    static let renameat2: RenameAt2? = {
        #if os(Linux)
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "renameat2") else { return nil }
        return unsafeBitCast(symbol, to: RenameAt2.self)
        #else
        return nil
        #endif
    }()

    static let exchangeFlag: UInt32 = 2  // RENAME_EXCHANGE
    static let atCWD: Int32 = -100       // AT_FDCWD

    /// Moves folder `staged` to `target` (both in `parent`), replacing any old `target`.
    static func replace(target: String, with staged: String, parent: String) throws {
        let fm = FileManager.default
        var isDir: ObjCBool = false
        if !fm.fileExists(atPath: target, isDirectory: &isDir) {
            try checked(rename(staged, target), "rename \(staged) to \(target)")
        } else if let exchange = renameat2, exchange(atCWD, staged, atCWD, target, exchangeFlag) == 0 {
            // `staged` now holds the old day.
            try? fm.removeItem(atPath: staged)
        } else {
            let old = oldName(for: target)
            try checked(rename(target, old), "rename \(target) to \(old)")
            try checked(rename(staged, target), "rename \(staged) to \(target)")
            try? fm.removeItem(atPath: old)
        }
        syncFolder(parent)
    }

    static func oldName(for target: String) -> String {
        let slash = target.lastIndex(of: "/").map { target.index(after: $0) } ?? target.startIndex
        return String(target[..<slash]) + "." + String(target[slash...]) + ".old-\(getpid())"
    }

    /// Finishes or rolls back swaps a killed run left behind, and removes its staging and
    /// scratch folders.
    static func recover(in dataset: String) {
        let fm = FileManager.default
        guard let names = try? fm.contentsOfDirectory(atPath: dataset) else { return }
        for name in names.sorted() where name.hasPrefix("." + DatasetLayout.partitionPrefix) {
            let path = dataset + "/" + name
            if let r = name.range(of: ".old-") {
                let target = dataset + "/" + String(name[name.index(after: name.startIndex)..<r.lowerBound])
                if fm.fileExists(atPath: target) {
                    try? fm.removeItem(atPath: path)
                } else {
                    _ = rename(path, target)
                }
            } else if name.contains(".tmp-") {
                try? fm.removeItem(atPath: path)
            }
        }
        for name in names where name.hasPrefix(".clean-scratch-") {
            try? fm.removeItem(atPath: dataset + "/" + name)
        }
        syncFolder(dataset)
    }

    static func syncFolder(_ folder: String) {
        let fd = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if fd >= 0 {
            _ = fsync(fd)
            close(fd)
        }
    }

    private static func checked(_ result: Int32, _ what: String) throws {
        if result != 0 {
            throw CleanError.writeFailed(path: what, reason: String(cString: strerror(errno)))
        }
    }
}
