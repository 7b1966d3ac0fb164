/// One execution unit: a stage, or one day of a `for_each: date` stage.
public struct PipelineTask: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let stage: String
    /// The day of a partitioned stage.
    public let partition: String?

    public init(stage: String, partition: String?) {
        self.stage = stage
        self.partition = partition
    }

    /// `stage` or `stage@YYYY-MM-DD`; the key in the state file.
    public var id: String { partition.map { "\(stage)@\($0)" } ?? stage }
    /// `stage.log` or `stage-YYYY-MM-DD.log`.
    public var logName: String { (partition.map { "\(stage)-\($0)" } ?? stage) + ".log" }
    public var description: String { id }

    public static func < (a: PipelineTask, b: PipelineTask) -> Bool { a.id < b.id }
}

/// The tasks of one run and the tasks each waits for.
public struct TaskGraph: Sendable {
    /// Tasks in a valid execution order (stage order, then day).
    public let tasks: [PipelineTask]
    public let upstream: [PipelineTask: [PipelineTask]]

    /// Tasks of `stages` (a subset selected by --only/--from-stage) over `dates`.
    /// Dependencies on stages outside the selection are dropped: their outputs are used as
    /// they are.
    public init(spec: PipelineSpec, graph: PipelineGraph, stages selected: Set<String>, dates: DateSelection?) throws {
        var tasks: [PipelineTask] = []
        var byStage: [String: [PipelineTask]] = [:]
        for name in graph.order where selected.contains(name) {
            guard let stage = spec.stage(named: name) else { continue }
            let list: [PipelineTask]
            if stage.forEach == .date {
                guard let dates else {
                    throw PipelineError.usage("stage '\(name)' is for_each: date; pass --date YYYY-MM-DD|yesterday|today or --from D1 --to D2")
                }
                list = dates.days.map { PipelineTask(stage: name, partition: $0) }
            } else {
                if stage.usesDates && dates == nil {
                    throw PipelineError.usage("stage '\(name)' uses {from}/{to}/{date}; pass --date or --from/--to")
                }
                list = [PipelineTask(stage: name, partition: nil)]
            }
            byStage[name] = list
            tasks += list
        }
        var upstream: [PipelineTask: [PipelineTask]] = [:]
        for task in tasks {
            var deps: [PipelineTask] = []
            for up in graph.upstream[task.stage, default: []] {
                guard let upTasks = byStage[up] else { continue }
                if let day = task.partition, upTasks.first?.partition != nil {
                    deps += upTasks.filter { $0.partition == day }
                } else {
                    deps += upTasks
                }
            }
            upstream[task] = deps
        }
        self.tasks = tasks
        self.upstream = upstream
    }
}
