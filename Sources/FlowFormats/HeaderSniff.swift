import FlowCore

/// What the generic alias table makes of a header line: which columns it recognises as
/// which schema field, and which required fields no column gives. Detection
/// (`DialectParser.detect`), the unknown-format error and `MappingSuggestion` all read it,
/// so they never disagree.
public struct HeaderSniff: Sendable {
    /// The six fields every record needs.
    public static let requiredFields = ["start", "src_addr", "dst_addr", "protocol", "packets", "bytes"]

    /// Header names as written (trimmed).
    public let names: [String]
    /// The role of each column by alias (`.ignore` when unknown or a repeat of an earlier
    /// column's field), with the label columns arranged by `preferLabelText`.
    public let roles: [ColumnRole]

    public init(names: [String]) {
        self.names = names
        var roles = names.map { DialectParser.genericRole($0) ?? .ignore }
        Self.preferLabelText(names: names, roles: &roles)
        var seen = Set<String>()
        for i in roles.indices where roles[i] != .ignore {
            if !seen.insert(roles[i].key).inserted { roles[i] = .ignore }
        }
        self.roles = roles
    }

    /// Schema fields given by some column (`label` also for a fallback label).
    public var coveredFields: Set<String> { Set(roles.filter { $0 != .ignore }.map(\.fieldName)) }

    /// Required fields no column gives, in schema order.
    public var missingRequired: [String] {
        let covered = coveredFields
        return Self.requiredFields.filter { !covered.contains($0) }
    }

    /// `column → field` for every recognised column, in header order.
    public var recognisedSummary: [String] {
        zip(names, roles).filter { $0.1 != .ignore }.map { "\($0.0) → \($0.1.fieldName)" }
    }

    /// Why no time can be had, when a duration or end column stands without a start.
    public var timeNote: String { Self.timeNote(missing: missingRequired, names: names, roles: roles) }

    /// Datasets with an attack-type text column and a 0/1 `Label` (NF-* `Attack`/`Label`,
    /// UNSW-NB15 `attack_cat`/`Label`): the text column is the label and `Label` the
    /// fallback for rows whose text is empty. Other label columns beyond the first are
    /// ignored.
    static func preferLabelText(names: [String], roles: inout [ColumnRole]) {
        let labels = roles.indices.filter { roles[$0] == .label }
        guard labels.count > 1 else { return }
        let isPlainLabel = { (i: Int) in ColumnNames.normalize(names[i]) == "label" }
        guard let text = labels.first(where: { !isPlainLabel($0) }) else { return }
        var fallbackTaken = false
        for i in labels where i != text {
            if isPlainLabel(i) && !fallbackTaken { roles[i] = .labelFallback; fallbackTaken = true } else { roles[i] = .ignore }
        }
    }

    /// Why a header without a time cannot be read, when it has a duration or an end column
    /// (UNSW-NB15's training and test sets, NF-* v1/v2 datasets); empty otherwise.
    static func timeNote(missing: [String], names: [String], roles: [ColumnRole]) -> String {
        guard missing.contains("start") else { return "" }
        if let i = roles.firstIndex(where: { if case .duration = $0 { return true } else { return false } }) {
            return "column '\(names[i])' is a duration, but no column gives the start or end time, "
                + "so the flows cannot be placed in time: a file without flow times cannot be ingested"
        }
        if let i = roles.firstIndex(where: { if case .end = $0 { return true } else { return false } }) {
            return "column '\(names[i])' is an end time, but no column gives the start time or a duration"
        }
        return ""
    }
}
