import Dispatch
import FlowRandom

/// Splits `0..<count` into contiguous chunks and runs `body` on them with
/// `DispatchQueue.concurrentPerform` (one worker per core). Each chunk index is handed to
/// `body` with its row range, so callers keep per-chunk partial results in arrays indexed
/// by chunk and reduce them afterwards in chunk order (deterministic sums).
package enum Parallel {
    /// Number of chunks `forEachChunk` uses for `count` items of `minimumChunk` or more.
    package static func chunkCount(_ count: Int, minimumChunk: Int = 8_192) -> Int {
        if count <= minimumChunk { return 1 }
        return min(64, (count + minimumChunk - 1) / minimumChunk)
    }

    /// Calls `body(chunk, range)` for every chunk, concurrently.
    package static func forEachChunk(count: Int, minimumChunk: Int = 8_192, _ body: (Int, Range<Int>) -> Void) {
        let chunks = chunkCount(count, minimumChunk: minimumChunk)
        if chunks == 1 {
            body(0, 0..<count)
            return
        }
        // Each chunk writes only its own slots of the caller's buffers, so sharing the
        // closure between workers is safe although the compiler cannot prove it.
        withoutActuallyEscaping(body) { escapable in
            let shared = UncheckedBox(escapable)
            DispatchQueue.concurrentPerform(iterations: chunks) { c in
                let lo = count * c / chunks
                let hi = count * (c + 1) / chunks
                shared.value(c, lo..<hi)
            }
        }
    }
}

/// Hands a value to concurrent workers; the caller guarantees they do not race.
package struct UncheckedBox<T>: @unchecked Sendable {
    package let value: T
    package init(_ value: T) { self.value = value }
}

/// The seeded generator of the clustering and sampling code: FlowRandom's SplitMix64 (the
/// same seed gives the same centres on every platform), with the draws those callers use.
package typealias SeededRandom = SplitMix64

extension SplitMix64 {
    /// Uniform in [0, 1) (`nextUnit`).
    package mutating func unit() -> Double { nextUnit() }

    /// `count` distinct indices of 0..<n in increasing order (all of them when count ≥ n).
    package mutating func sample(_ count: Int, of n: Int) -> [Int] {
        if count >= n { return Array(0..<n) }
        // Floyd's algorithm, then sort for locality.
        var chosen = Set<Int>()
        chosen.reserveCapacity(count)
        for j in (n - count)..<n {
            let t = below(j + 1)
            if !chosen.insert(t).inserted { chosen.insert(j) }
        }
        return chosen.sorted()
    }
}
