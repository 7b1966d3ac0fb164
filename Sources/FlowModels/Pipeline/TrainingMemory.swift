import FlowFeatures

/// How `floe-train` holds its data within `memory_budget_mb` (`--memory-budget-mb`).
///
/// Training over a short range holds the selected days' flows once (`FlowTable`, with the
/// host profiles built from it), as it always did. When that would take more than the
/// budget (`wholeTableBytesPerFlow` per flow, measured on the 90-day benchmark), training
/// **streams**: the kinds read the dataset a `date=` partition at a time
/// (`FlowTable.forEachDay`, host ids shared across days) and keep only their aggregates
/// (host history pair-days, graph edge bytes and per-host-window fans, brute-force cells)
/// and the clustering kinds' training matrix. That matrix is the one thing that grows with
/// the rows kept, so it is capped at `matrixRowCap` rows; beyond the cap it is a
/// deterministic per-day stratified sample (`TrainingMatrixSample`). Streaming needs
/// windows that divide a day (so no window spans two partitions); with another window the
/// whole table is held and the log says the budget cannot be kept.
public struct TrainingMemory: Sendable, Equatable {
    /// Resident bytes per flow of training with the whole table held (flow table, host
    /// profiles and the kinds' working sets): 1,175 MiB for 6.72 M flows on the 90-day
    /// benchmark (scripts/bench/results/memory.md), rounded up.
    public static let wholeTableBytesPerFlow = 184
    /// Share of the budget the clustering kinds' training matrix may fill.
    public static let matrixShare = 0.4
    /// Bytes held per value of the training matrix while k-means and DBSCAN fit: the raw
    /// matrix, its scaled copy, the scaler's column copy and the fitting's per-row state
    /// (k-means sizes the restarts it runs in lockstep to that share, `KMeans.lockstepSlots`).
    public static let bytesPerMatrixValue = 32

    public let budgetMB: Int
    /// Rows of the selected files.
    public let rows: Int
    /// Whether the kinds read the dataset a day at a time.
    public let streams: Bool
    /// Why the whole table is held although it exceeds the budget (nil otherwise).
    public let unboundedReason: String?

    public init(budgetMB: Int, rows: Int, windowMinutes: Int) {
        self.budgetMB = budgetMB
        self.rows = rows
        let over = rows * Self.wholeTableBytesPerFlow > budgetMB << 20
        if over && 1440 % windowMinutes != 0 {
            streams = false
            unboundedReason = "window_minutes \(windowMinutes) does not divide a day, so training cannot read the days one at a time"
        } else {
            streams = over
            unboundedReason = nil
        }
    }

    /// Whether the kinds that read the dataset themselves (the time series) train on a
    /// second thread beside the kinds on the shared flows, instead of after them with the
    /// flows let go: when the whole table is held and takes at most a quarter of the
    /// budget, so both working sets fit in it at once.
    public var trainsOwnReadersAlongside: Bool { !streams && wholeTableMB * 4 <= budgetMB }

    /// Estimated resident size of training with the whole table held, MiB.
    public var wholeTableMB: Int { (rows * Self.wholeTableBytesPerFlow) >> 20 }

    /// The most training-matrix rows of `columns` features the budget lets the clustering
    /// kinds hold while streaming.
    public func matrixRowCap(columns: Int) -> Int {
        max(1, Int(Double(budgetMB << 20) * Self.matrixShare) / (max(1, columns) * Self.bytesPerMatrixValue))
    }
}
