import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Publishes many small finished files on its own thread, in the order they were added,
/// as group commits: each time the thread wakes it takes every file queued since its last
/// round and publishes them at once (`AtomicFile.publishGroup`: one `syncfs`, the renames,
/// one folder fsync). The slower a sync, the more files the next one covers, and the
/// threads producing the files never wait for a sync unless `capacity` items are pending.
///
/// Each item carries tags (what the caller records once its file is published: one per
/// input, and a file shared by several inputs carries all of theirs); an item without a
/// file passes in order like the others. Use from one thread.
public final class GroupPublisher<Tag>: @unchecked Sendable {
    /// A finished, unsynced temporary file and the path it is published as.
    public typealias File = (temporary: String, path: String)

    private let folder: String
    private let capacity: Int
    private let condition = NSCondition()
    private var queued: [(file: File?, tags: [Tag])] = []
    /// Items taken by the thread and not yet published.
    private var inFlight = 0
    private var published: [Tag] = []
    private var failure: Error?
    private var closed = false
    private var running = true

    /// Starts the publishing thread for files in `folder`; at most `capacity` items wait
    /// for it (queued or being published).
    public init(folder: String, capacity: Int) {
        self.folder = folder
        self.capacity = max(1, capacity)
        let thread = Thread { [self] in run() }
        thread.name = "floe-publisher"
        thread.start()
    }

    /// Queues an item (waiting while `capacity` items are pending). Throws the error of an
    /// earlier publication; the item's file is then removed.
    public func add(_ file: File?, tag: Tag) throws {
        try add(file, tags: [tag])
    }

    /// Queues an item whose file (if any) holds the output of every tag in `tags`; they are
    /// published together, in order.
    public func add(_ file: File?, tags: [Tag]) throws {
        condition.lock()
        defer { condition.unlock() }
        while failure == nil && queued.count + inFlight >= capacity { condition.wait() }
        if let failure {
            if let file { unlink(file.temporary) }
            throw failure
        }
        queued.append((file, tags))
        condition.broadcast()
    }

    /// The tags of the items published since the last call, in order. Throws the error of
    /// a publication that failed.
    public func takePublished() throws -> [Tag] {
        condition.lock()
        defer { condition.unlock() }
        if let failure { throw failure }
        defer { published.removeAll(keepingCapacity: true) }
        return published
    }

    /// Waits until every item is published and the thread has ended; returns the tags not
    /// yet taken. Throws the first publication error (files not published are removed).
    public func finish() throws -> [Tag] {
        stopAndWait()
        condition.lock()
        defer { condition.unlock() }
        if let failure { throw failure }
        defer { published.removeAll() }
        return published
    }

    /// Stops after the current round without publishing what is still queued (those files
    /// are removed), and waits for the thread. For the caller's error path; safe after
    /// `finish()`.
    public func abandon() {
        condition.lock()
        for item in queued { if let file = item.file { unlink(file.temporary) } }
        queued.removeAll()
        condition.unlock()
        stopAndWait()
    }

    private func stopAndWait() {
        condition.lock()
        closed = true
        condition.broadcast()
        while running { condition.wait() }
        condition.unlock()
    }

    private func run() {
        condition.lock()
        while true {
            while queued.isEmpty && !closed { condition.wait() }
            if queued.isEmpty || failure != nil { break }
            let round = queued
            queued.removeAll(keepingCapacity: true)
            inFlight = round.count
            condition.unlock()
            var error: Error?
            do {
                try AtomicFile.publishGroup(round.compactMap(\.file), in: folder)
            } catch let caught {
                error = caught
            }
            condition.lock()
            inFlight = 0
            if let error {
                failure = error
                for item in queued { if let file = item.file { unlink(file.temporary) } }
                queued.removeAll()
            } else {
                published += round.flatMap(\.tags)
            }
            condition.broadcast()
        }
        running = false
        condition.broadcast()
        condition.unlock()
    }
}
