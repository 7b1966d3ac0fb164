import FlowColumnar
import FlowCore
import FlowIO
import Foundation
import Testing
@testable import FlowIngest
import FlowTestSupport

/// Folders of many small files are ingested two at a time; everything written is what one
/// file at a time writes, in the same order.
@Suite struct IngestManyFilesTests {
    @Test func smallFilesTwoAtATimeWriteWhatOneAtATimeWrites() throws {
        let dir = temporaryFolder()
        try FileManager.default.createDirectory(atPath: dir + "/in", withIntermediateDirectories: true)
        let header = "start,end,src_addr,dst_addr,src_port,dst_port,protocol,packets,bytes\n"
        for f in 0..<37 {
            var text = header
            for i in 0..<(20 + f * 3) {
                text += "2026-11-01T00:\(String(format: "%02d", f % 60)):\(String(format: "%02d", i % 60)).000Z,2026-11-01T01:00:00.000Z,10.0.\(f).1,192.0.2.\(i % 250 + 1),\(1000 + i),443,6,3,180\n"
            }
            if f % 5 == 0 { text += "bad,row\n" }
            writeFile(dir + "/in/part-\(String(format: "%03d", f)).csv", text)
        }
        writeFile(dir + "/in/part-500-notes.csv", "hello,world\n")
        func run(_ folder: String, concurrent: Bool) throws -> IngestManifest {
            var options = IngestOptions()
            options.toolVersion = "test"
            var engine = IngestEngine(options: options, outputDirectory: folder)
            engine.concurrentSmallFiles = concurrent
            return try engine.run(inputs: [dir + "/in", dir + "/missing-*.csv"])
        }
        let one = try run(dir + "/one", concurrent: false)
        let two = try run(dir + "/two", concurrent: true)
        #expect(one.inputs == two.inputs)
        #expect(one.totals == two.totals)
        #expect(two.inputs.count == 39)
        #expect(two.totals.filesFailed == 2)
        #expect(readBytes(dir + "/one/quarantine.jsonl") == readBytes(dir + "/two/quarantine.jsonl"))
        for name in two.inputs.flatMap(\.outputs) {
            #expect(readBytes(dir + "/one/" + name) == readBytes(dir + "/two/" + name), "\(name)")
        }
    }
}

/// Many small files of different kinds in one folder: more than the workers' window ahead
/// of the ordered writer, headers that change from file to file (the per-worker header
/// memory must follow them), gzip and plain, JSON lines, damaged and empty files.
@Suite struct IngestManyMixedFilesTests {
    @Test func mixedSmallFilesWriteWhatOneAtATimeWrites() throws {
        let dir = Self.mixedFolder()
        func run(_ folder: String, concurrent: Bool) throws -> IngestManifest {
            var options = IngestOptions()
            options.toolVersion = "test"
            var engine = IngestEngine(options: options, outputDirectory: folder)
            engine.concurrentSmallFiles = concurrent
            engine.bundleMinFiles = .max  // every file its own output, as one at a time
            return try engine.run(inputs: [dir + "/in"])
        }
        let one = try run(dir + "/one", concurrent: false)
        let many = try run(dir + "/many", concurrent: true)
        #expect(many.inputs.count == 150)
        #expect(one.inputs == many.inputs)
        #expect(one.totals == many.totals)
        #expect(many.totals.counts.rowsWritten > 1000)
        #expect(many.inputs.contains { $0.status == .failed })
        #expect(Set(many.inputs.compactMap(\.format)).count >= 3)
        #expect(readBytes(dir + "/one/quarantine.jsonl") == readBytes(dir + "/many/quarantine.jsonl"))
        for name in many.inputs.flatMap(\.outputs) {
            #expect(readBytes(dir + "/one/" + name) == readBytes(dir + "/many/" + name), "\(name)")
        }
        // Only published outputs, the manifest and the quarantine are left: no temporaries.
        let left = try FileManager.default.contentsOfDirectory(atPath: dir + "/many").filter { $0.hasPrefix(".") && $0.contains(".tmp-") }
        #expect(left.isEmpty)
    }

    /// The same folder with its tiny files bundled: every input keeps its manifest entry
    /// (the same but for where its rows are), its rows (read back by its offset), its
    /// quarantine lines; bundles close at their row limit, offsets follow on, and a rerun
    /// writes the same names. Workers here may hold almost nothing ahead (a 1-byte budget).
    @Test func tinyFilesBundledKeepEveryInputsRowsAndEntry() throws {
        let dir = Self.mixedFolder()
        func run(_ folder: String, concurrent: Bool) throws -> IngestManifest {
            var options = IngestOptions()
            options.toolVersion = "test"
            options.batchRows = 50  // bundles close after 200 rows
            var engine = IngestEngine(options: options, outputDirectory: folder)
            engine.concurrentSmallFiles = concurrent
            engine.lookAheadBytes = 1
            return try engine.run(inputs: [dir + "/in"])
        }
        let one = try run(dir + "/one", concurrent: false)
        let bundled = try run(dir + "/bundled", concurrent: true)
        #expect(bundled.inputs.count == 150)
        #expect(one.totals == bundled.totals)
        #expect(readBytes(dir + "/one/quarantine.jsonl") == readBytes(dir + "/bundled/quarantine.jsonl"))
        var rowsPerBundle: [String: Int64] = [:]
        var lastInputRows: [String: Int64] = [:]
        var bundledInputs = 0
        for (a, b) in zip(one.inputs, bundled.inputs) {
            var same = b
            same.outputs = a.outputs
            same.outputRowOffset = nil
            #expect(a == same)
            #expect(try readRecords(dir + "/one", a) == readRecords(dir + "/bundled", b), "\(a.path)")
            guard let name = b.outputs.first, name.hasPrefix("bundle+") else {
                #expect(b.outputRowOffset == nil)
                continue
            }
            bundledInputs += 1
            // Offsets follow on within a bundle, from 0.
            #expect(b.outputRowOffset == rowsPerBundle[name, default: 0], "\(b.path)")
            rowsPerBundle[name, default: 0] += b.counts.rowsWritten
            lastInputRows[name] = b.counts.rowsWritten
        }
        #expect(bundledInputs >= 100)
        #expect(rowsPerBundle.count >= 3)
        for (name, rows) in rowsPerBundle {
            let reader = try ArrowFileReader(path: dir + "/bundled/" + name)
            var total = 0
            for i in 0..<reader.recordBatchCount { total += try reader.readFlowBatch(at: i).count }
            #expect(Int64(total) == rows, "\(name)")
            // A bundle is closed by the first input that takes it to 200 rows.
            #expect(rows - lastInputRows[name, default: 0] < 200, "\(name)")
        }
        let again = try run(dir + "/bundled", concurrent: true)
        #expect(again.inputs == bundled.inputs)
        let names = Set(try FileManager.default.contentsOfDirectory(atPath: dir + "/bundled"))
        #expect(names == Set(bundled.inputs.flatMap(\.outputs) + ["manifest.json", "quarantine.jsonl", ".floe-writer.lock"]))
    }

    /// 150 small files: runs of equal headers and changes, gzip and plain, JSON lines,
    /// damaged and empty files (in `FOLDER/in`).
    static func mixedFolder() -> String {
        let dir = temporaryFolder()
        try! FileManager.default.createDirectory(atPath: dir + "/in", withIntermediateDirectories: true)
        let headers = [
            "start,end,src_addr,dst_addr,src_port,dst_port,protocol,packets,bytes\n",
            "end,start,dst_addr,src_addr,dst_port,src_port,protocol,bytes,packets\n",
            "ts_start,ts_end,src_ip,dst_ip,src_port,dst_port,proto,packets,bytes,tcp_flags\n",
        ]
        let zeek = try! generated(.zeekConnJSON, rows: 1000, seed: 3).bytes
        let gzipped = try! generated(.nfdumpCSV, rows: 1000, seed: 4, gzip: true).bytes
        for f in 0..<150 {
            let name = dir + "/in/part-\(String(format: "%04d", f))"
            switch f % 10 {
            case 7: writeFile(name + ".json", zeek)
            case 8: writeFile(name + ".csv.gz", gzipped)
            case 9 where f % 20 == 9: writeFile(name + ".csv", "")
            default:
                // Runs of equal headers, then a change: 0-3 the first, 4-5 the second, 6 and 9 the third.
                let h = f % 10 < 4 ? 0 : (f % 10 < 6 ? 1 : 2)
                var text = headers[h]
                for i in 0..<(5 + f % 13) {
                    let a = "2026-11-01T00:\(String(format: "%02d", f % 60)):\(String(format: "%02d", i % 60)).000Z"
                    let b = "2026-11-01T01:00:00.000Z"
                    switch h {
                    case 0: text += "\(a),\(b),10.0.\(f).1,192.0.2.\(i + 1),\(1000 + i),443,6,3,180\n"
                    case 1: text += "\(b),\(a),192.0.2.\(i + 1),10.0.\(f).1,443,\(1000 + i),17,180,3\n"
                    default: text += "\(a),\(b),10.1.\(f).1,198.51.100.\(i + 1),\(2000 + i),53,6,2,120,S\n"
                    }
                }
                if f % 6 == 0 { text += "bad,row\n" }
                writeFile(name + ".csv", text)
            }
        }
        return dir
    }

    @Test func workersStayWithinTheirByteBudget() throws {
        let results = OrderedResults<Int>(count: 10, budget: 1000)
        #expect(results.claimNext() == 0)
        #expect(results.claimNext() == 1)
        // Result 1 holds the whole budget while 0 is still being worked on.
        results.set(1, 1, bytes: 1000)
        let third = ClaimedIndex()
        let waiter = Thread { third.set(results.claimNext()) }
        waiter.start()
        usleep(50_000)
        #expect(third.value == nil)
        results.set(0, 0, bytes: 10)
        #expect(results.take(0) == 0)
        usleep(50_000)
        // Still 1000 bytes held (result 1): no third file is started.
        #expect(third.value == nil)
        #expect(results.peakHeldBytes == 1010)
        #expect(results.take(1) == 1)
        var waited = 0
        while third.value == nil && waited < 200 { usleep(10_000); waited += 1 }
        #expect(third.value == 2)
        results.stop()
        #expect(results.claimNext() == nil)
    }
}

/// An index a thread claimed, read from another.
final class ClaimedIndex: @unchecked Sendable {
    private let lock = NSLock()
    private var index: Int?
    func set(_ value: Int?) { lock.lock(); index = value ?? -1; lock.unlock() }
    var value: Int? { lock.lock(); defer { lock.unlock() }; return index }
}
