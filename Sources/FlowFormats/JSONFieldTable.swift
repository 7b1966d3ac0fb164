import FlowCore

/// Where the members of a JSON-lines dialect go: each known member path (top-level
/// `"proto"`, nested `"flow":{"start":…}`, or Zeek's flat `"id.orig_h"`) names a slot, and
/// each slot has the `ColumnRole` that the delimited dialects use, so a JSON line is
/// decoded by the same `assemble` as a CSV or TSV line (same time, address, counter and
/// ICMP rules) once its values sit in the slots.
struct JSONFieldTable: Sendable {
    struct Entry: Sendable {
        let parent: [UInt8]
        let key: [UInt8]
        let slot: Int
        /// A priority-1 member wins over a priority-0 one for the same slot, in any order
        /// (Zeek's `ip_proto` over `proto`; Suricata's `icmp_type` over `src_port`).
        let priority: UInt8
    }

    /// Slot names (the canonical member path) and roles, by slot.
    let names: [String]
    let roles: [ColumnRole]
    /// Suricata: the slot of `event_type` (only `flow` and `netflow` events are rows).
    let eventTypeSlot: Int?
    /// Entries by key length.
    private let byLength: [[Entry]]

    /// `fields`: canonical path, role, and other paths that fill the same slot (with their
    /// priority). A dotted path `a.b` matches both the flat key `"a.b"` and `b` inside `a`.
    init(_ fields: [(path: String, role: ColumnRole, also: [(String, UInt8)])], eventType: String? = nil) {
        var names = fields.map(\.path)
        var roles = fields.map(\.role)
        var entries: [Entry] = []
        func add(_ path: String, _ slot: Int, _ priority: UInt8) {
            entries.append(Entry(parent: [], key: Array(path.utf8), slot: slot, priority: priority))
            if let dot = path.firstIndex(of: ".") {
                entries.append(Entry(parent: Array(path[..<dot].utf8), key: Array(path[path.index(after: dot)...].utf8),
                                     slot: slot, priority: priority))
            }
        }
        for (slot, field) in fields.enumerated() {
            add(field.path, slot, 0)
            for (path, priority) in field.also { add(path, slot, priority) }
        }
        if let eventType {
            names.append(eventType)
            roles.append(.ignore)
            add(eventType, names.count - 1, 0)
            eventTypeSlot = names.count - 1
        } else {
            eventTypeSlot = nil
        }
        self.names = names
        self.roles = roles
        var byLength = [[Entry]](repeating: [], count: (entries.map(\.key.count).max() ?? 0) + 1)
        for e in entries { byLength[e.key.count].append(e) }
        self.byLength = byLength
    }

    var slotCount: Int { names.count }

    /// The entry for a member, or nil for members floe does not read.
    @inline(__always)
    func lookup(parent: UnsafeBufferPointer<UInt8>, key: UnsafeBufferPointer<UInt8>) -> Entry? {
        guard key.count < byLength.count else { return nil }
        for e in byLength[key.count] where e.parent.count == parent.count {
            if e.key.elementsEqual(key) && e.parent.elementsEqual(parent) { return e }
        }
        return nil
    }

    /// Zeek conn.log (JSON writer): the TSV dialect's field table (`ColumnNames.zeek`),
    /// except that `ts` may be a number or ISO 8601 text (`json_timestamps`), and
    /// `ip_proto` (Zeek 6+) wins over `proto` as the TSV decoder's does. The tuple may be
    /// flat (`"id.orig_h"`, the default), nested (`"id":{"orig_h":…}`) or use `_` as scope
    /// separator (`Log::default_scope_sep="_"`: `"id_orig_h"`).
    static let zeekConn: JSONFieldTable = {
        let names = ColumnNames.zeek.keys.sorted()
        return JSONFieldTable(names.map { name in
            let role: ColumnRole = name == "ts" ? .start(.epochOrText(.seconds)) : ColumnNames.zeek[name]!
            if name == "proto" { return (name, role, [("ip_proto", 1)]) }
            if name.hasPrefix("id.") { return (name, role, [("id_" + name.dropFirst(3), 0)]) }
            return (name, role, [])
        })
    }()

    /// Suricata eve.json `flow` events (bidirectional: to-server is the forward direction)
    /// and `netflow` events (one direction each).
    static let suricataEve = JSONFieldTable([
        ("src_ip", .srcAddr, []),
        ("dest_ip", .dstAddr, []),
        ("src_port", .srcPort, [("icmp_type", 1)]),
        ("dest_port", .dstPort, [("icmp_code", 1)]),
        ("proto", .proto, []),
        ("flow.start", .start(.text), [("netflow.start", 0)]),
        ("flow.end", .end(.text), [("netflow.end", 0)]),
        ("flow.pkts_toserver", .packets, [("netflow.pkts", 0)]),
        ("flow.bytes_toserver", .bytes, [("netflow.bytes", 0)]),
        ("flow.pkts_toclient", .revPackets, []),
        ("flow.bytes_toclient", .revBytes, []),
        ("tcp.tcp_flags", .tcpFlags, []),
    ], eventType: "event_type")
}
