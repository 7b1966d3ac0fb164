/// The memory one decompressed nfcapd block is written to: a single allocation, grown
/// (never shrunk) to the largest room asked for and freed with the handle. It is not
/// zeroed, so only the pages a block is written to become resident (the room asked for
/// is the block's output limit, up to 32 MiB, while nfdump's blocks hold about 1-5 MiB).
/// One owner at a time: the framer writes a block into it, then the decoder reads it, on
/// the same or another thread (the hand-over between threads is locked by the queue that
/// carries it).
public final class NfcapdBlockBuffer: @unchecked Sendable {
    /// The memory (empty until `reserve` is called).
    public private(set) var bytes = UnsafeMutableRawBufferPointer(start: nil, count: 0)

    public init() {}

    deinit {
        bytes.deallocate()
    }

    /// At least `count` bytes of room (its contents undefined when it had to grow).
    func reserve(_ count: Int) -> UnsafeMutableRawBufferPointer {
        if bytes.baseAddress == nil || bytes.count < count {
            bytes.deallocate()
            bytes = .allocate(byteCount: count, alignment: 64)
        }
        return bytes
    }
}
