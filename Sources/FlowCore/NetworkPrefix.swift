/// An IPv4 or IPv6 network in CIDR notation (`10.0.0.0/8`, `fd00::/8`): the one network
/// type of floe (clean's `internal_networks`, the models' internal networks, series
/// subnets, allowlist networks). IPv4 networks are held as their v4-mapped IPv6 form
/// (prefix length + 96), like `IPAddress`; masks are precomputed for the per-row loops.
public struct NetworkPrefix: Sendable, Hashable, CustomStringConvertible {
    /// The network address (host bits zero).
    public let network: IPAddress
    /// Prefix length in the 128-bit form (IPv4 /n is 96 + n).
    public let length: Int
    @usableFromInline let maskHigh: UInt64
    @usableFromInline let maskLow: UInt64

    /// RFC 1918 and RFC 4193 space, the default internal networks of every stage.
    public static let privateRanges: [NetworkPrefix] = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7"]
        .map { try! NetworkPrefix.parse($0).get() }

    /// Parses `ADDRESS/LENGTH`. Host bits must be zero (`10.0.0.1/8` is refused, so a typo
    /// does not silently widen or move a network).
    public static func parse(_ text: String) -> Result<NetworkPrefix, PrefixError> {
        let t = text.trimmingSpaces
        let parts = t.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let address = IPAddress(String(parts[0])),
              let bits = Int(parts[1]), parts[1].allSatisfy({ $0.isASCII && $0.isNumber }) else {
            return .failure(PrefixError(text: text, reason: "expected ADDRESS/LENGTH, e.g. 10.0.0.0/8 or fd00::/8"))
        }
        let v4Text = !parts[0].contains(":")
        let maxBits = v4Text ? 32 : 128
        guard bits >= 0 && bits <= maxBits else {
            return .failure(PrefixError(text: text, reason: "prefix length \(bits) is out of range 0–\(maxBits)"))
        }
        let length = v4Text ? bits + 96 : bits
        let prefix = NetworkPrefix(network: address, length: length)
        guard prefix.network == address else {
            return .failure(PrefixError(text: text, reason: "host bits are set; did you mean \(prefix)?"))
        }
        return .success(prefix)
    }

    /// Parses `text` as `parse` does; nil when it is refused.
    public init?(_ text: String) {
        guard case .success(let prefix) = NetworkPrefix.parse(text) else { return nil }
        self = prefix
    }

    /// The network of `address` with `length` leading bits (of 128) kept.
    public init(network address: IPAddress, length: Int) {
        self.length = length
        maskHigh = length >= 64 ? ~0 : (length <= 0 ? 0 : ~0 << UInt64(64 - length))
        maskLow = length <= 64 ? 0 : (length >= 128 ? ~0 : ~0 << UInt64(128 - length))
        network = IPAddress(high: address.high & maskHigh, low: address.low & maskLow)
    }

    /// Whether `address` lies in the network.
    @inlinable @inline(__always)
    public func contains(_ address: IPAddress) -> Bool {
        address.high & maskHigh == network.high && address.low & maskLow == network.low
    }

    /// CIDR text: `10.0.0.0/8`, `fd00::/8`.
    public var description: String {
        network.isIPv4 && length >= 96 ? "\(network)/\(length - 96)" : "\(network)/\(length)"
    }
}

extension NetworkPrefix: Codable {
    /// Decodes CIDR text, refused as `parse` refuses it.
    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        switch NetworkPrefix.parse(try container.decode(String.self)) {
        case .success(let p): self = p
        case .failure(let e): throw DecodingError.dataCorruptedError(in: container, debugDescription: e.description)
        }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}

extension Sequence where Element == NetworkPrefix {
    /// Whether `address` lies in one of the networks.
    @inlinable
    public func contains(address: IPAddress) -> Bool {
        contains { $0.contains(address) }
    }
}

/// Why a CIDR text was refused.
public struct PrefixError: Error, Sendable, Equatable, CustomStringConvertible {
    public let text: String
    public let reason: String

    public var description: String { "'\(text)': \(reason)" }
}

