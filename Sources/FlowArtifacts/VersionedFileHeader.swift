extension KeyedDecodingContainer {
    /// The `format` and `version` a versioned JSON file of the contract starts with: the
    /// format must be `expected` ("not a WHAT: format '…'"), and a version newer than
    /// `newest` is refused with the way out (use the floe that wrote it).
    func decodeFileHeader(format formatKey: Key, expected: String, what: String,
                          version versionKey: Key, newest: Int) throws -> (format: String, version: Int) {
        let format = try decode(String.self, forKey: formatKey)
        guard format == expected else {
            throw DecodingError.dataCorruptedError(forKey: formatKey, in: self, debugDescription: "not \(what): format '\(format)'")
        }
        let version = try decode(Int.self, forKey: versionKey)
        guard version <= newest else {
            throw DecodingError.dataCorruptedError(forKey: versionKey, in: self,
                                                   debugDescription: "version \(version) is newer than this floe reads (\(newest)): use the floe that trained the models")
        }
        return (format, version)
    }
}
