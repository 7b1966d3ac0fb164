import Foundation
import Testing
@testable import FlowIO

@Suite struct ChunkReaderTests {
    /// Reads everything, checking indices and offsets; returns the bytes.
    static func collect(_ reader: ChunkReader) throws -> [UInt8] {
        var result: [UInt8] = []
        var expectedIndex = 0
        while let chunk = try reader.next() {
            #expect(chunk.index == expectedIndex)
            #expect(chunk.offset == Int64(result.count))
            #expect(chunk.bytes.count > 0 && chunk.bytes.count <= reader.chunkSize)
            result += chunk.bytes
            expectedIndex += 1
        }
        return result
    }

    @Test(arguments: [(1, 2), (7, 2), (7, 3), (4096, 3), (1 << 20, 2)], [false, true])
    func deliversAllBytesInOrder(sizes: (chunkSize: Int, chunkCount: Int), onCallingThread: Bool) throws {
        let (chunkSize, chunkCount) = sizes
        let content = sampleText(lines: chunkSize < 100 ? 200 : 30_000)
        let reader = ChunkReader(source: MemorySource(content, maxRead: 5), chunkSize: chunkSize, chunkCount: chunkCount,
                                 onCallingThread: onCallingThread)
        #expect(same(try Self.collect(reader), content))
        #expect(try reader.next() == nil)
        #expect(reader.summary == .init(fingerprint: Fingerprint(xxh64: XXH64.hash(content)),
                                         rawBytes: Int64(content.count), contentBytes: Int64(content.count)))
    }

    @Test func fullChunksExceptTheLast() throws {
        let content = noiseBytes(count: 10_001)
        let reader = ChunkReader(source: MemorySource(content, maxRead: 3), chunkSize: 1000)
        var sizes: [Int] = []
        while let chunk = try reader.next() { sizes.append(chunk.bytes.count) }
        #expect(sizes == Array(repeating: 1000, count: 10) + [1])
    }

    @Test func readsGzipFileWithFingerprintOfCompressedBytes() throws {
        let folder = try TemporaryFolder()
        let content = sampleText(lines: 40_000)
        let compressed = try GzipEncoder().member(content) + GzipEncoder().member(content)
        let path = try folder.write("in.gz", compressed)
        let reader = ChunkReader(input: try openInput(path: path), chunkSize: 64 * 1024)
        #expect(same(try Self.collect(reader), content + content))
        let summary = try #require(reader.summary)
        #expect(summary.fingerprint == Fingerprint(xxh64: XXH64.hash(compressed)))
        #expect(summary.rawBytes == Int64(compressed.count))
        #expect(summary.contentBytes == Int64(2 * content.count))
    }

    @Test func emptyInputGivesNoChunks() throws {
        let reader = ChunkReader(source: MemorySource([]), chunkSize: 16)
        #expect(try reader.next() == nil)
        #expect(reader.summary?.contentBytes == 0)
    }

    @Test(arguments: [false, true])
    func errorComesAfterPrecedingChunks(onCallingThread: Bool) throws {
        let content = sampleText(lines: 2000)
        let compressed = try GzipEncoder().member(content)
        let cut = Array(compressed.dropLast(4))
        let source = try GzipByteSource(raw: MemorySource(cut), path: "cut.gz")
        let reader = ChunkReader(source: source, chunkSize: 1000, chunkCount: 2, onCallingThread: onCallingThread)
        var received: [UInt8] = []
        var caught: FlowIOError?
        do {
            while let chunk = try reader.next() { received += chunk.bytes }
        } catch let error as FlowIOError {
            caught = error
        }
        #expect(caught == .gzipTruncated(path: "cut.gz", offset: Int64(cut.count), memberOffset: 0, part: .trailer))
        // Everything was inflated before the trailer turned out to be short.
        let receivedEverything = received == content
        #expect(receivedEverything)
        #expect(reader.summary == nil)
        // The error stays.
        #expect(flowIOError({ _ = try reader.next() }) == caught)
    }

    @Test func abandoningEarlyStopsTheThread() throws {
        weak var weakSource: MemorySource?
        do {
            let source = MemorySource(noiseBytes(count: 200_000), maxRead: 100)
            weakSource = source
            let reader = ChunkReader(source: source, chunkSize: 100, chunkCount: 2)
            guard let first = try reader.next() else {
                Issue.record("expected a first chunk")
                return
            }
            #expect(first.index == 0)
            // The reader goes away while a chunk is still held; the chunk stays valid.
            _ = reader
            let copy = Array(first.bytes)
            #expect(copy.count == 100)
            first.release()
        }
        // The producer thread dropped the source when it exited.
        var waited = 0
        while weakSource != nil && waited < 500 {
            usleep(10_000)
            waited += 1
        }
        #expect(weakSource == nil)
    }

    @Test func cancelWhileProducerWaitsForBuffers() throws {
        let reader = ChunkReader(source: MemorySource(noiseBytes(count: 100_000)), chunkSize: 10, chunkCount: 2)
        guard let a = try reader.next(), let b = try reader.next() else {
            Issue.record("expected two chunks")
            return
        }
        // Both buffers are held: asking for a third must fail, not hang.
        #expect(flowIOError({ _ = try reader.next() }) == .allChunksHeld(count: 2))
        reader.cancel()
        reader.cancel()
        #expect(try reader.next() == nil)
        #expect(a.index == 0 && b.index == 1)
        a.release()
        b.release()
    }

    @Test func onCallingThreadReadsOnlyWhenAsked() throws {
        let source = MemorySource(noiseBytes(count: 1000), maxRead: 1000)
        let reader = ChunkReader(source: source, chunkSize: 100, chunkCount: 2, onCallingThread: true)
        // Nothing is read before the first next(), and each next() reads one chunk.
        #expect(source.rawBytesConsumed == 0)
        guard let a = try reader.next(), let b = try reader.next() else {
            Issue.record("expected two chunks")
            return
        }
        #expect(source.rawBytesConsumed == 200)
        // Both buffers are held: a third chunk must fail at once, not wait for a thread.
        #expect(flowIOError({ _ = try reader.next() }) == .allChunksHeld(count: 2))
        #expect(a.index == 0 && b.index == 1)
        a.release()
        #expect(try reader.next()?.index == 2)
        b.release()
        reader.cancel()
        #expect(try reader.next() == nil)
    }

    @Test func releasedChunksAreReused() throws {
        let content = noiseBytes(count: 50_000)
        let reader = ChunkReader(source: MemorySource(content), chunkSize: 100, chunkCount: 2)
        var addresses = Set<UnsafeRawPointer>()
        var total = 0
        while let chunk = try reader.next() {
            addresses.insert(chunk.bytes.baseAddress!)
            total += chunk.bytes.count
        }
        #expect(total == content.count)
        #expect(addresses.count <= 2)
    }
}
