import FlowFeatures

/// The clustering kinds' training matrix gathered a day at a time within a row cap
/// (`TrainingMemory.matrixRowCap`), when training streams.
///
/// Each day may add at most (rows left under the cap) / (days left) rows, so a day that
/// needs less leaves its room to the days after it. A day with more rows than that keeps a
/// uniform sample of them (Floyd's algorithm seeded by the models' seed and the day, rows
/// kept in their order): the result depends only on the data, the seed and the cap, not on
/// timing or threads. While no day reaches its share nothing is sampled, and the matrix is
/// row for row the one the whole table gives.
struct TrainingMatrixSample {
    let cap: Int
    let days: Int
    let seed: UInt64
    private(set) var matrix: FeatureMatrix
    /// Rows offered (before sampling).
    private(set) var offered = 0
    private var daysDone = 0

    init(names: [String], cap: Int, days: Int, seed: UInt64) {
        self.cap = cap
        self.days = days
        self.seed = seed
        matrix = FeatureMatrix(rows: 0, names: names)
        matrix.values.reserveCapacity(cap * names.count)
    }

    /// Whether some rows were left out.
    var sampled: Bool { offered > matrix.rows }

    /// Adds the training rows of one day (`day`: the UTC day number).
    mutating func add(_ rows: FeatureMatrix, day: Int64) {
        let quota = max(0, cap - matrix.rows) / max(1, days - daysDone)
        daysDone += 1
        offered += rows.rows
        if rows.rows <= quota {
            matrix.values += rows.values
            matrix.rows += rows.rows
        } else {
            var random = SeededRandom(seed: seed ^ 0x7A3D_5E11_C0DE_0001 ^ UInt64(bitPattern: day))
            let kept = rows.selecting(rows: random.sample(quota, of: rows.rows))
            matrix.values += kept.values
            matrix.rows += kept.rows
        }
    }
}
