import FlowIO
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The few file operations the runner needs. Reading, hashing, atomic writes and input
/// discovery are FlowIO's; this adds the runner's error type and its "no match is not an
/// error" view of inputs.
enum FileSystem {
    struct Status: Equatable {
        let size: Int64
        let modifiedNanos: Int64
        let isDirectory: Bool
    }

    static func status(_ path: String) -> Status? {
        var st = stat()
        guard stat(path, &st) == 0 else { return nil }
        #if canImport(Darwin)
        let nanos = Int64(st.st_mtimespec.tv_sec) * 1_000_000_000 + Int64(st.st_mtimespec.tv_nsec)
        #else
        let nanos = Int64(st.st_mtim.tv_sec) * 1_000_000_000 + Int64(st.st_mtim.tv_nsec)
        #endif
        return Status(size: Int64(st.st_size), modifiedNanos: nanos, isDirectory: (st.st_mode & S_IFMT) == S_IFDIR)
    }

    static func exists(_ path: String) -> Bool { status(path) != nil }

    static func errorText(_ code: Int32 = errno) -> String { String(cString: strerror(code)) }

    /// `mkdir -p`.
    static func makeDirectories(_ path: String) throws(PipelineError) {
        var current = path.hasPrefix("/") ? "" : "."
        for part in path.split(separator: "/") {
            current += "/" + part
            if mkdir(current, 0o755) != 0 && errno != EEXIST {
                throw .io(path: current, reason: "cannot create folder: \(errorText())")
            }
        }
    }

    /// The whole content of a file, nil when it cannot be opened or read.
    static func read(_ path: String) -> [UInt8]? {
        guard let file = try? FileByteSource(path: path) else { return nil }
        var out: [UInt8] = []
        do {
            try drain(file, chunkSize: 65_536) { out.append(contentsOf: $0) }
        } catch {
            return nil
        }
        return out
    }

    static func readText(_ path: String) -> String? {
        read(path).map { String(decoding: $0, as: UTF8.self) }
    }

    /// Replaces `path` with `text` atomically (FlowIO's `AtomicFile`): readers see the old
    /// or the new content, never a mix.
    static func writeAtomically(_ path: String, _ text: String) throws(PipelineError) {
        do {
            try FlowIO.writeAtomically(path: path, bytes: Array(text.utf8))
        } catch {
            throw .io(path: path, reason: reason(error))
        }
    }

    /// `path` under the working directory when relative.
    static func absolute(_ path: String) -> String {
        guard !path.hasPrefix("/") else { return path }
        var buffer = [UInt8](repeating: 0, count: Int(PATH_MAX) + 1)
        let ok = buffer.withUnsafeMutableBufferPointer { getcwd(UnsafeMutableRawPointer($0.baseAddress!).assumingMemoryBound(to: CChar.self), $0.count) != nil }
        guard ok else { return path }
        return String(decoding: buffer.prefix { $0 != 0 }, as: UTF8.self) + "/" + path
    }

    static func parent(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    static func basename(_ path: String) -> String {
        path.split(separator: "/").last.map(String.init) ?? path
    }

    /// Names in a folder, sorted, without `.` and `..`.
    static func list(_ folder: String) -> [String] {
        guard let dir = opendir(folder) else { return [] }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafePointer(to: entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted()
    }

    /// What an input pattern names, as passed on in `{inputs}`: the path itself when it
    /// exists, else its glob matches (files or folders, `**` allowed), sorted; empty when
    /// nothing matches (the caller reports that).
    static func matches(_ pattern: String) throws(PipelineError) -> [String] {
        do {
            return try InputDiscovery.matches(of: pattern)
        } catch {
            throw .io(path: pattern, reason: reason(error))
        }
    }

    /// The regular files behind one matched path, by FlowIO's `InputDiscovery` rules: the
    /// file itself, or every file under a folder (hidden entries skipped, sorted); empty for
    /// a folder holding no file.
    static func files(of path: String) throws(PipelineError) -> [String] {
        do {
            return try InputDiscovery.expand([path])
        } catch FlowIOError.noInputMatched {
            return []
        } catch {
            throw .io(path: path, reason: reason(error))
        }
    }

    /// Content fingerprint of one file: XXH64 of its bytes as on disk, read in 1 MiB pieces.
    static func fingerprint(_ path: String) throws(PipelineError) -> Fingerprint {
        do {
            let file = try FileByteSource(path: path)
            try drain(file, chunkSize: 1 << 20) { _ in }
            if let fingerprint = file.rawFingerprint { return fingerprint }
            throw FlowIOError.readFailed(path: path, reason: "the file was not read to its end")
        } catch {
            throw .io(path: path, reason: reason(error))
        }
    }

    /// Reads `file` to its end, handing each piece to `body`.
    private static func drain(_ file: FileByteSource, chunkSize: Int,
                              _ body: (UnsafeRawBufferPointer) -> Void) throws {
        var chunk = [UInt8](repeating: 0, count: chunkSize)
        while true {
            let count = try chunk.withUnsafeMutableBytes { try file.read(into: $0) }
            if count == 0 { return }
            chunk.withUnsafeBytes { body(UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
        }
    }

    /// The cause in a FlowIO error, without the path (callers name it).
    static func reason(_ error: any Error) -> String {
        switch error as? FlowIOError {
        case .cannotOpen(_, let reason)?, .readFailed(_, let reason)?, .writeFailed(_, let reason)?:
            return reason
        default:
            return "\(error)"
        }
    }
}
