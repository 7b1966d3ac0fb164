/// How long the Slurm executor waits between two status queries: the shortest interval
/// while jobs change state, growing by `factor` per quiet poll up to `maximum`, and doubling
/// (up to `4 × maximum`) while the controller does not answer, as users of busy clusters
/// ask of workflow managers. Each poll is one `squeue` call whatever the number of jobs.
struct PollSchedule: Sendable {
    let minimum: Double
    let maximum: Double
    let factor = 1.5
    private(set) var interval: Double

    init(minimum: Double, maximum: Double) {
        self.minimum = max(0.01, minimum)
        self.maximum = max(self.minimum, maximum)
        interval = self.minimum
    }

    /// After a poll that answered: back to the minimum when a job changed, else longer.
    mutating func answered(changed: Bool) {
        interval = changed ? minimum : min(maximum, interval * factor)
    }

    /// After a poll that failed (timeout, error): twice as long, up to 4 × maximum.
    mutating func failed() {
        interval = min(maximum * 4, max(interval, minimum) * 2)
    }

    /// A job was submitted or cancelled: its state matters soon.
    mutating func reset() { interval = minimum }
}
