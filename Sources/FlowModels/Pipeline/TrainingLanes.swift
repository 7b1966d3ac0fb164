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
