import Foundation

/// The JSON form of the files floe writes for people, diffs and reruns (manifests, labels,
/// model files, pipeline state): pretty-printed, keys sorted, slashes unescaped and a final
/// newline, so the same value always gives the same bytes.
public enum StableJSON {
    /// Encodes `value`. With `nonFiniteAsText`, infinities and NaN are written as the
    /// strings "inf", "-inf" and "nan" (model files) instead of failing.
    public static func encode<T: Encodable>(_ value: T, nonFiniteAsText: Bool = false) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        if nonFiniteAsText {
            encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        }
        var bytes = [UInt8](try encoder.encode(value))
        bytes.append(UInt8(ascii: "\n"))
        return bytes
    }
}
