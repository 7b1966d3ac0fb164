import FlowCore

/// Direction of a flow relative to the internal networks (the `direction` enrichment
/// column, or derived from `SeriesConfig.internalNetworks` when the column is absent).
public enum TrafficDirection: Int, Sendable, CaseIterable {
    case inbound, outbound, `internal`, external

    public var name: String {
        switch self {
        case .inbound: return "inbound"
        case .outbound: return "outbound"
        case .internal: return "internal"
        case .external: return "external"
        }
    }

    /// From the two ends' membership of the internal networks.
    @inline(__always)
    static func derive(sourceInside: Bool, destinationInside: Bool) -> TrafficDirection {
        switch (sourceInside, destinationInside) {
        case (true, true): return .internal
        case (true, false): return .outbound
        case (false, true): return .inbound
        case (false, false): return .external
        }
    }

    /// From the enrichment column's text ("inbound", "outbound", "internal", "external").
    @inline(__always)
    static func parse(_ text: UnsafeBufferPointer<UInt8>) -> TrafficDirection? {
        guard text.count >= 3 else { return nil }
        switch (text[0], text[2]) {
        case (UInt8(ascii: "i"), UInt8(ascii: "b")): return .inbound
        case (UInt8(ascii: "i"), UInt8(ascii: "t")): return .internal
        case (UInt8(ascii: "o"), _): return .outbound
        case (UInt8(ascii: "e"), _): return .external
        default: return nil
        }
    }
}
