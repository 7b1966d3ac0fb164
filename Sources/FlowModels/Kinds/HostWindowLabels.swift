import FlowColumnar
import FlowCore
import FlowDataset
import FlowFeatures
import Foundation

/// The ground-truth class of each host window, for training and evaluating the host
/// classifier. Every source first labels **flows**; a host window (a host and a window of
/// `window_minutes`, the rows of `HostProfiles`) then takes the most frequent non-benign
/// label among the flows it sent or received (ties: the alphabetically first), and is
/// `benign` when it has none. Sources (`classifier.labels`):
///
/// - `column`: the dataset's label column (`label_column`, default `label`; CIC-IDS,
///   CTU-13, UNSW-NB15, NF-* and the generator's dialects carry one). Texts are trimmed and
///   lower-cased; `benign`, `normal`, `background`, `0`, `-` and empty mean benign, and
///   spaces and dashes become `_` (`DoS Hulk` → `dos_hulk`).
/// - a generator labels file (`FILE.labels.json`, format `floe-generate-labels`): a flow
///   carries an anomaly's kind when its source is one of the anomaly's sources, its
///   destination one of its targets, it starts inside the anomaly's window, and protocol and
///   destination port (when the file gives one) match.
/// - a CSV file with the header `host,start,end,label` (times as UTC milliseconds or ISO
///   8601 `YYYY-MM-DDTHH:MM[:SS[.fff]]Z`): host-level truth, each line labels every window
///   of the host that overlaps [start, end).
public struct HostWindowLabels: Sendable {
    public static let benign = "benign"
    /// (host id, window index) key → non-benign label → flows.
    private(set) var counts: [UInt64: [String: Int]] = [:]
    public let windowMillis: Int64

    public init(windowMillis: Int64) { self.windowMillis = windowMillis }

    @inline(__always)
    static func key(_ host: Int32, _ window: Int64) -> UInt64 {
        UInt64(UInt32(bitPattern: host)) << 32 | UInt64(UInt32(truncatingIfNeeded: window))
    }

    /// The window index of a time (floor division, so times before 1970 work too).
    @inline(__always)
    func window(of millis: Int64) -> Int64 {
        millis >= 0 ? millis / windowMillis : (millis - windowMillis + 1) / windowMillis
    }

    /// Adds `flows` flows of `label` (non-benign) to the host window.
    mutating func add(host: Int32, window: Int64, label: String, flows: Int = 1) {
        counts[Self.key(host, window), default: [:]][label, default: 0] += flows
    }

    /// The class of the host window starting at `windowStart`.
    public func label(host: Int32, windowStart: Int64) -> String {
        guard let c = counts[Self.key(host, window(of: windowStart))] else { return Self.benign }
        return c.max { a, b in a.value != b.value ? a.value < b.value : a.key > b.key }!.key
    }

    /// Host windows with a non-benign label.
    public var labelledWindows: Int { counts.count }

    /// Reads the labels `section.labels` names for the flows of `table` (the dataset
    /// `dataset` loaded). Errors name the file and the place.
    public static func read(_ section: ClassifierSection, table: borrowing FlowTable, dataset: DatasetListing,
                            windowMillis: Int64) throws -> HostWindowLabels {
        guard let source = section.labels else { return HostWindowLabels(windowMillis: windowMillis) }
        if source == ClassifierSection.columnLabels {
            return try fromColumn(section.labelColumn, table: table, dataset: dataset, windowMillis: windowMillis)
        }
        guard let data = FileManager.default.contents(atPath: source) else {
            throw FlowModelsError.io(path: source, detail: "cannot read the classifier's labels file (models.classifier.labels: give `column` or a readable file)")
        }
        if let first = data.first(where: { !($0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09) }), first == UInt8(ascii: "{") {
            return try fromGeneratorFile(data, path: source, table: table, windowMillis: windowMillis)
        }
        return try fromCSV(String(decoding: data, as: UTF8.self), path: source, table: table, windowMillis: windowMillis)
    }

    /// The class name of a label text, nil for benign.
    public static func className(_ text: String) -> String? {
        let t = text.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        if ["", "benign", "normal", "background", "0", "-"].contains(t) { return nil }
        return String(t.map { $0 == " " || $0 == "-" || $0 == "/" ? "_" : $0 })
    }

    /// Host ids of `table` by address.
    static func hostIDs(_ table: borrowing FlowTable) -> [IPAddress: Int32] {
        var ids: [IPAddress: Int32] = [:]
        ids.reserveCapacity(table.hosts.count)
        for (i, a) in table.hosts.enumerated() { ids[a] = Int32(i) }
        return ids
    }

    static func fromColumn(_ column: String, table: borrowing FlowTable, dataset: DatasetListing, windowMillis: Int64) throws -> HostWindowLabels {
        var out = HostWindowLabels(windowMillis: windowMillis)
        let ids = hostIDs(table)
        let names = DatasetColumnNames()
        var classOf: [[UInt8]: String?] = [:]
        var found = false
        let addresses = DatasetAddressReader()
        for file in dataset.files {
            let reader = try ArrowFileReader(path: file.path)
            guard reader.columnIndex(named: column) != nil else { continue }
            found = true
            try reader.requireDatasetColumns([\.sourceAddress, \.destinationAddress, \.start], names: names)
            for b in 0..<reader.recordBatchCount {
                let batch = DatasetBatch(try reader.recordBatch(at: b), names: names)
                guard let labels = try batch.text(named: column) else { continue }
                let sources = try batch.sourceAddress(), destinations = try batch.destinationAddress()
                let starts = try batch.start()
                var lastBytes: [UInt8] = [], lastClass: String?? = nil
                for i in 0..<batch.rowCount {
                    if !labels.isValid(i) { continue }
                    let bytes = labels[i]
                    let name: String?
                    if let lc = lastClass, bytes.elementsEqual(lastBytes) {
                        name = lc
                    } else {
                        lastBytes = Array(bytes)
                        if let known = classOf[lastBytes] {
                            name = known
                        } else {
                            name = className(String(decoding: bytes, as: UTF8.self))
                            classOf[lastBytes] = .some(name)
                        }
                        lastClass = .some(name)
                    }
                    guard let name else { continue }
                    let w = out.window(of: starts[i])
                    let source = addresses.address(sources, row: i)
                    if let a = source, let id = ids[a] { out.add(host: id, window: w, label: name) }
                    if let a = addresses.address(destinations, row: i), let id = ids[a], source != a {
                        out.add(host: id, window: w, label: name)
                    }
                }
            }
        }
        guard found else {
            throw FlowModelsError.dataset(path: dataset.root, detail: "no file has a '\(column)' column (models.classifier.labels: column); give label_column, or a labels file")
        }
        return out
    }

    /// The parts of a generator labels file the classifier reads.
    struct GeneratorFile: Decodable {
        struct Window: Decodable {
            var startMillis: Int64
            var endMillis: Int64
            enum CodingKeys: String, CodingKey { case startMillis = "start_ms", endMillis = "end_ms" }
        }
        struct Anomaly: Decodable {
            var kind: String
            var window: Window
            var sources: [String]
            var targets: [String]
            var protocolNumber: UInt8?
            var dstPort: UInt16?
            enum CodingKeys: String, CodingKey {
                case kind, window, sources, targets
                case protocolNumber = "protocol"
                case dstPort = "dst_port"
            }
        }
        var format: String
        var anomalies: [Anomaly]
    }

    static func fromGeneratorFile(_ data: Data, path: String, table: borrowing FlowTable, windowMillis: Int64) throws -> HostWindowLabels {
        let file: GeneratorFile
        do {
            file = try JSONDecoder().decode(GeneratorFile.self, from: data)
        } catch {
            throw FlowModelsError.modelFile(path: path, detail: "not a generator labels file (format floe-generate-labels): \(error)")
        }
        guard file.format == "floe-generate-labels" else {
            throw FlowModelsError.modelFile(path: path, detail: "format is \"\(file.format)\"; the classifier reads floe-generate-labels JSON or a CSV host,start,end,label")
        }
        let ids = hostIDs(table)
        // Per anomaly: its target ids; per source id: the anomalies it starts.
        var targets: [Set<Int32>] = []
        var bySource: [Int32: [Int]] = [:]
        for (k, a) in file.anomalies.enumerated() {
            targets.append(Set(a.targets.compactMap { IPAddress($0).flatMap { ids[$0] } }))
            for s in a.sources { if let ip = IPAddress(s), let id = ids[ip] { bySource[id, default: []].append(k) } }
        }
        var out = HostWindowLabels(windowMillis: windowMillis)
        let names = file.anomalies.map { className($0.kind) }
        for i in 0..<table.count {
            guard let list = bySource[table.source[i]] else { continue }
            let d = table.destination[i], s = table.start[i]
            for k in list {
                let a = file.anomalies[k]
                guard let name = names[k], targets[k].contains(d), s >= a.window.startMillis, s < a.window.endMillis,
                      a.protocolNumber.map({ $0 == table.proto[i] }) ?? true,
                      a.dstPort.map({ Int32($0) == table.destinationPort[i] }) ?? true else { continue }
                let w = out.window(of: s)
                out.add(host: table.source[i], window: w, label: name)
                if d != table.source[i] { out.add(host: d, window: w, label: name) }
                break
            }
        }
        return out
    }

    static func fromCSV(_ text: String, path: String, table: borrowing FlowTable, windowMillis: Int64) throws -> HostWindowLabels {
        var lines = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" }).map { $0.hasSuffix("\r") ? $0.dropLast() : $0 }
        while lines.last?.isEmpty == true { lines.removeLast() }
        let header = lines.first.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() } } ?? []
        guard header == ["host", "start", "end", "label"] else {
            throw FlowModelsError.modelFile(path: path, detail: "line 1: expected the header host,start,end,label (or a generator labels JSON file)")
        }
        let ids = hostIDs(table)
        var out = HostWindowLabels(windowMillis: windowMillis)
        for (n, line) in lines.enumerated().dropFirst() where !line.isEmpty {
            let f = line.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            func bad(_ what: String) -> FlowModelsError {
                .modelFile(path: path, detail: "line \(n + 1): \(what); expected host,start,end,label with times as UTC ms or YYYY-MM-DDTHH:MM[:SS[.fff]]Z")
            }
            guard f.count == 4 else { throw bad("\(f.count) fields") }
            guard let address = IPAddress(f[0]) else { throw bad("'\(f[0])' is not an IP address") }
            guard let s = parseTime(f[1]) else { throw bad("start '\(f[1])' is not a time") }
            guard let e = parseTime(f[2]), e > s else { throw bad("end '\(f[2])' is not a time after the start") }
            guard let name = className(f[3]), let id = ids[address] else { continue }
            var w = out.window(of: s)
            while w * windowMillis < e {
                out.add(host: id, window: w, label: name)
                w += 1
            }
        }
        return out
    }

    /// UTC milliseconds, or ISO 8601 `YYYY-MM-DDTHH:MM[:SS[.fff]]Z` (or a space for T).
    static func parseTime(_ text: String) -> Int64? {
        if let ms = Int64(text) { return ms }
        let u = Array(text.utf8)
        guard u.count >= 17, u.last == UInt8(ascii: "Z"), u[10] == UInt8(ascii: "T") || u[10] == UInt8(ascii: " "),
              let day = CivilTime.parseDate(String(decoding: u[0..<10], as: UTF8.self)) else { return nil }
        let clock = String(decoding: u[11..<(u.count - 1)], as: UTF8.self).split(separator: ":")
        guard clock.count == 2 || clock.count == 3, let h = Int64(clock[0]), let m = Int64(clock[1]), h < 24, m < 60 else { return nil }
        var seconds = 0.0
        if clock.count == 3 {
            guard let s = Double(clock[2]), s >= 0, s < 61 else { return nil }
            seconds = s
        }
        return day * 86_400_000 + h * 3_600_000 + m * 60_000 + Int64((seconds * 1000).rounded())
    }
}
