/// The writing half of the CSV tables stages exchange (`anomalies.csv`, `incidents.csv`):
/// RFC 4180 text, a header line, one record per line ending in `\n`. `CSVRecords` reads it.
public enum CSVText {
    /// A field as written: quoted (quotes doubled) when it holds a comma, a quote or a line
    /// break, else as it is.
    public static func field(_ s: String) -> String {
        if s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) {
            return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        return s
    }

    /// One record: the fields quoted where needed, comma-separated, and the line end.
    public static func record(_ fields: [String]) -> String {
        fields.map(field).joined(separator: ",") + "\n"
    }
}
