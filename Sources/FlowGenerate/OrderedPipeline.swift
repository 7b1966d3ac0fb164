import Foundation

/// Runs `produce` for items `0..<count` on dedicated worker threads and hands the results
/// to `consume` on the calling thread strictly in index order. At most `window` items are
/// in flight, so memory stays bounded however many items there are. The first error
/// (from either side) stops the workers and is rethrown.
enum OrderedPipeline {
    private final class State<T>: @unchecked Sendable {
        let condition = NSCondition()
        var results: [Int: Result<T, Error>] = [:]
        var nextToClaim = 0
        var consumed = 0
        var stopped = false
        var runningWorkers = 0
    }

    static func run<T, Scratch>(
        count: Int, threads: Int, window: Int,
        makeScratch: @escaping @Sendable () -> Scratch,
        produce: @escaping @Sendable (Int, inout Scratch) throws -> T,
        consume: (Int, T) throws -> Void
    ) throws {
        if count == 0 { return }
        let state = State<T>()
        let window = max(window, 1)
        let workers = max(1, min(threads, count))
        state.runningWorkers = workers
        for _ in 0..<workers {
            let thread = Thread {
                var scratch = makeScratch()
                while true {
                    state.condition.lock()
                    while !state.stopped && state.nextToClaim < count && state.nextToClaim - state.consumed >= window {
                        state.condition.wait()
                    }
                    if state.stopped || state.nextToClaim >= count {
                        state.runningWorkers -= 1
                        state.condition.broadcast()
                        state.condition.unlock()
                        return
                    }
                    let i = state.nextToClaim
                    state.nextToClaim += 1
                    state.condition.unlock()
                    let result = Result { try produce(i, &scratch) }
                    state.condition.lock()
                    state.results[i] = result
                    state.condition.broadcast()
                    state.condition.unlock()
                }
            }
            thread.stackSize = 1 << 22
            thread.start()
        }

        var failure: Error?
        for i in 0..<count {
            state.condition.lock()
            while state.results[i] == nil { state.condition.wait() }
            let result = state.results.removeValue(forKey: i)
            state.consumed = i + 1
            state.condition.broadcast()
            state.condition.unlock()
            do {
                guard let result else { continue }
                try consume(i, result.get())
            } catch {
                failure = error
                break
            }
        }
        state.condition.lock()
        state.stopped = true
        state.condition.broadcast()
        while state.runningWorkers > 0 { state.condition.wait() }
        state.condition.unlock()
        if let failure { throw failure }
    }
}
