import FlowCore

/// Direction of a flow relative to the internal networks, as floe-clean's `direction`
/// column spells it. Ordinal values are the raw values.
public enum FlowDirection: UInt8, Sendable, CaseIterable {
    case inbound = 0, outbound, internalTraffic, external

    /// The text of floe-clean's `direction` column.
    public var text: String {
        switch self {
        case .inbound: return "inbound"
        case .outbound: return "outbound"
        case .internalTraffic: return "internal"
        case .external: return "external"
        }
    }

    public static func from(sourceInternal: Bool, destinationInternal: Bool) -> FlowDirection {
        switch (sourceInternal, destinationInternal) {
        case (true, true): return .internalTraffic
        case (true, false): return .outbound
        case (false, true): return .inbound
        case (false, false): return .external
        }
    }

    /// Parses the column's text bytes (first byte decides: i[n]bound / i[n]ternal, o, e).
    static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> FlowDirection? {
        guard bytes.count >= 3 else { return nil }
        switch (bytes[0], bytes[2]) {
        case (UInt8(ascii: "i"), UInt8(ascii: "b")): return .inbound
        case (UInt8(ascii: "i"), UInt8(ascii: "t")): return .internalTraffic
        case (UInt8(ascii: "o"), _): return .outbound
        case (UInt8(ascii: "e"), _): return .external
        default: return nil
        }
    }
}
