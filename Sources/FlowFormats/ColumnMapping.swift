import FlowCore
import Yams

/// A user's mapping from schema fields to header names of an arbitrary CSV, read from a
/// YAML or JSON file (JSON is read as YAML). Keys are schema field names (`start`,
/// `src_addr`, …, plus `duration`), values are header names as written in the file.
/// Option keys: `time_format` (`auto`, `epoch`, `iso`/`text`), `time_unit` (`s`, `ms`,
/// `us`), `duration_unit` (`s`, `ms`, `us`), `timezone`, `date_order` (`day_first`,
/// `month_first`), `delimiter` (`,`, `tab`, `;`, `|`, `space`). Unknown keys are errors.
/// A mapping may name only the columns whose names the alias table does not know: the
/// others are found by alias (`HeaderSniff`); a required field that neither gives is a
/// `missingColumns` error when the header is read.
///
/// ```yaml
/// start: "Start Time"
/// end: "End Time"
/// src_addr: Source
/// dst_addr: Destination
/// protocol: Proto
/// packets: Pkts
/// bytes: Octets
/// time_format: epoch
/// time_unit: ms
/// ```
public struct ColumnMapping: Sendable, Equatable {
    /// Schema field name → header name.
    public var columns: [String: String]
    public var timeFormat: TimeFormat
    public var durationFormat: DurationFormat
    public var timeZone: TimeZoneSpec?
    public var dateOrder: DateOrder?
    public var delimiter: UInt8

    /// Schema fields (and `duration`) a mapping may name.
    public static let mappableFields: [String] = [
        "start", "end", "duration", "src_addr", "dst_addr", "src_port", "dst_port", "protocol", "tcp_flags",
        "packets", "bytes", "input_if", "output_if", "src_as", "dst_as", "tos", "exporter", "sampling_rate",
        "flow_direction", "rev_packets", "rev_bytes", "label",
    ]
    static let optionKeys = ["time_format", "time_unit", "duration_unit", "timezone", "date_order", "delimiter"]

    public init(columns: [String: String], timeFormat: TimeFormat = .auto, durationFormat: DurationFormat = .seconds,
                timeZone: TimeZoneSpec? = nil, dateOrder: DateOrder? = nil, delimiter: UInt8 = 0x2C) {
        self.columns = columns
        self.timeFormat = timeFormat
        self.durationFormat = durationFormat
        self.timeZone = timeZone
        self.dateOrder = dateOrder
        self.delimiter = delimiter
    }

    /// Parses a mapping from YAML or JSON text.
    public init(yaml text: String) throws {
        let loaded: Any?
        do {
            loaded = try Yams.load(yaml: text)
        } catch {
            throw FlowFormatsError.badMapping("not valid YAML/JSON: \(error)")
        }
        guard let dict = loaded as? [String: Any] else {
            throw FlowFormatsError.badMapping("the top level must be a map of schema field names to header names")
        }
        var cols: [String: String] = [:]
        var unit: EpochUnit? = nil
        var format = "auto"
        var durUnit = "s"
        var tz: TimeZoneSpec? = nil
        var order: DateOrder? = nil
        var delim: UInt8 = 0x2C
        for (key, value) in dict.sorted(by: { $0.key < $1.key }) {
            let text: String
            if let s = value as? String { text = s } else if let i = value as? Int { text = String(i) } else {
                throw FlowFormatsError.badMapping("value of '\(key)' must be text")
            }
            if Self.mappableFields.contains(key) {
                cols[key] = text
                continue
            }
            switch key {
            case "time_format":
                guard ["auto", "epoch", "iso", "text"].contains(text) else {
                    throw FlowFormatsError.badMapping("time_format '\(text)': use auto, epoch or iso")
                }
                format = text
            case "time_unit":
                guard let u = EpochUnit(rawValue: text) else {
                    throw FlowFormatsError.badMapping("time_unit '\(text)': use s, ms or us")
                }
                unit = u
            case "duration_unit":
                guard ["s", "ms", "us"].contains(text) else {
                    throw FlowFormatsError.badMapping("duration_unit '\(text)': use s, ms or us")
                }
                durUnit = text
            case "timezone":
                tz = try TimeZoneSpec(parsing: text)
            case "date_order":
                guard let o = DateOrder(rawValue: text) else {
                    throw FlowFormatsError.badMapping("date_order '\(text)': use day_first or month_first")
                }
                order = o
            case "delimiter":
                switch text {
                case ",": delim = 0x2C
                case ";": delim = 0x3B
                case "|": delim = 0x7C
                case "tab", "\t": delim = 0x09
                case "space", " ": delim = 0x20
                default: throw FlowFormatsError.badMapping("delimiter '\(text)': use , ; | tab or space")
                }
            default:
                throw FlowFormatsError.badMapping("unknown key '\(key)'; keys are schema fields ("
                    + Self.mappableFields.joined(separator: ", ") + ") or " + Self.optionKeys.joined(separator: ", "))
            }
        }
        if format == "epoch" && unit == nil {
            throw FlowFormatsError.badMapping("time_format epoch needs time_unit (s, ms or us)")
        }
        let tf: TimeFormat
        switch format {
        case "epoch": tf = .epoch(unit ?? .seconds)
        case "iso", "text": tf = .text
        default: tf = unit.map { .epoch($0) } ?? .auto
        }
        self.init(columns: cols, timeFormat: tf,
                  durationFormat: durUnit == "ms" ? .millis : durUnit == "us" ? .micros : .seconds,
                  timeZone: tz, dateOrder: order, delimiter: delim)
    }

    /// The role of a schema field name under this mapping.
    func role(forField f: String) -> ColumnRole? {
        switch f {
        case "start": return .start(timeFormat)
        case "end": return .end(timeFormat)
        case "duration": return .duration(durationFormat)
        case "src_addr": return .srcAddr
        case "dst_addr": return .dstAddr
        case "src_port": return .srcPort
        case "dst_port": return .dstPort
        case "protocol": return .proto
        case "tcp_flags": return .tcpFlags
        case "packets": return .packets
        case "bytes": return .bytes
        case "input_if": return .inputIf
        case "output_if": return .outputIf
        case "src_as": return .srcAS
        case "dst_as": return .dstAS
        case "tos": return .tos
        case "exporter": return .exporter
        case "sampling_rate": return .samplingRate
        case "flow_direction": return .direction
        case "rev_packets": return .revPackets
        case "rev_bytes": return .revBytes
        case "label": return .label
        default: return nil
        }
    }
}
