/// Fatal problems of a binary input: the input cannot be read on (as opposed to a
/// `BinaryReject`, which skips one unit and goes on). Messages name the byte offset and
/// what to do.
public enum BinaryFormatError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The first bytes are not a capture or nfcapd header this decoder reads.
    case unrecognizedHeader(offset: Int64, detail: String)
    /// The capture's link type is not one floe decodes.
    case unsupportedLinkType(UInt32, offset: Int64)
    /// An nfcapd file with a block compression floe cannot decompress.
    case unsupportedCompression(name: String, offset: Int64)
    /// A structure that frames the rest of the file is broken (block or record length).
    case corrupt(offset: Int64, detail: String)
    /// The input ended inside a structure.
    case truncated(offset: Int64, detail: String)

    public var description: String {
        switch self {
        case .unrecognizedHeader(let o, let d):
            return "byte \(o): not a pcap, pcapng or nfcapd header (\(d))"
        case .unsupportedLinkType(let t, let o):
            return "byte \(o): capture link type \(t) is not supported (Ethernet, Linux SLL/SLL2, raw IP and BSD loopback are); re-capture on another interface or convert with editcap"
        case .unsupportedCompression(let name, let o):
            return "byte \(o): nfcapd blocks are \(name)-compressed, which floe does not decompress; rewrite the file with LZ4 using an nfdump built with \(name): `nfdump -r FILE -y -w FILE.lz4` (or uncompressed: `nfdump -r FILE -w FILE.raw`)"
        case .corrupt(let o, let d):
            return "byte \(o): \(d)"
        case .truncated(let o, let d):
            return "byte \(o): input ends early: \(d)"
        }
    }
}
