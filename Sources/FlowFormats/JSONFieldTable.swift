#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import FlowCore

/// Where the members of a JSON-lines dialect go: each known member path (top-level
/// `"proto"`, nested `"flow":{"start":…}`, or Zeek's flat `"id.orig_h"`) names a slot, and
/// each slot has the `ColumnRole` that the delimited dialects use, so a JSON line is
/// decoded by the same `assemble` as a CSV or TSV line (same time, address, counter and
/// ICMP rules) once its values sit in the slots.
final class JSONFieldTable: Sendable {
    /// One member path: its key and parent key as ranges of `pool`.
    struct Entry: Sendable {
        let keyStart: Int32
        let keyLength: Int32
        let parentStart: Int32
        let parentLength: Int32
        let slot: Int
        /// A priority-1 member wins over a priority-0 one for the same slot, in any order
        /// (Zeek's `ip_proto` over `proto`; Suricata's `icmp_type` over `src_port`).
        let priority: UInt8
        /// The key's first byte, tested before the bytes are compared.
        let first: UInt8
    }

    /// Slot names (the canonical member path) and roles, by slot.
    let names: [String]
    let roles: [ColumnRole]
    /// Suricata: the slot of `event_type` (only `flow` and `netflow` events are rows).
    let eventTypeSlot: Int?
    /// Entries sorted by key length; those of length n are `entries[bucket[n]..<bucket[n + 1]]`.
    /// Plain values in flat arrays, so a lookup (about twenty per line) costs no reference
    /// counting: the table was a quarter of the JSON decode time with nested arrays.
    private let entries: [Entry]
    private let bucket: [Int]
    private let pool: [UInt8]

    /// `fields`: canonical path, role, and other paths that fill the same slot (with their
    /// priority). A dotted path `a.b` matches both the flat key `"a.b"` and `b` inside `a`.
    init(_ fields: [(path: String, role: ColumnRole, also: [(String, UInt8)])], eventType: String? = nil) {
        var names = fields.map(\.path)
        var roles = fields.map(\.role)
        var paths: [(parent: [UInt8], key: [UInt8], slot: Int, priority: UInt8)] = []
        func add(_ path: String, _ slot: Int, _ priority: UInt8) {
            paths.append(([], Array(path.utf8), slot, priority))
            if let dot = path.firstIndex(of: ".") {
                paths.append((Array(path[..<dot].utf8), Array(path[path.index(after: dot)...].utf8), slot, priority))
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
        paths.sort { $0.key.count < $1.key.count }
        var pool: [UInt8] = []
        var entries: [Entry] = []
        for p in paths {
            let keyStart = pool.count
            pool += p.key
            let parentStart = pool.count
            pool += p.parent
            entries.append(Entry(keyStart: Int32(keyStart), keyLength: Int32(p.key.count), parentStart: Int32(parentStart),
                                 parentLength: Int32(p.parent.count), slot: p.slot, priority: p.priority, first: p.key[0]))
        }
        let longest = paths.last?.key.count ?? 0
        var bucket = [Int](repeating: 0, count: longest + 2)
        for n in 0...(longest + 1) { bucket[n] = paths.firstIndex { $0.key.count >= n } ?? paths.count }
        self.names = names
        self.roles = roles
        self.entries = entries
        self.bucket = bucket
        self.pool = pool
    }

    var slotCount: Int { names.count }

    /// The entry for a member, or nil for members floe does not read.
    @inline(__always)
    func lookup(parent: UnsafeBufferPointer<UInt8>, key: UnsafeBufferPointer<UInt8>) -> Entry? {
        let n = key.count
        guard n > 0, n + 1 < bucket.count, let k = key.baseAddress else { return nil }
        return pool.withUnsafeBufferPointer { pool -> Entry? in
            for i in bucket[n]..<bucket[n + 1] {
                let e = entries[i]
                guard e.first == k[0], Int(e.parentLength) == parent.count,
                      memcmp(pool.baseAddress! + Int(e.keyStart), k, n) == 0 else { continue }
                if parent.count == 0 || memcmp(pool.baseAddress! + Int(e.parentStart), parent.baseAddress!, parent.count) == 0 {
                    return e
                }
            }
            return nil
        }
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
