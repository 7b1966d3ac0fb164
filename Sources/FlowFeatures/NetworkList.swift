import FlowCore

/// A list of CIDR blocks (`10.0.0.0/8`, `fd00::/8`) deciding which addresses are
/// internal. IPv4 blocks match v4-mapped addresses (prefix + 96 bits).
public struct NetworkList: Sendable, Equatable {
    public struct Block: Sendable, Equatable {
        public let network: IPAddress
        /// Prefix length over the 128-bit (v4-mapped) address.
        public let prefix: Int
    }

    public let blocks: [Block]
    public let texts: [String]

    /// The RFC 1918 and RFC 4193 private ranges, the default `internal_networks`.
    public static let privateDefaults = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7"]

    public init(_ cidrs: [String]) throws {
        var blocks: [Block] = []
        for text in cidrs {
            let parts = text.split(separator: "/", omittingEmptySubsequences: false)
            guard parts.count == 2, let address = IPAddress(String(parts[0])), let bits = Int(parts[1]) else {
                throw FlowModelsError.invalidParameter(name: "internal_networks", value: text,
                                                       reason: "expected a CIDR block such as 10.0.0.0/8 or fd00::/8")
            }
            let limit = address.isIPv4 ? 32 : 128
            guard bits >= 0 && bits <= limit else {
                throw FlowModelsError.invalidParameter(name: "internal_networks", value: text,
                                                       reason: "prefix length must be 0–\(limit)")
            }
            let prefix = address.isIPv4 ? bits + 96 : bits
            blocks.append(Block(network: NetworkList.masked(address, prefix), prefix: prefix))
        }
        self.blocks = blocks
        texts = cidrs
    }

    static func masked(_ a: IPAddress, _ prefix: Int) -> IPAddress {
        let highMask: UInt64 = prefix >= 64 ? ~0 : (prefix == 0 ? 0 : ~0 << UInt64(64 - prefix))
        let lowBits = prefix - 64
        let lowMask: UInt64 = lowBits <= 0 ? 0 : (lowBits >= 64 ? ~0 : ~0 << UInt64(64 - lowBits))
        return IPAddress(high: a.high & highMask, low: a.low & lowMask)
    }

    /// Whether `address` lies in one of the blocks.
    public func contains(_ address: IPAddress) -> Bool {
        for b in blocks where NetworkList.masked(address, b.prefix) == b.network { return true }
        return false
    }
}

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
