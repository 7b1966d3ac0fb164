import Foundation

/// The ground-truth label of a generated row: benign traffic or one injected anomaly kind.
/// `name` is the text written in the label column of dialects that carry one and in the
/// labels file.
public enum TrafficLabel: UInt8, CaseIterable, Sendable, Comparable {
    case benign = 0
    /// One host probing thousands of ports on a few hosts with bare SYNs.
    case portscan
    /// A SYN flood: many external sources against one internal server for a few minutes.
    case ddos
    /// One internal host uploading steadily to one external host for hours at night.
    case exfiltration
    /// Command-and-control beaconing: tiny constant-size flows at a fixed period with jitter.
    case beaconing
    /// Opt-in (`GeneratorConfig.extraAnomalies`): SSH password guessing, many short, small
    /// connections from one external host to one internal SSH server.
    case bruteForce
    /// Opt-in: an internal workstation starts serving a port to several internal clients.
    case newService

    /// Kinds injected only when asked for; the default mix (and its outputs) never has them.
    public static let optIn: [TrafficLabel] = [.bruteForce, .newService]

    public var name: String {
        switch self {
        case .benign: return "benign"
        case .portscan: return "portscan"
        case .ddos: return "ddos"
        case .exfiltration: return "exfiltration"
        case .beaconing: return "beaconing"
        case .bruteForce: return "brute_force"
        case .newService: return "new_service"
        }
    }

    /// The opt-in kinds named in `text` ("brute_force,new_service"); throws naming the bad one.
    public static func optIn(parsing text: String) throws -> [TrafficLabel] {
        try text.split(separator: ",").map { part in
            let name = part.trimmingCharacters(in: .whitespaces)
            guard let label = TrafficLabel(name: name), optIn.contains(label) else {
                throw GenerateError.invalidParameter(name: "--inject", value: name,
                                                     reason: "injectable kinds: " + optIn.map(\.name).joined(separator: ", "))
            }
            return label
        }
    }

    public init?(name: String) {
        guard let match = TrafficLabel.allCases.first(where: { $0.name == name }) else { return nil }
        self = match
    }

    public static func < (a: TrafficLabel, b: TrafficLabel) -> Bool { a.rawValue < b.rawValue }
}

/// The label texts in one allocation that lives as long as the process, handed to
/// encoders as byte buffers without per-row allocation.
enum LabelBytes {
    /// Unsafe pointers into immortal storage: safe to share between threads (read only).
    nonisolated(unsafe) static let buffers: [UnsafeBufferPointer<UInt8>] = TrafficLabel.allCases.map { label in
        let bytes = Array(label.name.utf8)
        let storage = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: bytes.count)
        _ = storage.initialize(from: bytes)
        return UnsafeBufferPointer(storage)
    }
}
