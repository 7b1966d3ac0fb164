/// Per-row state of a bounded Lloyd run (Hamerly 2010): each row's label, an upper bound
/// on its distance to that centre and a lower bound on its distance to every other
/// centre. Bounds are stored relative to how far the centres have drifted so far, so
/// moving the centres costs O(k), not a write to every row: the upper bound of a row
/// labelled `a` is `limits[2i] + drift[a]`, its lower bound `limits[2i + 1] − maxDrift`.
///
/// The class is the single owner of the per-row buffers: they are allocated in `init` and
/// freed in `deinit`, so the assignment passes of several runs can write them from the
/// workers of one parallel loop (each chunk of rows touches only its own rows).
final class HamerlyBounds: @unchecked Sendable {
    /// Label of each row; −1 before its first assignment.
    let labels: UnsafeMutableBufferPointer<Int32>
    /// Interleaved (upper − drift[label], lower + maxDrift) per row.
    let limits: UnsafeMutableBufferPointer<Double>
    /// Summed movement of each centre since the bounds were set.
    private(set) var drift: [Double]
    /// Summed largest movement of any centre, per iteration, since the bounds were set.
    private(set) var maxDrift = 0.0
    /// The next assignment must compute every distance and rebuild the sums from zero
    /// (first iteration, or after empty clusters were relocated).
    var needsFullPass = true

    init(rows: Int, clusters: Int) {
        labels = .allocate(capacity: rows)
        labels.initialize(repeating: -1)
        limits = .allocate(capacity: 2 * rows)
        limits.initialize(repeating: 0)
        drift = [Double](repeating: 0, count: clusters)
    }

    deinit {
        labels.deallocate()
        limits.deallocate()
    }

    /// The labels as an array (a copy).
    var labelArray: [Int32] { Array(labels) }

    /// Loosens every bound by the centres' movements of one iteration.
    func centresMoved(_ moved: [Double]) {
        for c in drift.indices { drift[c] += moved[c] }
        maxDrift += moved.max() ?? 0
    }

    /// Forgets every bound, keeping the labels (the next assignment computes all distances).
    func reset() {
        for c in drift.indices { drift[c] = 0 }
        maxDrift = 0
        needsFullPass = true
    }
}
