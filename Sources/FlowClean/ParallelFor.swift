import Foundation

/// A value shared between worker threads behind a lock.
final class UnsafeSendableBox<T>: @unchecked Sendable {
    private var stored: T
    private let lock = NSLock()

    init(_ value: T) { stored = value }

    func withLock<R>(_ body: (inout T) throws -> R) rethrows -> R {
        lock.lock()
        defer { lock.unlock() }
        return try body(&stored)
    }

    var value: T { withLock { $0 } }
}

/// Runs `body(0..<count)` on up to `threads` threads (the calling thread included); items
/// are handed out one at a time, so uneven items balance.
func parallelFor(count: Int, threads: Int, _ body: @escaping @Sendable (Int) -> Void) {
    if count == 0 { return }
    let workers = min(max(threads, 1), count)
    if workers == 1 {
        for i in 0..<count { body(i) }
        return
    }
    let next = UnsafeSendableBox(0)
    DispatchQueue.concurrentPerform(iterations: workers) { _ in
        while true {
            let i = next.withLock { v -> Int in
                defer { v += 1 }
                return v
            }
            if i >= count { return }
            body(i)
        }
    }
}
