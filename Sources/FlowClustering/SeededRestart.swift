import FlowFeatures

/// A run of `KMeans.lockstep` as the driver sees it: `beginPass` (serial) before each pass
/// over the rows, `pass` on each block of rows of `Parallel.forEachChunk`'s chunks (the
/// blocks of a chunk in increasing order, chunks on any core), then `endPass` (serial),
/// which gives the run's model once it is done.
protocol LockstepRestart: AnyObject, Sendable {
    func beginPass()
    func pass(_ xv: UnsafeBufferPointer<Double>, rows: Range<Int>, chunk: Int)
    func endPass(_ x: FeatureMatrix) -> KMeansResult?
}

/// One restart of `KMeans.fit` as lockstep passes: its greedy k-means++ seeding
/// (`PlusPlusRun`), then its bounded Lloyd run (`LloydRun`) from the seeded centres. The
/// seeding's last pass is also the Lloyd run's first assignment: it updates the rows for
/// the last centre and hands its per-row state (nearest centre, squared distance, lower
/// bound on the others; one `HamerlyBounds`, 20 bytes a row) to the Lloyd run, which takes
/// the labels and bounds from it and computes no distance in that pass. The model is bit
/// for bit that of `plusPlus` then `lloyd` from the same generator.
final class SeededRestart: LockstepRestart, @unchecked Sendable {
    private enum Step { case first, potentials, update, last, lloyd }
    private var seeding: PlusPlusRun?
    private var run: LloydRun?
    private var step = Step.first
    private var centre = 0
    private let maxIter: Int
    private let tolerance: Double

    init(_ x: FeatureMatrix, k: Int, rng: SeededRandom, maxIter: Int, absoluteTolerance: Double) {
        let seeding = PlusPlusRun(rows: x.rows, dimensions: x.columns, k: k, rng: rng)
        seeding.takeFirst(x)
        self.seeding = seeding
        self.maxIter = maxIter
        tolerance = absoluteTolerance
    }

    func beginPass() {
        if let run { run.beginAssignment() }
    }

    func pass(_ xv: UnsafeBufferPointer<Double>, rows: Range<Int>, chunk: Int) {
        switch step {
        case .first: seeding!.distancesToFirst(xv, rows: rows, chunk: chunk)
        case .potentials: seeding!.potentials(xv, rows: rows, chunk: chunk)
        case .update: seeding!.update(xv, rows: rows, chunk: chunk)
        case .last:
            if centre > 0 { seeding!.update(xv, rows: rows, chunk: chunk) }
            run!.assignSeeded(xv, rows: rows, chunk: chunk)
        case .lloyd: run!.assign(xv, rows: rows, chunk: chunk)
        }
    }

    func endPass(_ x: FeatureMatrix) -> KMeansResult? {
        switch step {
        case .first, .update:
            centre += 1
            if centre < seeding!.k {
                seeding!.drawCandidates(x, centre: centre)
                step = .potentials
            } else {
                // k = 1: the first centre is the only one.
                centre = 0
                startLloyd()
            }
        case .potentials:
            if seeding!.choose(x) { step = .update } else { startLloyd() }
        case .last, .lloyd:
            seeding = nil
            step = .lloyd
            run!.endIteration(x)
            if run!.finished { return run!.result(x) }
        }
        return nil
    }

    private func startLloyd() {
        run = LloydRun(seeding: seeding!, maxIter: maxIter, absoluteTolerance: tolerance)
        step = .last
    }
}
