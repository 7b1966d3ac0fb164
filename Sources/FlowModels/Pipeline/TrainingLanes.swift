import Foundation

/// Progress lines of kinds that may train on two threads (`TrainingMemory.trainsOwnReadersAlongside`),
/// handed to the caller's sink one whole line at a time.
final class SerialLog: @unchecked Sendable {
    private let lock = NSLock()
    private let sink: (String) -> Void

    init(_ sink: @escaping (String) -> Void) { self.sink = sink }

    func write(_ line: String) {
        lock.lock()
        defer { lock.unlock() }
        sink(line)
    }
}

/// What each kind of `ModelPlan.kinds` gave (its index entry, nil when turned off, or its
/// error), by plan position, filled from either training lane; read once both are done.
final class TrainingOutcomes: @unchecked Sendable {
    private let lock = NSLock()
    private var slots: [Result<ModelsIndex.Entry?, Error>?]

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    func set(_ k: Int, _ outcome: Result<ModelsIndex.Entry?, Error>) {
        lock.lock()
        defer { lock.unlock() }
        slots[k] = outcome
    }

    /// The entries in plan order; rethrows the first error in plan order.
    func entries() throws -> [ModelsIndex.Entry] {
        lock.lock()
        defer { lock.unlock() }
        return try slots.compactMap { try $0?.get() }
    }
}

/// Two training lanes: `first` on the calling thread while `second` runs on a thread of its
/// own; returns once both are done. Not `concurrentPerform`: a parallel loop inside one of
/// its workers gets cores ÷ iterations threads (one on two cores), so the kinds' own
/// parallel passes (host profiles, k-means, the classifier) would run on one core.
/// `second` is reached only through a slot cleared before returning, so it may capture
/// what `withoutActuallyEscaping` lent.
enum TrainingLanes {
    static func run(_ first: () -> Void, beside second: () -> Void) {
        withoutActuallyEscaping(second) { second in
            let lane = SideLane(second)
            let thread = Thread { lane.runOnce() }
            thread.stackSize = 8 << 20  // as the main thread's
            thread.start()
            first()
            lane.waitAndClear()
        }
    }

    private final class SideLane: @unchecked Sendable {
        private var work: (() -> Void)?
        private let done = DispatchSemaphore(value: 0)

        init(_ work: @escaping () -> Void) { self.work = work }

        /// Runs the work (its reference dropped on return), then signals.
        func runOnce() {
            call()
            done.signal()
        }

        @inline(never)
        private func call() {
            if let work { work() }
        }

        func waitAndClear() {
            done.wait()
            work = nil
        }
    }
}
