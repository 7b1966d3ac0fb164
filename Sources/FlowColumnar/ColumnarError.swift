/// Errors of the Arrow IPC writer and reader. Every message names the file, the byte offset
/// where it applies (when there is one) and what to do about it.
public enum ColumnarError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A system call failed (`operation` is e.g. "open", "write", "fsync", "mmap").
    case io(path: String, operation: String, errno: Int32)
    /// The file is not an Arrow IPC file at all (magic missing, too short).
    case notArrowFile(path: String, offset: Int, detail: String)
    /// The file claims to be Arrow but a structure is out of range or inconsistent.
    case corrupt(path: String, offset: Int, detail: String)
    /// A valid Arrow feature that floe does not read (compression, nested types, …).
    case unsupported(path: String, offset: Int, detail: String)
    /// The file's schema is not the one the caller asked for.
    case schemaMismatch(path: String, detail: String)
    /// A column handed to the writer does not fit its schema field or the row count.
    case invalidColumn(path: String, column: String, detail: String)
    /// The writer or reader was used out of order (write after finish, bad batch index).
    case misuse(path: String, detail: String)

    public var description: String {
        switch self {
        case let .io(path, operation, errno):
            return "\(path): \(operation) failed (errno \(errno)); check that the path exists, is writable and the disk has room"
        case let .notArrowFile(path, offset, detail):
            return "\(path): not an Arrow IPC file (\(detail) at offset \(offset)); pass a file written by floe or pyarrow.feather/ipc (Arrow file format, not stream or Parquet)"
        case let .corrupt(path, offset, detail):
            return "\(path): corrupt Arrow file at offset \(offset): \(detail); the file is truncated or damaged, rewrite it from its source"
        case let .unsupported(path, offset, detail):
            return "\(path): unsupported Arrow feature at offset \(offset): \(detail); write the file uncompressed with flat primitive/utf8 columns"
        case let .schemaMismatch(path, detail):
            return "\(path): schema mismatch: \(detail); the file was not written with this floe schema, re-run the stage that produced it"
        case let .invalidColumn(path, column, detail):
            return "\(path): column '\(column)': \(detail); hand the writer one column per schema field, each with exactly rowCount rows"
        case let .misuse(path, detail):
            return "\(path): \(detail)"
        }
    }
}
