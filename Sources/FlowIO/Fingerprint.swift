/// A content fingerprint of a file's raw bytes as they are on disk (compressed files are
/// hashed compressed). Written as `xxh64:<16 lowercase hex digits>`.
public struct Fingerprint: Hashable, Sendable, CustomStringConvertible, Codable {
    /// The XXH64 (seed 0) of the raw bytes.
    public let xxh64: UInt64

    public init(xxh64: UInt64) {
        self.xxh64 = xxh64
    }

    /// `xxh64:` followed by 16 lowercase hex digits.
    public var description: String {
        let digits = String(xxh64, radix: 16)
        return "xxh64:" + String(repeating: "0", count: 16 - digits.count) + digits
    }

    /// Parses the `xxh64:<16 hex>` form; nil for anything else.
    public init?(parsing text: String) {
        guard text.hasPrefix("xxh64:") else { return nil }
        let digits = text.dropFirst(6)
        guard digits.count == 16, digits.allSatisfy(\.isHexDigit), let value = UInt64(digits, radix: 16) else {
            return nil
        }
        xxh64 = value
    }

    public init(from decoder: Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let parsed = Fingerprint(parsing: text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                                                    debugDescription: "not an xxh64:<16 hex> fingerprint: \(text)"))
        }
        self = parsed
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
