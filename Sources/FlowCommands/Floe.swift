import ArgumentParser

/// The version of every floe tool, recorded in manifests and reports.
public let floeVersion = "0.1.0"

/// `floe`: the umbrella command. `floe ingest …` runs the same code as `floe-ingest …`.
public struct Floe: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "floe",
        abstract: "A batch pipeline over network flow logs.",
        version: floeVersion,
        subcommands: [RunCommand.self, StatusCommand.self, PlanCommand.self, TrainCommand.self, ScoreCommand.self]
    )

    public init() {}
}
