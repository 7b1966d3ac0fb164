#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The few file operations the runner needs, on POSIX calls.
/// TODO(FlowIO): `writeAtomically` should become FlowIO's `AtomicFile` and `expand` its
/// `InputDiscovery.expand(globs)` once those land.
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

    static func read(_ path: String) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let n = chunk.withUnsafeMutableBytes { Glibc_read(fd, $0.baseAddress, $0.count) }
            if n < 0 { if errno == EINTR { continue }; return nil }
            if n == 0 { return out }
            out.append(contentsOf: chunk[0..<n])
        }
    }

    static func readText(_ path: String) -> String? {
        read(path).map { String(decoding: $0, as: UTF8.self) }
    }

    /// Writes to a temporary file in the same folder, fsyncs it, renames it over `path` and
    /// fsyncs the folder, so readers see the old or the new content, never a mix.
    static func writeAtomically(_ path: String, _ text: String) throws(PipelineError) {
        let temp = path + ".tmp-\(getpid())"
        let fd = open(temp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw .io(path: temp, reason: "cannot create: \(errorText())") }
        let bytes = Array(text.utf8)
        var written = 0
        while written < bytes.count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + written, $0.count - written) }
            if n < 0 {
                if errno == EINTR { continue }
                let reason = errorText()
                close(fd); unlink(temp)
                throw .io(path: temp, reason: "write failed: \(reason)")
            }
            written += n
        }
        if fsync(fd) != 0 {
            let reason = errorText()
            close(fd); unlink(temp)
            throw .io(path: temp, reason: "fsync failed: \(reason)")
        }
        close(fd)
        if rename(temp, path) != 0 {
            let reason = errorText()
            unlink(temp)
            throw .io(path: path, reason: "rename failed: \(reason)")
        }
        let folder = parent(path)
        let dfd = open(folder, O_RDONLY | O_CLOEXEC)
        if dfd >= 0 { _ = fsync(dfd); close(dfd) }
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

    /// Every regular file under `folder`, recursively, sorted by path.
    static func files(under folder: String) -> [String] {
        var out: [String] = []
        for name in list(folder) {
            let path = folder.hasSuffix("/") ? folder + name : folder + "/" + name
            guard let st = status(path) else { continue }
            if st.isDirectory { out += files(under: path) } else { out.append(path) }
        }
        return out
    }

    /// Paths matching a shell glob, sorted; the path itself when it has no glob characters
    /// and exists; empty when nothing matches.
    static func expand(_ pattern: String) -> [String] {
        guard pattern.contains(where: { "*?[".contains($0) }) else {
            return exists(pattern) ? [pattern] : []
        }
        var result = glob_t()
        defer { globfree(&result) }
        guard glob(pattern, 0, nil, &result) == 0 else { return [] }
        var out: [String] = []
        for i in 0..<Int(result.gl_pathc) {
            if let p = result.gl_pathv[i] { out.append(String(cString: p)) }
        }
        return out.sorted()
    }

    /// Content hash of one file, streamed in 1 MiB reads.
    static func hashFile(_ path: String) -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var state = XXH64()
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let n = chunk.withUnsafeMutableBytes { Glibc_read(fd, $0.baseAddress, $0.count) }
            if n < 0 { if errno == EINTR { continue }; return nil }
            if n == 0 { break }
            chunk.withUnsafeBytes { state.update(UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
        }
        return XXH64.text(state.finish())
    }
}

@inline(__always) private func Glibc_read(_ fd: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int {
    read(fd, buffer, count)
}
