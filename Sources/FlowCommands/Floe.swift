import ArgumentParser

/// The version of every floe tool, recorded in manifests and reports.
public let floeVersion = "0.1.0"

/// `floe`: the umbrella command. `floe ingest …` runs the same code as `floe-ingest …`.
public struct Floe: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "floe",
        abstract: "A batch pipeline over network flow logs.",
        version: floeVersion,
        subcommands: [DemoCommand.self, GenerateCommand.self, IngestCommand.self, CleanCommand.self, TrainCommand.self,
                      ScoreCommand.self, ReportCommand.self, RunCommand.self, StatusCommand.self, PlanCommand.self,
                      ExportCommand.self]
    )

    public init() {}
}
