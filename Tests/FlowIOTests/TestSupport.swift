import Testing
import Foundation
@testable import FlowIO

/// A temporary folder removed when the object goes away.
final class TemporaryFolder {
    let path: String

    init() throws {
        path = NSTemporaryDirectory() + "floe-io-tests-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }

    /// Writes `bytes` to `name` inside the folder (creating subfolders) and returns its path.
    @discardableResult
    func write(_ name: String, _ bytes: [UInt8]) throws -> String {
        let file = path + "/" + name
        let folder = (file as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try Data(bytes).write(to: URL(fileURLWithPath: file))
        return file
    }

    func entries() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: path).sorted()
    }
}

/// In-memory source that hands out at most `maxRead` bytes per call (to exercise parsers
/// on every possible split of their input).
final class MemorySource: ByteSource {
    private let bytes: [UInt8]
    private let maxRead: Int
    private var position = 0

    init(_ bytes: [UInt8], maxRead: Int = .max) {
        self.bytes = bytes
        self.maxRead = max(1, maxRead)
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let count = min(buffer.count, maxRead, bytes.count - position)
        guard count > 0 else { return 0 }
        bytes.withUnsafeBytes { source in
            buffer.baseAddress!.copyMemory(from: source.baseAddress! + position, byteCount: count)
        }
        position += count
        return count
    }

    var rawBytesConsumed: Int64 { Int64(position) }

    var rawFingerprint: Fingerprint? {
        position == bytes.count ? Fingerprint(xxh64: XXH64.hash(bytes)) : nil
    }
}

/// Reads a source to its end with reads of `bufferSize` bytes.
func readAll(_ source: ByteSource, bufferSize: Int = 64 * 1024) throws -> [UInt8] {
    var result: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: bufferSize)
    while true {
        let got = try buffer.withUnsafeMutableBytes { try source.read(into: $0) }
        if got == 0 { return result }
        result += buffer[0..<got]
    }
}

/// Deterministic, somewhat compressible text: CSV-like lines from a simple LCG.
func sampleText(lines: Int, seed: UInt64 = 1) -> [UInt8] {
    var state = seed
    var text = ""
    for line in 0..<lines {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        let a = (state >> 33) % 256, b = (state >> 41) % 256, port = (state >> 20) % 65536
        text += "\(line),10.0.\(a).\(b),192.168.\(b).\(a),\(port),443,6,\(state % 100000)\n"
    }
    return Array(text.utf8)
}

/// Bytes that do not compress.
func noiseBytes(count: Int, seed: UInt64 = 7) -> [UInt8] {
    var state = seed
    return (0..<count).map { _ in
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return UInt8(truncatingIfNeeded: state >> 56)
    }
}

/// The system `gzip`, if installed.
let systemGzipPath: String? = ["/usr/bin/gzip", "/bin/gzip"].first { FileManager.default.isExecutableFile(atPath: $0) }

/// Compresses a file with the system gzip (`gzip -c`, which stores the file name: FNAME).
func systemGzip(_ gzip: String, file: String) throws -> [UInt8] {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: gzip)
    process.arguments = ["-c", "-6", file]
    let pipe = Pipe()
    process.standardOutput = pipe
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else { throw FlowIOError.compression("system gzip failed") }
    return [UInt8](data)
}

/// Runs `body` and returns the FlowIOError it throws (nil if it throws none).
func flowIOError(_ body: () throws -> Void) -> FlowIOError? {
    do {
        try body()
        return nil
    } catch let error as FlowIOError {
        return error
    } catch {
        return .compression("unexpected error type: \(error)")
    }
}

/// Plain bitwise CRC-32 (IEEE, reflected, as in gzip), independent of zlib.
func bitwiseCRC32(_ bytes: UnsafeRawBufferPointer) -> UInt32 {
    var crc: UInt32 = 0xFFFF_FFFF
    for byte in bytes {
        crc ^= UInt32(byte)
        for _ in 0..<8 {
            crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1
        }
    }
    return ~crc
}

/// Byte equality that reports sizes, not whole arrays, when it fails.
func same(_ actual: [UInt8], _ expected: [UInt8]) -> Bool {
    if actual == expected { return true }
    let firstDifference = (0..<min(actual.count, expected.count)).first { actual[$0] != expected[$0] } ?? min(actual.count, expected.count)
    Issue.record("bytes differ: \(actual.count) vs \(expected.count) bytes, first difference at \(firstDifference)")
    return false
}
