import ArgumentParser
import FlowForecasting
import FlowColumnar
import FlowIO
import FlowNeural
import FlowTimeSeries
import Foundation

/// `floe-dev export-neural-peer`: floe's losses and gradients on the JAX peer check's cases
/// (`NeuralPeerExport`), for scripts/peers/check-neural-jax.sh.
public struct ExportNeuralPeerCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "export-neural-peer", abstract: "Write the neural peer cases with floe's losses and gradients (JSON).")

    @Option(help: ArgumentHelp("JSON file to write.", valueName: "file")) public var output: String

    public init() {}

    public func run() throws {
        try DevCommand.running {
            let results = try NeuralPeerExport.run()
            try writeAtomically(path: output, bytes: [UInt8](try NeuralPeerExport.document(results)))
            DevCommand.log("wrote \(results.count) neural cases to \(output)")
        }
    }
}

/// `floe-dev export-arima-peer`: the statsmodels peer check's series with floe's fits
/// (`ARIMAPeerExport`), for scripts/peers/check-arima-statsmodels.sh.
public struct ExportARIMAPeerCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "export-arima-peer", abstract: "Write the ARIMA peer series with floe's fits and forecasts (JSON).")

    @Option(help: ArgumentHelp("JSON file to write.", valueName: "file")) public var output: String

    public init() {}

    public func run() throws {
        try DevCommand.running {
            let results = try ARIMAPeerExport.run()
            try writeAtomically(path: output, bytes: [UInt8](try ARIMAPeerExport.document(results)))
            DevCommand.log("wrote \(results.count) ARIMA series to \(output)")
        }
    }
}

/// `floe-dev arrow-sample`: the Arrow sample file of the pyarrow/DuckDB peer check and its
/// expectations beside it (`ArrowPeerSample`), for scripts/check-arrow-pyarrow.sh.
public struct ArrowSampleCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "arrow-sample", abstract: "Write the Arrow peer sample and FILE.expected.json.")

    @Option(help: ArgumentHelp("Arrow file to write.", valueName: "file")) public var output: String

    public init() {}

    public func run() throws {
        try DevCommand.running {
            try ArrowPeerSample.write(path: output)
            DevCommand.log("wrote \(output) and \(output).expected.json")
        }
    }
}

/// `floe-dev arrow-read`: reads Arrow files another implementation wrote from the sample's
/// rows and checks they decode to them; `--compressed` files must be refused as unsupported.
public struct ArrowReadCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "arrow-read", abstract: "Check that Arrow files of another writer decode to the peer sample's rows.")

    @Argument(help: ArgumentHelp("Arrow files holding the sample's rows.", valueName: "file")) public var files: [String] = []
    @Option(help: ArgumentHelp("A compressed Arrow file that must be refused as unsupported.", valueName: "file"))
    public var compressed: [String] = []

    public init() {}

    public func run() throws {
        try DevCommand.running {
            for path in files { print(try ArrowPeerSample.check(path: path)) }
            for path in compressed { print(try ArrowPeerSample.checkRefused(path: path)) }
        }
    }
}
