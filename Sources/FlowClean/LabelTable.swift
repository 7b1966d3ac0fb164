/// Label texts of a run, each stored once; rows carry the id. Ids are given in order of
/// first appearance in input order (files, then batches), so they are deterministic.
struct LabelTable {
    private(set) var texts: [[UInt8]] = []
    private var ids: [[UInt8]: UInt32] = [:]

    /// The id of `text`, adding it when new.
    mutating func id(of text: [UInt8]) -> UInt32 {
        if let id = ids[text] { return id }
        let id = UInt32(texts.count)
        texts.append(text)
        ids[text] = id
        return id
    }
}

/// A batch-local label table with a one-entry cache (labels come in long runs).
struct LocalLabels {
    var table = LabelTable()
    private var lastText: [UInt8] = []
    private var lastID: UInt32 = .max

    mutating func id(of bytes: UnsafeBufferPointer<UInt8>) -> UInt32 {
        if lastID != .max && bytes.count == lastText.count
            && lastText.withUnsafeBufferPointer({ BatchCleaner.memcmpEqual(bytes, $0) }) {
            return lastID
        }
        lastText = Array(bytes)
        lastID = table.id(of: lastText)
        return lastID
    }
}
