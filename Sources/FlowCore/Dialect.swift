/// The input dialects floe reads. The raw value is the name used on command lines
/// (`--dialect`), in manifests and in the generator.
public enum Dialect: String, Sendable, CaseIterable, Codable {
    /// nfdump 1.7.0–1.7.4 `-o csv`: 48 columns `ts,te,td,sa,da,sp,dp,pr,flg,…`, local
    /// time with second resolution, optional `Summary` trailer.
    case nfdumpCSV = "nfdump-csv"
    /// nfdump 1.7.5+ `-o csv`: `firstSeen,duration,proto,srcAddr,srcPort,dstAddr,dstPort,packets,bytes,flows`.
    case nfdumpCSVNew = "nfdump-csv-new"
    /// nfdump `-o csv-fast`: epoch-millisecond times and numeric fields only.
    case nfdumpCSVFast = "nfdump-csv-fast"
    /// Zeek conn.log in its TSV form (`#fields` header).
    case zeekConn = "zeek-conn"
    /// AWS VPC Flow Logs, default version 2 format (space separated).
    case awsVPC = "aws-vpc"
    /// CICFlowMeter / CIC-IDS2017 / CSE-CIC-IDS2018 CSV.
    case cicFlowMeter = "cicflowmeter"
    /// Argus `ra -c ,` CSV (and CTU-13 binetflow): fractional epoch or slashed text times,
    /// hex ICMP "ports", `man` management records skipped and counted.
    case argus = "argus"
    /// UNSW-NB15 CSV parts (Argus + Bro features, 49 columns), with or without header line.
    case unswNB15 = "unsw-nb15"
    /// Any CSV whose header uses common column names (alias table) or a mapping file.
    case genericCSV = "generic-csv"
    /// Zeek conn.log written by Zeek's JSON writer: one object per line, unset fields
    /// omitted, `ts` as epoch seconds or ISO 8601 text.
    case zeekConnJSON = "zeek-conn-json"
    /// Suricata `eve.json`: `flow` and `netflow` events become rows, other events are skipped.
    case suricataEve = "suricata-eve"

    /// True for the JSON-lines dialects (one JSON object per line, no header line).
    public var isJSONLines: Bool { self == .zeekConnJSON || self == .suricataEve }
}
