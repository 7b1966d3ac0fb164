import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Turns command-line input specs into the list of files to read.
///
/// A spec is, in this order:
/// - an existing regular file (taken even if its name starts with a dot);
/// - an existing folder: all regular files below it, recursively, skipping hidden entries
///   (names starting with `.`) at every level; symlinks to files are taken, symlinks to
///   folders are not followed (no cycles);
/// - a glob pattern (`*`, `?`, `[...]`, per `glob(3)`; leading dots are not matched by
///   wildcards). A component that is exactly `**` matches zero or more folders (not
///   hidden, not through symlinks), which `glob(3)` itself does not support. A glob match
///   that is a folder is expanded like a folder spec.
///
/// The result is sorted by byte order of the path and de-duplicated: two specs reaching
/// the same file (same device and inode) keep the first path in that order. A spec that
/// reaches no regular file is an error naming it.
public enum InputDiscovery {
    public static func expand(_ specs: [String]) throws -> [String] {
        var found: [String] = []
        for spec in specs {
            let before = found.count
            try expand(spec: spec, into: &found)
            if found.count == before { throw FlowIOError.noInputMatched(spec: spec) }
        }
        return deduplicated(found)
    }

    /// The paths one spec names before any folder is walked: the spec itself when it
    /// exists (file, folder or anything else), else its glob matches (files or folders,
    /// `**` as in `expand`), sorted by bytes. Empty, not an error, when nothing matches:
    /// for callers that pass folders on as they are (the pipeline's `{inputs}`).
    public static func matches(of spec: String) throws -> [String] {
        if statPath(spec) != nil { return [spec] }
        guard isPattern(spec) else { return [] }
        return Array(Set(try expandPattern(spec))).sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    private static func expand(spec: String, into found: inout [String]) throws {
        if let info = statPath(spec) {
            if isDirectory(info) {
                try walk(folder: spec, into: &found)
            } else if isRegularFile(info) {
                found.append(spec)
            } else {
                throw FlowIOError.cannotOpen(path: spec, reason: "not a regular file or folder")
            }
            return
        }
        guard isPattern(spec) else { throw FlowIOError.noInputMatched(spec: spec) }
        for match in try expandPattern(spec) {
            guard let info = statPath(match) else { continue }
            if isDirectory(info) {
                try walk(folder: match, into: &found)
            } else if isRegularFile(info) {
                found.append(match)
            }
        }
    }

    static func isPattern(_ text: String) -> Bool {
        text.contains { $0 == "*" || $0 == "?" || $0 == "[" }
    }

    /// Paths matching `pattern`, handling `**` components on top of `glob(3)`.
    private static func expandPattern(_ pattern: String) throws -> [String] {
        let components = pattern.split(separator: "/", omittingEmptySubsequences: false)
        guard let star = components.firstIndex(of: "**") else { return try glob(pattern) }
        let prefix = components[..<star].joined(separator: "/")
        let rest = components[(star + 1)...].joined(separator: "/")
        let bases: [String]
        if star == 0 {
            bases = ["."]
        } else if prefix.isEmpty {
            bases = ["/"]  // pattern starts with "/**"
        } else {
            bases = (isPattern(prefix) ? try glob(prefix) : [prefix]).filter { statPath($0).map(isDirectory) ?? false }
        }
        var matches: [String] = []
        for base in bases {
            if rest.isEmpty {
                matches.append(base)  // "dir/**": the folder is walked by the caller
                continue
            }
            var folders = [base]
            try collectSubfolders(of: base, into: &folders)
            for folder in folders {
                // A leading "**" searches from the current folder, spelled without "./".
                let spelled = star == 0 && folder.hasPrefix("./") ? String(folder.dropFirst(2)) : folder
                let joined = star == 0 && folder == "." ? rest : join(escapeForGlob(spelled), rest)
                matches += try expandPattern(joined)
            }
        }
        return matches
    }

    private static func glob(_ pattern: String) throws -> [String] {
        var result = glob_t()
        defer { globfree(&result) }
        let status = Glibc.glob(pattern, 0, nil, &result)
        if status == GLOB_NOMATCH { return [] }
        guard status == 0 else {
            throw FlowIOError.cannotOpen(path: pattern, reason: "glob failed (code \(status))")
        }
        var paths: [String] = []
        for index in 0..<Int(result.gl_pathc) {
            if let path = result.gl_pathv[index] { paths.append(String(cString: path)) }
        }
        return paths
    }

    private static func escapeForGlob(_ path: String) -> String {
        var escaped = ""
        for character in path {
            if character == "*" || character == "?" || character == "[" || character == "\\" { escaped.append("\\") }
            escaped.append(character)
        }
        return escaped
    }

    private static func join(_ folder: String, _ name: String) -> String {
        folder.hasSuffix("/") ? folder + name : folder + "/" + name
    }

    /// Visible (non-hidden) entries of a folder, sorted.
    private static func visibleEntries(of folder: String) throws -> [String] {
        do {
            return try FileManager.default.contentsOfDirectory(atPath: folder).filter { !$0.hasPrefix(".") }.sorted()
        } catch {
            throw FlowIOError.cannotOpen(path: folder, reason: "cannot list folder: \(error.localizedDescription)")
        }
    }

    private static func walk(folder: String, into found: inout [String]) throws {
        for name in try visibleEntries(of: folder) {
            let path = join(folder, name)
            guard let link = lstatPath(path) else { continue }
            if isSymlink(link) {
                if let target = statPath(path), isRegularFile(target) { found.append(path) }
            } else if isDirectory(link) {
                try walk(folder: path, into: &found)
            } else if isRegularFile(link) {
                found.append(path)
            }
        }
    }

    private static func collectSubfolders(of folder: String, into folders: inout [String]) throws {
        for name in try visibleEntries(of: folder) {
            let path = join(folder, name)
            if let link = lstatPath(path), isDirectory(link) {
                folders.append(path)
                try collectSubfolders(of: path, into: &folders)
            }
        }
    }

    /// Sorted by bytes; one path per (device, inode).
    private static func deduplicated(_ paths: [String]) -> [String] {
        let sorted = paths.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        var seen = Set<FileIdentity>()
        var unique: [String] = []
        for path in sorted {
            guard let info = statPath(path) else { continue }
            if seen.insert(FileIdentity(device: UInt64(info.st_dev), inode: UInt64(info.st_ino))).inserted {
                unique.append(path)
            }
        }
        return unique
    }

    private struct FileIdentity: Hashable {
        let device: UInt64
        let inode: UInt64
    }
}
