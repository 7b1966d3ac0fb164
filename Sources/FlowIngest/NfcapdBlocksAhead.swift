import Dispatch
import FlowCore
import FlowFormats
import FlowIO
import Foundation

/// The reader thread of a compressed nfcapd file: it takes the file's chunks (read on the
/// `ChunkReader`'s own thread), frames the blocks and decompresses them
/// (`NfcapdBlockFramer`), a few blocks ahead of the decoding thread, so that decompressing
/// block n+1 overlaps decoding block n, as nfdump's reader thread does.
///
/// Memory: at most `bufferCount` decompressed blocks exist at once (the one being
/// decompressed, those waiting, the one being decoded); a block's buffer is reused once it
/// is decoded (`recycle`). Steps waiting are bounded by `stepCapacity`.
///
/// What the decoding thread sees (`next()`), in file order: each unit, the end of each
/// chunk with the bytes its rejects quote (`RejectQuotes`), an error where the reading
/// stopped, the end of the input, the units `finish` gives, then the end. Call `stop()`
/// before the chunks are used elsewhere: it ends the thread early if needed and waits for it.
final class NfcapdBlocksAhead: @unchecked Sendable {
    enum Step {
        /// A unit to decode (its buffer goes back with `recycle`).
        case unit(NfcapdUnit)
        /// The units of one chunk were all sent; their rejects quote these bytes.
        case chunkEnd(RejectQuotes)
        /// Reading stopped at this error (from the chunks or the framer) after the units
        /// before it; the units sent in the chunk so far quote these bytes.
        case failed(any Error, RejectQuotes)
        /// Every chunk was framed; the units of the framer's `finish` follow.
        case inputEnd
        /// Nothing follows.
        case end
    }

    /// Decompressed blocks that may exist at once.
    static let bufferCount = 3
    /// Steps that may wait for the decoding thread.
    static let stepCapacity = 8

    private let steps = BlockQueue<Step>(capacity: NfcapdBlocksAhead.stepCapacity)
    private let buffers = BlockQueue<NfcapdBlockBuffer>(capacity: NfcapdBlocksAhead.bufferCount)
    private let done = DispatchSemaphore(value: 0)
    private var stopped = false

    /// Starts the thread on `chunks`, which it uses alone until `stop()` returns.
    init(chunks: PeekedChunks) {
        for _ in 0..<Self.bufferCount { buffers.push(NfcapdBlockBuffer()) }
        let thread = Thread { [self] in
            frame(chunks)
            done.signal()
        }
        thread.name = "floe-nfcapd-blocks"
        thread.start()
    }

    /// The next step, waiting for it.
    func next() -> Step {
        steps.pop() ?? .end
    }

    /// Gives a decoded unit's buffer back for another block.
    func recycle(_ unit: NfcapdUnit) {
        if case .block(let block) = unit, let buffer = block.buffer { buffers.push(buffer) }
    }

    /// Ends the thread (at once if it is still reading) and waits for it. Safe to call again.
    func stop() {
        guard !stopped else { return }
        stopped = true
        steps.close()
        buffers.close()
        done.wait()
    }

    /// The thread's work: every chunk through the framer, each unit sent as a step.
    private func frame(_ chunks: PeekedChunks) {
        var framer = NfcapdBlockFramer()
        let buffers = self.buffers
        framer.bufferSupply = { buffers.pop() }
        var quotes = RejectQuotes()
        do {
            while let chunk = try chunks.next() {
                let window = chunk.bytes
                let windowOffset = chunk.offset
                quotes = RejectQuotes()
                do {
                    try framer.feed(window) { unit in
                        if case .block(let block) = unit {
                            quotes.keep(unitAt: block.offset, window: window, windowOffset: windowOffset)
                        }
                        try send(.unit(unit))
                    }
                } catch is CancellationError {
                    return
                }
                try send(.chunkEnd(quotes))
                quotes = RejectQuotes()
            }
            try send(.inputEnd)
            try framer.finish { try send(.unit($0)) }
            try send(.end)
        } catch is CancellationError {
            return
        } catch {
            try? send(.failed(error, quotes))
        }
    }

    /// Queues `step`; throws `CancellationError` once the decoding side stopped.
    private func send(_ step: Step) throws {
        guard !steps.isClosed else { throw CancellationError() }
        steps.push(step)
    }
}

/// A compressed nfcapd file decoded behind its reader thread (`NfcapdBlocksAhead`).
struct NfcapdAheadFeed: BinaryFeed {
    let ahead: NfcapdBlocksAhead

    mutating func feedNext(_ reader: inout NfcapdReader, into rows: FlowBatchBuilder, collect: () -> Void,
                           drain: (inout NfcapdReader, (Int64) -> UnsafeRawBufferPointer?) -> Void) throws -> Bool {
        while true {
            switch ahead.next() {
            case .unit(let unit):
                reader.decode(unit, into: rows)
                ahead.recycle(unit)
            case .chunkEnd(let quotes):
                collect()
                quotes.withLookup { lookup in drain(&reader) { lookup.quote(at: $0) } }
                return true
            case .failed(let error, let quotes):
                collect()
                quotes.withLookup { lookup in drain(&reader) { lookup.quote(at: $0) } }
                throw error
            case .inputEnd, .end:
                return false
            }
        }
    }

    mutating func finish(_ reader: inout NfcapdReader, into rows: FlowBatchBuilder) throws {
        while true {
            switch ahead.next() {
            case .unit(let unit):
                reader.decode(unit, into: rows)
                ahead.recycle(unit)
            case .failed(let error, _):
                throw error
            case .chunkEnd, .inputEnd, .end:
                return
            }
        }
    }
}
