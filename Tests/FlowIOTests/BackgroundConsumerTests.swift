import Foundation
import Testing
@testable import FlowIO

@Suite struct BackgroundConsumerTests {
    struct Boom: Error, Equatable { let item: Int }

    final class Seen: @unchecked Sendable {
        var items: [Int] = []
    }

    @Test func consumesInPushOrder() throws {
        let seen = Seen()
        let consumer = BackgroundConsumer<Int>(capacity: 2) { seen.items.append($0) }
        for i in 0..<1_000 { consumer.push(i) }
        try consumer.finish()
        #expect(seen.items == Array(0..<1_000))
    }

    /// The first error stops the work, later items are dropped, and finishing again (as an
    /// error path does after a failed finish) rethrows instead of waiting forever.
    @Test func firstErrorStopsAndFinishIsIdempotent() {
        let seen = Seen()
        let consumer = BackgroundConsumer<Int>(capacity: 1) { item in
            if item == 3 { throw Boom(item: item) }
            seen.items.append(item)
        }
        for i in 0..<10 { consumer.push(i) }
        #expect(throws: Boom(item: 3)) { try consumer.finish() }
        #expect(throws: Boom(item: 3)) { try consumer.finish() }
        #expect(seen.items == [0, 1, 2])
    }
}
