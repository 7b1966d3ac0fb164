import FlowCore

/// An IPv4 or IPv6 network in CIDR notation (`10.0.0.0/8`, `fd00::/8`). IPv4 networks are
/// held as their v4-mapped IPv6 form (prefix length + 96), like `IPAddress`.
public struct NetworkPrefix: Sendable, Equatable, CustomStringConvertible {
    public let network: IPAddress
    /// Prefix length in the 128-bit form.
    public let length: Int
    let maskHigh: UInt64
    let maskLow: UInt64

    /// Parses `ADDRESS/LENGTH`. Host bits must be zero (`10.0.0.1/8` is refused, so a typo
    /// does not silently widen or move a network). Returns nil with a reason on failure.
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

    /// The network of `address` with `length` leading bits kept.
    public init(network address: IPAddress, length: Int) {
        self.length = length
        maskHigh = length >= 64 ? ~0 : (length == 0 ? 0 : ~0 << UInt64(64 - length))
        maskLow = length <= 64 ? 0 : (length == 128 ? ~0 : ~0 << UInt64(128 - length))
        network = IPAddress(high: address.high & maskHigh, low: address.low & maskLow)
    }

    /// Whether `address` lies in the network.
    public func contains(_ address: IPAddress) -> Bool {
        address.high & maskHigh == network.high && address.low & maskLow == network.low
    }

    public var description: String {
        network.isIPv4 && length >= 96 ? "\(network)/\(length - 96)" : "\(network)/\(length)"
    }
}

/// Why a CIDR text was refused.
public struct PrefixError: Error, Sendable, Equatable {
    public let text: String
    public let reason: String
}
