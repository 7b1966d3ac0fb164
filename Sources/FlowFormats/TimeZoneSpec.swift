import Foundation
import FlowCore

/// The time zone of local (zone-less) timestamps, such as nfdump's `2024-01-02 03:04:05`.
public enum TimeZoneSpec: Sendable, Equatable, CustomStringConvertible {
    /// Local times are UTC (the default).
    case utc
    /// A fixed offset east of UTC, in seconds (`+02:00` is 7200).
    case fixed(seconds: Int32)
    /// An IANA zone name (`Europe/Berlin`), resolved by Foundation's `TimeZone`.
    case named(String)

    /// Parses `UTC`, `Z`, `+02:00`, `-0530`, `+02` or an IANA name.
    public init(parsing text: String) throws {
        let t = text.trimmingCharacters(in: .whitespaces)
        if t.isEmpty || t.uppercased() == "UTC" || t == "Z" || t.uppercased() == "GMT" {
            self = .utc
            return
        }
        if let first = t.first, first == "+" || first == "-" {
            let digits = t.dropFirst().filter { $0 != ":" }
            guard digits.count == 2 || digits.count == 4, digits.allSatisfy({ $0.isASCII && $0.isNumber }),
                  let hh = Int(digits.prefix(2)), let mm = Int(digits.count == 4 ? String(digits.suffix(2)) : "0"),
                  hh <= 18, mm < 60 else {
                throw FlowFormatsError.badOption("time zone offset '\(text)': use +HH:MM, for example +02:00")
            }
            let s = Int32(hh * 3600 + mm * 60)
            self = s == 0 ? .utc : .fixed(seconds: first == "-" ? -s : s)
            return
        }
        guard TimeZone(identifier: t) != nil else {
            throw FlowFormatsError.badOption("unknown time zone '\(text)': use an IANA name such as Europe/Berlin, or +HH:MM")
        }
        self = .named(t)
    }

    public var description: String {
        switch self {
        case .utc: return "UTC"
        case .fixed(let s):
            let a = abs(Int(s))
            return (s < 0 ? "-" : "+") + CivilTime.pad2(a / 3600) + ":" + CivilTime.pad2(a / 60 % 60)
        case .named(let n): return n
        }
    }
}

extension CivilTime {
    static func pad2(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
}

/// What to do with a local time that occurs twice (the hour repeated when DST ends).
public enum DSTOverlapPolicy: String, Sendable, Equatable {
    /// Take the earlier instant (the first occurrence, still in daylight time).
    case earliest
    /// Reject the row as `ambiguous_timestamp`.
    case reject
}

/// Result of converting a local time to UTC.
public enum LocalConversion: Equatable, Sendable {
    case utc(Int64)
    /// The local time does not exist (skipped by a DST change).
    case gap
    /// The local time occurs twice and the policy is `.reject`.
    case overlap
}

/// Converts local wall-clock milliseconds to UTC for a `TimeZoneSpec`. Named zones are
/// resolved through Foundation once per local hour and cached (64 hours, direct mapped);
/// hours that contain a transition are resolved per value and never cached.
public struct LocalTimeConverter: Sendable {
    public let spec: TimeZoneSpec
    public let overlapPolicy: DSTOverlapPolicy
    private let zone: TimeZone?
    private let fixedMillis: Int64
    private var cacheKeys: [Int64]
    private var cacheOffsets: [Int32]

    public init(_ spec: TimeZoneSpec, overlapPolicy: DSTOverlapPolicy = .earliest) {
        self.spec = spec
        self.overlapPolicy = overlapPolicy
        switch spec {
        case .utc: zone = nil; fixedMillis = 0
        case .fixed(let s): zone = nil; fixedMillis = Int64(s) * 1000
        case .named(let n): zone = TimeZone(identifier: n) ?? TimeZone(secondsFromGMT: 0); fixedMillis = 0
        }
        cacheKeys = zone == nil ? [] : [Int64](repeating: .min, count: 64)
        cacheOffsets = zone == nil ? [] : [Int32](repeating: 0, count: 64)
    }

    /// UTC milliseconds of a local wall-clock time given as milliseconds since 1970-01-01
    /// 00:00 local.
    @inlinable
    public mutating func toUTC(localMillis: Int64) -> LocalConversion {
        guard zoneIsNamed else { return .utc(localMillis - fixedOffsetMillis) }
        return namedToUTC(localMillis)
    }

    @usableFromInline var zoneIsNamed: Bool { zone != nil }
    @usableFromInline var fixedOffsetMillis: Int64 { fixedMillis }

    @usableFromInline
    mutating func namedToUTC(_ localMillis: Int64) -> LocalConversion {
        let localSec = localMillis >= 0 ? localMillis / 1000 : (localMillis - 999) / 1000
        let hour = localSec >= 0 ? localSec / 3600 : (localSec - 3599) / 3600
        let slot = Int(UInt64(bitPattern: hour) & 63)
        if cacheKeys[slot] == hour {
            return .utc(localMillis - Int64(cacheOffsets[slot]) * 1000)
        }
        let a = resolve(localSec: hour * 3600)
        let b = resolve(localSec: hour * 3600 + 3599)
        if case .single(let oa) = a, case .single(let ob) = b, oa == ob {
            cacheKeys[slot] = hour
            cacheOffsets[slot] = Int32(oa)
            return .utc(localMillis - Int64(oa) * 1000)
        }
        switch resolve(localSec: localSec) {
        case .single(let o): return .utc(localMillis - Int64(o) * 1000)
        case .none: return .gap
        case .two(let o1, let o2):
            if overlapPolicy == .reject { return .overlap }
            // The earlier instant has the larger offset.
            return .utc(localMillis - Int64(max(o1, o2)) * 1000)
        }
    }

    enum Resolution { case single(Int), none, two(Int, Int) }

    private func resolve(localSec: Int64) -> Resolution {
        guard let zone else { return .single(0) }
        func off(_ utc: Int64) -> Int { zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(utc))) }
        let early = off(localSec - 86_400)
        let late = off(localSec + 86_400)
        var valid: [Int] = []
        for o in [early, late] where !valid.contains(o) && off(localSec - Int64(o)) == o { valid.append(o) }
        if valid.isEmpty { return .none }
        if valid.count == 1 { return .single(valid[0]) }
        return .two(valid[0], valid[1])
    }
}

/// Offsets (seconds east of UTC) of UTC instants for a `TimeZoneSpec`, for encoders that
/// print local time. Thread-safe; caches per UTC hour when the hour has no transition.
public final class UTCOffsetTable: @unchecked Sendable {
    public let spec: TimeZoneSpec
    private let zone: TimeZone?
    private let fixed: Int
    private let lock = NSLock()
    private var cache: [Int64: Int] = [:]

    public init(_ spec: TimeZoneSpec) {
        self.spec = spec
        switch spec {
        case .utc: zone = nil; fixed = 0
        case .fixed(let s): zone = nil; fixed = Int(s)
        case .named(let n): zone = TimeZone(identifier: n) ?? TimeZone(secondsFromGMT: 0); fixed = 0
        }
    }

    /// Offset in seconds east of UTC at the UTC instant `utcMillis`.
    public func offsetSeconds(utcMillis: Int64) -> Int {
        guard let zone else { return fixed }
        let sec = utcMillis >= 0 ? utcMillis / 1000 : (utcMillis - 999) / 1000
        let hour = sec >= 0 ? sec / 3600 : (sec - 3599) / 3600
        lock.lock()
        if let o = cache[hour] { lock.unlock(); return o }
        lock.unlock()
        let a = zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(hour * 3600)))
        let b = zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(hour * 3600 + 3599)))
        if a == b {
            lock.lock()
            if cache.count > 100_000 { cache.removeAll() }
            cache[hour] = a
            lock.unlock()
            return a
        }
        return zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(sec)))
    }
}
