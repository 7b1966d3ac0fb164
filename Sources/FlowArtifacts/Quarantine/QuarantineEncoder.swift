import Foundation

/// The quarantine schema: one JSON object per line of `quarantine.jsonl`, written by
/// floe-ingest (into the raw folder) and floe-clean (into the dataset). Every record names
/// where the rejected data came from, why (`reason` at ingest, the clean `rule`), a
/// `detail` sentence, and the data itself as far as it is kept. The record shapes:
///
/// - ingest, a rejected text line:
///   `{"file":"…","line":12,"offset":3456,"reason":"bad_address","detail":"…","raw":"…"}`;
///   `raw` holds the line when it is valid UTF-8, otherwise `raw_base64` holds its bytes;
///   `offset` is the line's byte offset in the decompressed stream; a line longer than
///   `rawLimit` keeps its head and adds `"raw_truncated":true`.
/// - ingest, a rejected unit of a binary input (capture record, export message or set,
///   nfcapd block):
///   `{"file":"…","offset":1234,"reason":"missing_template","records":1,"detail":"…","raw_hex":"0009…"}`;
///   `raw_hex` holds at most `binaryRawLimit` bytes and is absent when they were no longer
///   in memory.
/// - ingest, a whole file whose rows were not trusted (rolled back):
///   `{"file":"…","rows":120,"reason":"input_failed","detail":"…"}`.
/// - clean, a row that failed a rule:
///   `{"source":"…","batch":0,"row":7,"rule":"future_skew","detail":"…","values":{"start":"…",…}}`;
///   `values` holds every column of the row as it was (times ISO 8601, nulls as null).
///
/// Why the cause has two names: `reason` is one of ingest's reject reasons (a decoding
/// failure, counted in the ingest manifest's `rejects_by_reason`) and `rule` one of clean's
/// validation rules (a configured check, counted in `rejects_by_rule`, named in
/// `clean.yaml`). The key names the vocabulary its value comes from, matching the manifest
/// counts, so they were kept when the two encoders became one; the location keys differ
/// because the places differ (a file line or byte offset at ingest, a row of an Arrow batch
/// at clean). floe itself never parses quarantine records (it only counts their lines).
///
/// Strings are escaped by `JSONText`; a raw newline only ever ends a record, so
/// `FlowIO.QuarantineLimiter` can bound a quarantine by counting newlines.
public struct QuarantineEncoder: Sendable {
    /// Longest raw line kept whole in the quarantine.
    public static let rawLimit = 4096
    /// Bytes of a binary unit kept in the quarantine (`raw_hex`).
    public static let binaryRawLimit = 64

    public init() {}

    /// Appends the record of a rejected text line.
    public func appendRow(file: String, line: Int64, offset: Int64, reason: String, detail: String,
                          raw: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) {
        JSONText.appendRaw(#"{"file":"#, to: &out)
        JSONText.appendString(file, to: &out)
        JSONText.appendRaw(#","line":"#, to: &out)
        JSONText.appendInteger(line, to: &out)
        JSONText.appendRaw(#","offset":"#, to: &out)
        JSONText.appendInteger(offset, to: &out)
        appendReasonAndDetail(reason: reason, detail: detail, into: &out)
        let kept = UnsafeBufferPointer(rebasing: raw[0..<min(raw.count, QuarantineEncoder.rawLimit)])
        if String(validating: kept, as: UTF8.self) != nil {
            JSONText.appendRaw(#","raw":"#, to: &out)
            JSONText.appendString(kept, to: &out)
        } else {
            JSONText.appendRaw(#","raw_base64":""#, to: &out)
            out.append(contentsOf: Data(kept).base64EncodedData())
            out.append(UInt8(ascii: "\""))
        }
        if kept.count < raw.count { JSONText.appendRaw(#","raw_truncated":true"#, to: &out) }
        JSONText.appendRaw("}\n", to: &out)
    }

    /// Appends the record of a rejected unit of a binary input; `records` is the number of
    /// flow records it stands for, `raw` its bytes when still in memory.
    public func appendBinaryReject(file: String, offset: Int64, reason: String, records: Int, detail: String,
                                   raw: UnsafeRawBufferPointer?, into out: inout [UInt8]) {
        JSONText.appendRaw(#"{"file":"#, to: &out)
        JSONText.appendString(file, to: &out)
        JSONText.appendRaw(#","offset":"#, to: &out)
        JSONText.appendInteger(offset, to: &out)
        JSONText.appendRaw(#","reason":"#, to: &out)
        JSONText.appendString(reason, to: &out)
        JSONText.appendRaw(#","records":"#, to: &out)
        JSONText.appendInteger(records, to: &out)
        JSONText.appendRaw(#","detail":"#, to: &out)
        JSONText.appendString(detail, to: &out)
        if let raw, !raw.isEmpty {
            JSONText.appendRaw(#","raw_hex":"#, to: &out)
            JSONText.appendHex(raw.prefix(QuarantineEncoder.binaryRawLimit), to: &out)
        }
        JSONText.appendRaw("}\n", to: &out)
    }

    /// Appends the record of a whole file whose `rows` were rolled back.
    public func appendFile(file: String, rows: Int64, reason: String, detail: String, into out: inout [UInt8]) {
        JSONText.appendRaw(#"{"file":"#, to: &out)
        JSONText.appendString(file, to: &out)
        JSONText.appendRaw(#","rows":"#, to: &out)
        JSONText.appendInteger(rows, to: &out)
        appendReasonAndDetail(reason: reason, detail: detail, into: &out)
        JSONText.appendRaw("}\n", to: &out)
    }

    /// Appends the start of a clean rule record, up to and including `"values":{`; the
    /// caller appends the row's columns (`"name":value` pairs, comma-separated, through
    /// `JSONText`) and then `endRuleRecord`. `sourceJSON` is the source path already
    /// written as a JSON string (it is the same for every row of an input).
    public func beginRuleRecord(sourceJSON: [UInt8], batch: Int, row: Int, rule: String, detail: String,
                                into out: inout [UInt8]) {
        JSONText.appendRaw(#"{"source":"#, to: &out)
        out.append(contentsOf: sourceJSON)
        JSONText.appendRaw(#","batch":"#, to: &out)
        JSONText.appendInteger(batch, to: &out)
        JSONText.appendRaw(#","row":"#, to: &out)
        JSONText.appendInteger(row, to: &out)
        JSONText.appendRaw(#","rule":"#, to: &out)
        JSONText.appendString(rule, to: &out)
        JSONText.appendRaw(#","detail":"#, to: &out)
        JSONText.appendString(detail, to: &out)
        JSONText.appendRaw(#","values":{"#, to: &out)
    }

    /// Closes a clean rule record begun with `beginRuleRecord`.
    public func endRuleRecord(into out: inout [UInt8]) {
        JSONText.appendRaw("}}\n", to: &out)
    }

    private func appendReasonAndDetail(reason: String, detail: String, into out: inout [UInt8]) {
        JSONText.appendRaw(#","reason":"#, to: &out)
        JSONText.appendString(reason, to: &out)
        JSONText.appendRaw(#","detail":"#, to: &out)
        JSONText.appendString(detail, to: &out)
    }
}
