// Release-mode micro benchmark of LZ4 block decoding on the blocks of an LZ4 nfcapd file:
// floe's own decoder (`LZ4Block.decodeInSwift`), liblz4's `LZ4_decompress_safe` alone, and
// liblz4 behind the offset-0 walk (`LZ4Block.decompress(decoder: .liblz4)`, what
// FLOE_LZ4_DECODER=liblz4 runs). Built by lz4.sh together with FlowIO's two LZ4 files in one
// module. Prints the best of `repeats` passes over all blocks, in thread CPU seconds (time
// spent descheduled on a shared machine is not counted). Not part of `swift test`.
import Foundation
#if canImport(Glibc)
import Glibc
#endif

func cpuSeconds() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
}

let arguments = CommandLine.arguments
guard arguments.count >= 2 else {
    print("usage: bench FILE.nfcapd [repeats]")
    exit(64)
}
let repeats = arguments.count > 2 ? Int(arguments[2]) ?? 5 : 5
let data = try Data(contentsOf: URL(fileURLWithPath: arguments[1]))
// The payloads of the file's data blocks (40-byte file header, then 12-byte block headers).
var blocks: [[UInt8]] = []
data.withUnsafeBytes { (d: UnsafeRawBufferPointer) in
    var at = 40
    while at + 12 <= d.count {
        let size = Int(d.loadUnaligned(fromByteOffset: at + 4, as: UInt32.self))
        let type = d.loadUnaligned(fromByteOffset: at + 8, as: UInt16.self)
        let flags = d.loadUnaligned(fromByteOffset: at + 10, as: UInt16.self)
        if type == 3 && flags & 1 == 0 && at + 12 + size <= d.count { blocks.append(Array(d[(at + 12)..<(at + 12 + size)])) }
        at += 12 + size
    }
}
let room = (32 << 20) + LZ4Block.slack
let out = UnsafeMutableRawBufferPointer.allocate(byteCount: room, alignment: 64)
defer { out.deallocate() }

/// Decodes every block `repeats` times with `decode`; prints the best pass.
func measure(_ name: String, _ decode: (UnsafeRawBufferPointer, UnsafeMutableRawBufferPointer, Int) -> Int?) {
    var best = Double.infinity
    var bytes = 0
    for _ in 0..<repeats {
        let t0 = cpuSeconds()
        bytes = 0
        for block in blocks {
            let limit = min(32 << 20, block.count * 256 + 1024)
            guard let n = block.withUnsafeBytes({ decode($0, out, limit) }) else {
                print("\(name): a block did not decode")
                return
            }
            bytes += n
        }
        best = min(best, cpuSeconds() - t0)
    }
    print(name.padding(toLength: 24, withPad: " ", startingAt: 0),
          String(format: "%.3f CPU-s  %5.0f MB/s  (%d blocks, %d bytes out)", best, Double(bytes) / best / 1e6, blocks.count, bytes))
}

measure("floe LZ4Block") { try? LZ4Block.decodeInSwift($0, into: $1, limit: $2) }
if let library = LZ4Library.shared {
    measure("liblz4 alone") { library.decode($0, into: $1, limit: $2) }
    measure("liblz4 + offset-0 walk") { try? LZ4Block.decompress($0, into: $1, limit: $2, decoder: .liblz4) }
} else {
    print("liblz4.so.1 not loaded: floe's decoder only")
}
