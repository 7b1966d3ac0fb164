import FlowCore

/// Why floe-ingest gave up on one input after reading it (the other inputs go on).
enum IngestInputError: Error, CustomStringConvertible {
    /// More than `limit` of the rows were rejected.
    case mostlyRejected(path: String, rejected: Int64, read: Int64, limit: Double, topReasons: String)

    var description: String {
        switch self {
        case let .mostlyRejected(path, rejected, read, limit, topReasons):
            let percent = Int((Double(rejected) * 100 / Double(read)).rounded())
            let hint = topReasons.hasPrefix(RejectReason.ambiguousTimestamp.rawValue)
                ? "Slashed dates such as 3/7/2017 are ambiguous and never guessed: CIC-IDS2017, CSE-CIC-IDS2018 and "
                    + "CICFlowMeter write the day first (--date-order dmy); US exports write the month first (--date-order mdy). "
                : "Is this the dialect floe detected? Name it with --dialect or give a --mapping; "
            return "\(path): \(NumberText.thousands(rejected)) of \(NumberText.thousands(read)) rows (\(percent) %) were rejected, "
                + "more than --max-reject-share \(limit) allows (\(topReasons); examples in quarantine.jsonl). "
                + hint + "raise --max-reject-share to keep such a file."
        }
    }
}
