import Foundation
import Testing
@testable import FlowPipeline

/// gen → ingest → clean, and ref → enrich (which also reads clean's output).
let demoPipeline = """
version: 1
settings:
  timezone: UTC
vars:
  root: ${ROOT}
stages:
  gen:
    run: fake-copy
    inputs: "{root}/seed.txt"
    outputs: "{root}/data/source.txt"
    params: {tag: "rows=ROWS", output: "{outputs}"}
    args: ["{inputs}"]
  ingest:
    run: fake-copy
    inputs: "{root}/data/source.txt"
    outputs: "{root}/data/raw"
    params: {dir: true, output: "{outputs}"}
    args: ["{inputs}"]
  clean:
    run: fake-copy
    inputs: "{root}/data/raw"
    outputs: "{root}/data/clean.txt"
    params: {output: "{outputs}"}
    args: ["{inputs}"]
  ref:
    run: fake-copy
    inputs: "{root}/ref/networks.txt"
    outputs: "{root}/data/ref.txt"
    params: {output: "{outputs}"}
    args: ["{inputs}"]
  enrich:
    run: fake-copy
    inputs: ["{root}/data/clean.txt", "{root}/data/ref.txt"]
    outputs: "{root}/data/enriched.txt"
    params: {output: "{outputs}"}
    args: ["{inputs}"]
"""

func demo(rows: Int = 10) -> String { demoPipeline.replacingOccurrences(of: "ROWS", with: String(rows)) }

@Suite struct PipelineRunnerTests {
    func prepared() throws -> Workspace {
        let ws = try Workspace()
        try ws.write("seed.txt", "seed\n")
        try ws.write("ref/networks.txt", "10.0.0.0/8\n")
        return ws
    }

    @Test func demoRunsThenSecondRunSkipsEverything() throws {
        let ws = try prepared()
        let first = try ws.run(demo())
        #expect(first.exitCode == 0)
        #expect(first.count(.ran) == 5)
        #expect(ws.takeCalls() == ["clean", "enrich", "gen", "ingest", "ref"])
        #expect(ws.read("data/enriched.txt") == "seed\nrows=10\n\n\n10.0.0.0/8\n\n\n")
        #expect(first.line.hasPrefix("floe run: 5 stages, 5 ran, 0 skipped, 0 failed in "))
        // Log files and run record.
        #expect(ws.read("state/logs/\(first.runID)/gen.log")?.contains("stage gen date none") == true)
        #expect(ws.read("state/logs/\(first.runID)/run.json")?.contains("\"status\" : \"ran\"") == true)
        #expect(ws.read("state/floe.lock.json")?.contains("\"ingest\"") == true)

        let second = try ws.run(demo())
        #expect(second.exitCode == 0)
        #expect(second.count(.skipped) == 5)
        #expect(ws.takeCalls() == [])
        #expect(second.line.hasPrefix("floe run: 5 stages, 0 ran, 5 skipped, 0 failed in "))
    }

    @Test func changingOneInputRerunsExactlyItsDownstream() throws {
        let ws = try prepared()
        _ = try ws.run(demo())
        _ = ws.takeCalls()
        try ws.write("ref/networks.txt", "10.0.0.0/8\n192.168.0.0/16\n")
        let decisions = try ws.runner(demo()).explain()
        let running = decisions.filter(\.willRun).map(\.task.id)
        #expect(running == ["ref", "enrich"])
        let refReasons = try #require(decisions.first { $0.task.id == "ref" }?.reasons)
        #expect(refReasons.count == 1)
        #expect(refReasons[0].hasPrefix("input \(ws.root)/ref/networks.txt changed (xxh64:"))
        #expect(decisions.first { $0.task.id == "enrich" }?.reasons.first == "upstream stage ref will run")

        let summary = try ws.run(demo())
        #expect(summary.count(.ran) == 2)
        #expect(ws.takeCalls() == ["enrich", "ref"])
        // Rewriting a file with the same content changes nothing (content hashes).
        try ws.write("ref/networks.txt", "10.0.0.0/8\n192.168.0.0/16\n")
        #expect(try ws.run(demo()).count(.ran) == 0)
    }

    @Test func changingOneParamRerunsFromThatStage() throws {
        let ws = try prepared()
        _ = try ws.run(demo(rows: 10))
        _ = ws.takeCalls()
        let decisions = try ws.runner(demo(rows: 20)).explain()
        #expect(decisions.first { $0.task.id == "gen" }?.reasons == ["param tag changed: rows=10 → rows=20"])
        let summary = try ws.run(demo(rows: 20))
        #expect(summary.exitCode == 0)
        #expect(ws.takeCalls() == ["clean", "enrich", "gen", "ingest"])
        #expect(summary.results.first { $0.task.id == "ingest" }?.reasons.first?.hasPrefix("input \(ws.root)/data/source.txt changed") == true)
    }

    @Test func missingOutputAndForceAndSelectionRerun() throws {
        let ws = try prepared()
        _ = try ws.run(demo())
        _ = ws.takeCalls()
        try FileManager.default.removeItem(atPath: ws.root + "/data/ref.txt")
        let decisions = try ws.runner(demo()).explain()
        #expect(decisions.first { $0.task.id == "ref" }?.reasons == ["output missing: \(ws.root)/data/ref.txt"])
        _ = try ws.run(demo())
        #expect(ws.takeCalls() == ["ref"])   // same content again, so enrich stays up to date

        _ = try ws.run(demo()) { $0.only = ["clean"]; $0.force = true }
        #expect(ws.takeCalls() == ["clean"])
        _ = try ws.run(demo()) { $0.fromStage = "ingest"; $0.force = true }
        #expect(ws.takeCalls() == ["clean", "enrich", "ingest"])
        #expect(throws: PipelineError.self) { try ws.runner(demo()) { $0.only = ["nope"] } }
    }

    /// Inputs are found by FlowIO's `InputDiscovery`: `**` reaches any depth, folders are
    /// walked without hidden entries, an empty folder is no error, and `{inputs}` keeps the
    /// folder as written.
    @Test func inputDiscoveryFollowsFlowIO() throws {
        let ws = try Workspace()
        try ws.write("in/a/x.csv", "x\n")
        try ws.write("in/a/b/y.csv", "y\n")
        try FileManager.default.createDirectory(atPath: ws.root + "/empty", withIntermediateDirectories: true)
        let yaml = """
        version: 1
        vars:
          root: ${ROOT}
        stages:
          deep:
            run: fake-copy
            inputs: ["{root}/in/**/*.csv", "{root}/empty"]
            outputs: "{root}/out/deep.txt"
            params: {output: "{outputs}"}
          folder:
            run: fake-copy
            inputs: "{root}/in/a"
            outputs: "{root}/out/folder.txt"
            params: {output: "{outputs}"}
            args: ["{inputs}"]
        """
        let first = try ws.run(yaml)
        #expect(first.exitCode == 0)
        #expect(first.count(.ran) == 2)
        let state = try PipelineState.load(path: ws.root + "/state/floe.lock.json", pipeline: "p")
        let files = ["\(ws.root)/in/a/b/y.csv", "\(ws.root)/in/a/x.csv"]
        #expect(state.entries["deep"]?.inputs.keys.sorted() == files)
        #expect(state.entries["folder"]?.inputs.keys.sorted() == files)
        #expect(state.entries["folder"]?.command.last == "\(ws.root)/in/a")
        // A hidden file (say, a writer's temporary) in an input folder changes nothing.
        try ws.write("in/a/.x.csv.tmp-1", "partial")
        #expect(try ws.run(yaml).count(.skipped) == 2)
    }

    @Test func concurrentRunIsRefusedWithLockError() throws {
        let ws = try prepared()
        try FileManager.default.createDirectory(atPath: ws.root + "/state", withIntermediateDirectories: true)
        let held = try RunLock.acquire(path: ws.root + "/state/run.lock")
        do {
            _ = try ws.run(demo())
            Issue.record("the second run was not refused")
        } catch let error as PipelineError {
            guard case .locked(_, let holder) = error else { Issue.record("unexpected \(error)"); return }
            #expect(holder.contains("pid \(getpid())"))
        }
        #expect(ws.takeCalls() == [])
        held.release()
        #expect(try ws.run(demo()).exitCode == 0)
        #expect(!FileManager.default.fileExists(atPath: ws.root + "/state/run.lock"))
    }

    @Test func staleLockIsTakenOver() throws {
        let ws = try prepared()
        // A pid that existed and is gone: a finished child.
        let child = Process()
        child.executableURL = URL(fileURLWithPath: "/bin/true")
        try child.run()
        child.waitUntilExit()
        let dead = child.processIdentifier
        try ws.write("state/run.lock", "\(dead) \(LockHolder.hostName()) 12345 2024-01-01T00:00:00Z\n")
        let summary = try ws.run(demo())
        #expect(summary.exitCode == 0)
        #expect(summary.count(.ran) == 5)
        #expect(!FileManager.default.fileExists(atPath: ws.root + "/state/run.lock"))
    }

    @Test func liveLockFromThisProcessIsNotStale() throws {
        let holder = LockHolder.current()
        #expect(holder.isAlive)
        #expect(LockHolder(text: holder.text)?.pid == getpid())
    }
}

let backfillPipeline = """
version: 1
vars:
  root: ${ROOT}
stages:
  ingest:
    run: fake-copy
    for_each: date
    inputs: "{root}/archive/{date}/*.csv"
    outputs: "{root}/raw/{date}"
    params: {dir: true, fail-on: "FAILDAY", output: "{outputs}"}
    args: ["{inputs}"]
  clean:
    run: fake-copy
    for_each: date
    inputs: "{root}/raw/{date}"
    outputs: "{root}/flows/{date}.txt"
    params: {output: "{outputs}"}
    args: ["{inputs}"]
  summary:
    run: fake-copy
    inputs: "{root}/flows"
    outputs: "{root}/summary-{from}-{to}.txt"
    params: {output: "{outputs}"}
    args: ["{inputs}"]
"""

@Suite struct BackfillTests {
    @Test func failingDayDoesNotStopTheOthersAndIsReported() throws {
        let ws = try Workspace()
        for day in 1...4 { try ws.write("archive/2024-01-0\(day)/a.csv", "day \(day)\n") }
        let yaml = backfillPipeline.replacingOccurrences(of: "FAILDAY", with: "2024-01-03")
        let dates = try DateSelection.resolve(date: nil, from: "2024-01-01", to: "2024-01-04")
        let summary = try ws.run(yaml) { $0.dates = dates }
        #expect(summary.exitCode == 1)
        #expect(summary.results.count == 9)
        #expect(ws.takeCalls() == ["clean 2024-01-01", "clean 2024-01-02", "clean 2024-01-04",
                                   "ingest 2024-01-01", "ingest 2024-01-02", "ingest 2024-01-04"])
        #expect(summary.results.filter { $0.status == .failed }.map(\.task.id) == ["ingest@2024-01-03"])
        #expect(Set(summary.results.filter { $0.status == .blocked }.map(\.task.id)) == ["clean@2024-01-03", "summary"])
        #expect(summary.line.contains("3 stages (9 tasks), 6 ran, 0 skipped, 1 failed, 2 blocked"))
        #expect(summary.line.hasSuffix("; failed: ingest@2024-01-03"))
        #expect(ws.read("state/logs/\(summary.runID)/ingest-2024-01-03.log")?.contains("boom on 2024-01-03") == true)
        #expect(ws.err.all.contains { $0.hasPrefix("FAILED  ingest@2024-01-03: exit 3") && $0.contains("| boom on 2024-01-03") })

        // Fixed: the rerun does only the failed day and what depends on it.
        let fixed = backfillPipeline.replacingOccurrences(of: "FAILDAY", with: "never")
        let explain = try ws.runner(fixed) { $0.dates = dates }.explain()
        #expect(explain.first { $0.task.id == "ingest@2024-01-01" }?.reasons == ["param fail-on changed: 2024-01-03 → never"])
        let rerun = try ws.run(fixed) { $0.dates = dates; $0.only = ["ingest"] }
        #expect(rerun.count(.ran) == 4)
        _ = ws.takeCalls()
        let finish = try ws.run(fixed) { $0.dates = dates }
        #expect(finish.exitCode == 0)
        #expect(ws.takeCalls() == ["clean 2024-01-03", "summary"])
        #expect(ws.read("summary-2024-01-01-2024-01-04.txt") != nil)
    }

    @Test func missingArchiveDayFailsOnlyThatDay() throws {
        let ws = try Workspace()
        try ws.write("archive/2024-01-01/a.csv", "x\n")
        let yaml = backfillPipeline.replacingOccurrences(of: "FAILDAY", with: "never")
        let summary = try ws.run(yaml) {
            $0.dates = try? DateSelection.resolve(date: nil, from: "2024-01-01", to: "2024-01-02")
            $0.only = ["ingest"]
        }
        #expect(summary.count(.ran) == 1)
        let failed = try #require(summary.results.first { $0.status == .failed })
        #expect(failed.task.id == "ingest@2024-01-02")
        #expect(failed.failure == "input '\(ws.root)/archive/2024-01-02/*.csv' matches no file and no stage produces it")
    }

    @Test func partitionedStageNeedsDates() throws {
        let ws = try Workspace()
        #expect(throws: PipelineError.self) { try ws.runner(backfillPipeline) }
    }
}

@Suite struct CrashRecoveryTests {
    /// The stage process reports through the file named by FLOE_PROGRESS; the progress
    /// line shows its rows, rate and share done, and the file is gone after the task.
    @Test func progressLineShowsWhatTheStageReports() throws {
        let ws = try Workspace()
        try ws.write("seed.txt", "seed\n")
        try ws.script("fake-progress", """
        if [ "$1" = "--version" ]; then echo "fake-progress 1.0"; exit 0; fi
        [ -n "$FLOE_PROGRESS" ] || { echo "no FLOE_PROGRESS" >&2; exit 9; }
        printf '{"rows":3000000,"done":60,"total":100,"unit":"rows"}' > "$FLOE_PROGRESS"
        sleep 3
        mkdir -p "$(dirname "$2")"
        echo done > "$2"
        """)
        let yaml = """
        version: 1
        vars:
          root: ${ROOT}
        stages:
          slow:
            run: fake-progress
            inputs: "{root}/seed.txt"
            outputs: "{root}/data/slow.txt"
            args: ["--output", "{outputs}"]
        """
        let summary = try ws.run(yaml) { $0.progress = true }
        #expect(summary.exitCode == 0)
        let drawn = ws.err.all.filter { $0.hasPrefix("\r\u{1B}[K[0/1]") }
        #expect(drawn.contains { $0.contains("slow ") && $0.contains("3.00 M rows") && $0.contains("rows/s 60%") && $0.contains("ETA") })
        let logs = try FileManager.default.contentsOfDirectory(atPath: ws.root + "/state/logs/\(summary.runID)")
        #expect(!logs.contains { $0.hasSuffix(".progress") })
    }

    /// A stage killed by SIGKILL leaves no state entry: the next run redoes it and the
    /// stages after it, and ends with the same outputs as an undisturbed run.
    @Test func killedStageIsRedoneOnTheNextRun() throws {
        let ws = try Workspace()
        try ws.write("seed.txt", "seed\n")
        try ws.write("ref/networks.txt", "10.0.0.0/8\n")
        try ws.script("fake-crash", """
        if [ "$1" = "--version" ]; then echo "fake-crash 1"; exit 0; fi
        if [ ! -f "\(ws.root)/crashed-once" ]; then : > "\(ws.root)/crashed-once"; kill -9 $$; fi
        exec "\(ws.root)/bin/fake-copy" "$@"
        """)
        let yaml = demo().replacingOccurrences(of: "  clean:\n    run: fake-copy", with: "  clean:\n    run: fake-crash")
        let first = try ws.run(yaml)
        #expect(first.exitCode == 1)
        let clean = try #require(first.results.first { $0.task.id == "clean" })
        #expect(clean.status == .failed)
        #expect(clean.failure?.hasPrefix("killed by signal 9") == true)
        #expect(first.results.first { $0.task.id == "enrich" }?.status == .blocked)
        _ = ws.takeCalls()

        let second = try ws.run(yaml)
        #expect(second.exitCode == 0)
        #expect(ws.takeCalls() == ["clean", "enrich"])
        let reference = try Workspace()
        try reference.write("seed.txt", "seed\n")
        try reference.write("ref/networks.txt", "10.0.0.0/8\n")
        _ = try reference.run(demo())
        #expect(ws.read("data/enriched.txt") == reference.read("data/enriched.txt"))
    }
}
