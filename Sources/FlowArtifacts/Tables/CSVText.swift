/// The writing half of the CSV tables stages exchange (`anomalies.csv`, `incidents.csv`):
/// RFC 4180 text, a header line, one record per line ending in `\n`. `CSVRecords` reads it.
public enum CSVText {
    /// A field as written: quoted (quotes doubled) when it holds a comma, a quote or a line
    /// break, else as it is. Bytes are checked, not Characters: "\r\n" is one Character,
    /// equal to neither "\r" nor "\n", and a field holding it must be quoted too.
    public static func field(_ s: String) -> String {
        if s.utf8.contains(where: { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 0x0A || $0 == 0x0D }) {
            return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        return s
    }

    /// One record: the fields quoted where needed, comma-separated, and the line end.
    public static func record(_ fields: [String]) -> String {
        fields.map(field).joined(separator: ",") + "\n"
    }
}
