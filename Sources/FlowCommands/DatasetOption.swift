import ArgumentParser

/// `--dataset DIR`: the dataset folder floe-clean writes, as floe-train, floe-score and
/// floe-report name it. `--input`, its old name in train and score, still works (hidden,
/// with a warning on stderr).
struct DatasetOption: ParsableArguments {
    @Option(help: ArgumentHelp("Dataset folder (date=YYYY-MM-DD partitions).", valueName: "dir"))
    var dataset: String?

    @Option(name: .customLong("input"), help: .hidden)
    var deprecatedInput: String?

    /// The folder given under either name; nil when neither was given.
    var folder: String? { dataset ?? deprecatedInput }

    func validate() throws {
        if dataset != nil && deprecatedInput != nil {
            throw ValidationError("--input is the old name of --dataset: give only --dataset.")
        }
    }

    /// The line to print on stderr when the old name was used.
    var deprecationWarning: String? { deprecatedInput == nil ? nil : "--input is deprecated; use --dataset (same folder)" }
}
