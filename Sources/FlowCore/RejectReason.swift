/// Why a row went to the quarantine instead of the output. The raw value is the stable
/// name used in manifests and quarantine files; scripts may match on it.
public enum RejectReason: String, Sendable, CaseIterable, Codable, Comparable {
    /// The line has more or fewer fields than the header.
    case fieldCount = "field_count"
    /// The line is not valid UTF-8.
    case invalidUTF8 = "invalid_utf8"
    /// A quoted field is not closed before the end of the line.
    case unterminatedQuote = "unterminated_quote"
    /// The line is longer than the line-length limit.
    case lineTooLong = "line_too_long"
    /// The input ended in the middle of a line (no line terminator).
    case truncatedLine = "truncated_line"
    /// An address field is not one exact IPv4 or IPv6 address.
    case badAddress = "bad_address"
    /// A port is not an integer in 0–65535.
    case badPort = "bad_port"
    /// A protocol is not a number 0–255 or a known protocol name.
    case badProtocol = "bad_protocol"
    /// A counter or other number does not parse exactly or is out of range.
    case badNumber = "bad_number"
    /// A timestamp does not parse.
    case badTimestamp = "bad_timestamp"
    /// A timestamp is ambiguous (for example a day-first date) and is not guessed.
    case ambiguousTimestamp = "ambiguous_timestamp"
    /// A required field is empty or unset.
    case missingField = "missing_field"
    /// A TCP-flags field does not parse.
    case badFlags = "bad_flags"
    /// AWS VPC NODATA record: no traffic in the capture window (not a flow).
    case noData = "vpc_nodata"
    /// AWS VPC SKIPDATA record: the exporter skipped records in the window (data loss).
    case skipData = "vpc_skipdata"
    /// JSON-lines inputs: the line is not exactly one JSON object, or a mapped member is
    /// not a plain string or number.
    case badJSON = "bad_json"

    /// Binary inputs: a captured packet is cut short or its IP/UDP headers are invalid.
    case badPacket = "bad_packet"
    /// Binary inputs: IPv4 fragments whose datagram could not be reassembled.
    case unreassembledFragment = "unreassembled_fragment"
    /// Binary inputs: a NetFlow/IPFIX message header disagrees with the datagram (count or
    /// length against the bytes present).
    case badExportHeader = "bad_export_header"
    /// Binary inputs: a FlowSet/Set length is 0, too short or runs past the message.
    case badFlowset = "bad_flowset"
    /// Binary inputs: a template record is invalid (0 fields, absurd counts, truncated).
    case badTemplate = "bad_template"
    /// Binary inputs: data records whose template never arrived.
    case missingTemplate = "missing_template"
    /// Binary inputs: IPFIX records timed relative to system init (IEs 21/22) whose exporter
    /// never sent systemInitTimeMilliseconds (IE 160).
    case missingTimeBase = "missing_time_base"
    /// Binary inputs: a data record runs past its set (variable-length field too long).
    case truncatedRecord = "truncated_record"
    /// Binary inputs: an nfcapd block or record that cannot be decoded.
    case badBlock = "bad_block"

    public static func < (a: RejectReason, b: RejectReason) -> Bool { a.rawValue < b.rawValue }
}
