import FlowCore
import FlowFormats
import FlowIO
import Foundation
import Testing
@testable import FlowIngest
import FlowTestSupport

/// Compressed nfcapd files read with their blocks framed and decompressed on the reader
/// thread (`NfcapdBlocksAhead`, a file ingested on its own) give exactly what decoding on
/// one thread gives (a small file ingested among others, `readOnCallingThread`): the same
/// Arrow bytes, quarantine lines (offsets, details, quoted bytes) and counts, also for a
/// damaged block in the middle and for a block header that loses the framing.
@Suite struct IngestNfcapdAheadTests {
    /// The nfcapd-none fixture as an LZ4 file of blocks of 5 records (13 data blocks and the
    /// appendix), every fourth block stored uncompressed.
    static func lz4File() -> [UInt8] {
        NfcapdTestFile.lz4(IngestBinaryTests.fixture("nfcapd-none.nfcapd"), recordsPerBlock: 5, storedEvery: 4)
    }

    /// Ingests the file `input` into `output`: on its own (blocks ahead) or among small
    /// files (one thread). Returns the manifest's input and the output folder's files.
    static func ingestOnce(_ input: String, into output: String, ahead: Bool, chunkBytes: Int) throws -> (InputReport, [String: [UInt8]]) {
        var options = IngestOptions()
        options.chunkBytes = chunkBytes
        options.batchRows = 16
        options.toolVersion = "test"
        var engine = IngestEngine(options: options, outputDirectory: output)
        engine.concurrentSmallFiles = !ahead
        let manifest = try engine.run(inputs: [input])
        var files: [String: [UInt8]] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: output) where name != "manifest.json" {
            files[name] = readBytes(output + "/" + name)
        }
        return (try #require(manifest.inputs.first), files)
    }

    /// Both ways of reading `bytes` (as `dir/in.nfcapd`) must agree; returns what the read
    /// ahead gave and its output folder.
    static func bothWays(_ bytes: [UInt8], _ name: String, chunkBytes: Int) throws -> (InputReport, [String: [UInt8]], String) {
        let dir = temporaryFolder(name)
        writeFile(dir + "/in.nfcapd", bytes)
        let (ahead, aheadFiles) = try ingestOnce(dir + "/in.nfcapd", into: dir + "/ahead", ahead: true, chunkBytes: chunkBytes)
        let (inline, inlineFiles) = try ingestOnce(dir + "/in.nfcapd", into: dir + "/inline", ahead: false, chunkBytes: chunkBytes)
        #expect(ahead.status == inline.status)
        #expect(ahead.error == inline.error)
        #expect(ahead.counts == inline.counts)
        #expect(ahead.nfcapd == inline.nfcapd)
        #expect(ahead.fingerprint == inline.fingerprint)
        #expect(aheadFiles.keys.sorted() == inlineFiles.keys.sorted())
        for (file, content) in aheadFiles {
            #expect(content == inlineFiles[file], "\(file) differs")
        }
        return (ahead, aheadFiles, dir + "/ahead")
    }

    @Test(arguments: [97, 1000, 1 << 20])
    func aheadGivesTheSameOutputs(chunkBytes: Int) throws {
        let file = Self.lz4File()
        #expect(NfcapdTestFile.blocks(file).blocks.count == 14)
        let (input, files, dir) = try Self.bothWays(file, "ahead\(chunkBytes)", chunkBytes: chunkBytes)
        #expect(input.status == .ok, "\(input.error ?? "")")
        #expect(input.counts.rowsWritten == 59)
        #expect(input.nfcapd?.compression == "lz4")
        #expect(files.keys.contains { $0.hasSuffix(".arrow") })
        // The same records as the uncompressed fixture.
        let raw = try readRecords(dir, input)
        #expect(raw.records == (try IngestBinaryTests.decodedDirectly(IngestBinaryTests.fixture("nfcapd-none.nfcapd"))))
    }

    /// A block in the middle whose LZ4 data points before its output start: that block's
    /// records are rejected, with the same quarantine line either way (offset, detail and
    /// quoted bytes), and every other block is kept.
    @Test(arguments: [97, 1 << 20])
    func corruptBlockInTheMiddle(chunkBytes: Int) throws {
        var (header, blocks) = NfcapdTestFile.blocks(Self.lz4File())
        blocks[5].payload = [0x10, 65, 9, 0, 0x50] + Array("12345".utf8)
        let bytes = NfcapdTestFile.file(header: header, blocks: blocks, compression: 3)
        let offset = 40 + blocks[0..<5].reduce(0) { $0 + 12 + $1.payload.count }
        let (input, files, _) = try Self.bothWays(bytes, "corrupt\(chunkBytes)", chunkBytes: chunkBytes)
        #expect(input.status == .partial)
        #expect(input.counts.rowsRejected == 5)
        #expect(input.counts.rowsWritten == 54)
        let lines = String(decoding: files["quarantine.jsonl"] ?? [], as: UTF8.self)
        #expect(lines.contains("\"offset\":\(offset)"))
        #expect(lines.contains("nfcapd block does not decompress: LZ4 match offset 9 points before the output start"))
        #expect(lines.contains("raw_hex"))
    }

    /// A block header in the middle whose length loses the framing fails the file with the
    /// error naming the file and that block's offset, either way.
    @Test func lostFramingInTheMiddle() throws {
        var bytes = Self.lz4File()
        let (_, blocks) = NfcapdTestFile.blocks(bytes)
        let offset = 40 + blocks[0..<7].reduce(0) { $0 + 12 + $1.payload.count }
        bytes[offset + 7] = 0x7F
        let (input, _, _) = try Self.bothWays(bytes, "framing", chunkBytes: 1000)
        #expect(input.status == .failed)
        let error = input.error ?? ""
        #expect(error.contains("in.nfcapd"))
        #expect(error.contains("byte \(offset): nfcapd block header says"))
        #expect(error.contains("the file is corrupt from here"))
    }

    /// What the reader thread handed on for a file, decoded as the ingest does.
    struct Drained {
        var batch = FlowBatch()
        var offsets: [Int64] = []
        var buffers = Set<ObjectIdentifier>()
        var chunkEnds = 0
        var ended = false
        var rejected: [RejectReason: Int] = [:]
    }

    /// Runs `NfcapdBlocksAhead` over `file` read in chunks of `chunkSize` bytes and decodes
    /// every unit it hands on.
    static func drainAhead(_ file: [UInt8], _ name: String, chunkSize: Int) throws -> Drained {
        let dir = temporaryFolder(name)
        writeFile(dir + "/in.nfcapd", file)
        let reader = ChunkReader(input: try openInput(path: dir + "/in.nfcapd"), chunkSize: chunkSize, chunkCount: 3)
        let ahead = NfcapdBlocksAhead(chunks: try PeekedChunks(reader: reader))
        defer { ahead.stop() }
        var decoder = NfcapdReader()
        let rows = FlowBatchBuilder(capacity: 16)
        var out = Drained()
        while !out.ended {
            switch ahead.next() {
            case .unit(let unit):
                if case .block(let block) = unit {
                    out.offsets.append(block.offset)
                    if block.type == 3 { out.buffers.insert(ObjectIdentifier(try #require(block.buffer))) }
                }
                decoder.decode(unit, into: rows)
                rows.drain(into: &out.batch)
                ahead.recycle(unit)
            case .chunkEnd: out.chunkEnds += 1
            case .inputEnd: continue
            case .failed(let error, _): throw error
            case .end: out.ended = true
            }
        }
        out.rejected = decoder.report.rejectedRecords
        return out
    }

    /// The reader thread hands on every unit in file order, the end of every chunk, then
    /// the end; it never has more than `bufferCount` block buffers (each reused once its
    /// block is decoded), and every data block's payload stays valid after its chunk is
    /// gone (the same records as decoding on one thread).
    @Test func readerThreadKeepsOrderAndBoundsBuffers() throws {
        let file = Self.lz4File()
        let d = try Self.drainAhead(file, "blocksAhead", chunkSize: 97)
        #expect(d.chunkEnds == (file.count + 96) / 97)
        #expect(d.offsets.count == 14 && d.offsets == d.offsets.sorted())
        #expect(d.buffers.count <= NfcapdBlocksAhead.bufferCount)
        #expect(d.rejected.isEmpty)
        #expect(d.batch.records == (try IngestBinaryTests.decodedDirectly(IngestBinaryTests.fixture("nfcapd-none.nfcapd"))))
    }

    /// LZO and BZ2 blocks take the same path: the committed fixtures decode on the reader
    /// thread to the records of the uncompressed one.
    @Test(arguments: ["lzo", "bz2", "lz4"])
    func readerThreadDecompressesEveryCompression(_ compression: String) throws {
        let d = try Self.drainAhead(IngestBinaryTests.fixture("nfcapd-\(compression).nfcapd"), "ahead-\(compression)", chunkSize: 211)
        #expect(d.ended && d.rejected.isEmpty && d.offsets.count == 2)
        #expect(d.batch.records == (try IngestBinaryTests.decodedDirectly(IngestBinaryTests.fixture("nfcapd-none.nfcapd"))))
    }

    /// `stop()` returns while the reader thread is blocked: on a full step queue (nothing
    /// taken) or waiting for a block buffer (units taken and not given back), so an ingest
    /// that stops early (an error, a cancelled run) never hangs on its reader thread.
    @Test(arguments: [0, 2])
    func stopReturnsWhileTheReaderThreadIsBlocked(unitsTaken: Int) throws {
        let dir = temporaryFolder("aheadStop\(unitsTaken)")
        writeFile(dir + "/in.nfcapd", Self.lz4File())
        let reader = ChunkReader(input: try openInput(path: dir + "/in.nfcapd"), chunkSize: 97, chunkCount: 3)
        let ahead = NfcapdBlocksAhead(chunks: try PeekedChunks(reader: reader))
        var taken = 0
        while taken < unitsTaken {
            if case .unit = ahead.next() { taken += 1 }  // kept: their buffers are not recycled
        }
        usleep(200_000)  // the thread fills what it can and blocks
        let stopped = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            ahead.stop()
            stopped.signal()
        }
        #expect(stopped.wait(timeout: .now() + 30) == .success, "stop() did not return")
        // What was queued before the stop is still there (the step queue's capacity, and
        // the one step whose push was waiting for room); then the end, nothing more.
        var left = 0
        while !ahead.next().isEnd { left += 1 }
        #expect(left <= NfcapdBlocksAhead.stepCapacity + 1)
    }
}

extension NfcapdBlocksAhead.Step {
    var isEnd: Bool { if case .end = self { true } else { false } }
}
