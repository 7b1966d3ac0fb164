#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Creates `path` and any missing parents (like `mkdir -p`, mode 0755 before the umask).
/// A failure names the folder that could not be made and why, e.g.
/// `out/raw: write failed: cannot create the folder: Permission denied (in out, which is
/// read-only or not yours)`.
public func createFolder(_ path: String) throws {
    guard !path.isEmpty else { throw FlowIOError.writeFailed(path: path, reason: "no folder given") }
    if let info = statPath(path) {
        if isDirectory(info) { return }
        throw FlowIOError.writeFailed(path: path, reason: "it exists and is not a folder")
    }
    let parent = AtomicFile.folder(of: path)
    if parent != path && parent != "." && parent != "/" { try createFolder(parent) }
    if mkdir(path, 0o755) != 0 {
        let code = errno
        if code == EEXIST, let info = statPath(path), isDirectory(info) { return }
        var reason = "cannot create the folder: \(errnoDescription(code))"
        if code == EACCES || code == EROFS || code == EPERM {
            reason += " (in \(parent), which is read-only or not writable by this user)"
        }
        throw FlowIOError.writeFailed(path: path, reason: reason)
    }
}
