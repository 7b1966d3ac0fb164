import Testing
@testable import FlowCore

/// The builder must produce exactly the batch that row-by-row `FlowBatch.append` does,
/// whatever the null pattern, the capacity (drains on and off byte and word boundaries) and
/// whether the target batch already holds rows.
@Suite struct FlowBatchBuilderTests {
    @Test(arguments: NullPattern.all)
    func drainedRowsMatchReference(pattern: NullPattern) {
        for capacity in [1, 7, 8, 63, 64, 65, 130] {
            var rng = SplitMix(state: 7)
            let builder = FlowBatchBuilder(capacity: capacity)
            var ref = ReferenceBatch()
            var appended = FlowBatch()
            var drained = FlowBatch()
            let rows = 3 * capacity + 5
            for row in 0..<rows {
                FlowBatchEquivalenceTests.nextRow(row, pattern, &rng, into: &ref) { r, label in
                    appended.append(r, label: label)
                    builder.append(r, label: label)
                }
                // Drain into a batch that already holds rows (not only into empty ones).
                if builder.isFull { builder.drain(into: &drained) }
            }
            builder.drain(into: &drained)
            #expect(builder.isEmpty)
            #expect(ref.mismatch(drained) == nil, "\(pattern.name), capacity \(capacity)")
            #expect(drained == appended, "\(pattern.name), capacity \(capacity)")
        }
    }

    @Test func drainIntoEmptyBatchThenReuse() {
        var rng = SplitMix(state: 11)
        let builder = FlowBatchBuilder(capacity: 100)
        let pattern = NullPattern.all[2]
        for round in 0..<3 {
            var ref = ReferenceBatch()
            for row in 0..<(37 + round * 20) {
                FlowBatchEquivalenceTests.nextRow(row, pattern, &rng, into: &ref) { builder.append($0, label: $1) }
            }
            var batch = FlowBatch()
            builder.drain(into: &batch)
            // Bits of the previous round must not leak into this one.
            #expect(ref.mismatch(batch) == nil, "round \(round)")
        }
    }

    @Test func bulkValidityAppendMatchesBitByBit() {
        var rng = SplitMix(state: 3)
        for prefix in [0, 3, 8, 13] {
            for n in [1, 8, 9, 64, 65, 200] {
                for p in [0.0, 0.3, 1.0] {
                    var words = [UInt64](repeating: 0, count: (n + 63) / 64 + 1)
                    var valid = 0
                    var bulk = ValidityBitmap(), single = ValidityBitmap()
                    for i in 0..<prefix { let v = i % 3 != 0; bulk.append(v); single.append(v) }
                    for i in 0..<n where !rng.chance(p) {
                        words[i / 64] |= 1 << UInt64(i % 64)
                        valid += 1
                    }
                    words[n / 64] |= 1 << UInt64(n % 64)  // row n is past `count`: ignored
                    for i in 0..<n { single.append(words[i / 64] >> UInt64(i % 64) & 1 == 1) }
                    words.withUnsafeBufferPointer { bulk.append(words: $0, count: n, valid: valid) }
                    #expect(bulk == single && bulk.bytes == single.bytes && bulk.nullCount == single.nullCount,
                            "prefix \(prefix), \(n) rows, p \(p)")
                }
            }
        }
    }
}

extension FlowBatchBuilderTests {
    /// Binary readers append a whole chunk's records without draining: the builder grows
    /// and keeps every row and bit.
    @Test(arguments: [NullPattern.all[2], NullPattern.all[5]])
    func growsPastItsCapacity(pattern: NullPattern) {
        var rng = SplitMix(state: 5)
        let builder = FlowBatchBuilder(capacity: 3)
        var ref = ReferenceBatch()
        for row in 0..<517 {
            let r = FlowBatchEquivalenceTests.record(row: row, pattern: pattern, &rng)
            ref.append(r, label: nil)
            builder.append(r)
        }
        #expect(builder.capacity >= 517)
        var batch = FlowBatch()
        builder.drain(into: &batch)
        #expect(ref.mismatch(batch) == nil, "\(pattern.name)")
    }
}

extension FlowBatchBuilderTests {
    /// Stores `r`'s fields through the direct-store API, in an order that depends on the
    /// row, storing some fields twice (the second store must win and count once).
    static func store(_ r: FlowRecord, into b: FlowBatchBuilder, row: Int) -> Int {
        let i = b.openRow()
        var steps: [() -> Void] = [
            { b.setStart(i, r.start) }, { b.setEnd(i, r.end) },
            { b.setPackets(i, r.packets) }, { b.setBytes(i, r.bytes) },
            { b.setSourceAddress(i, r.srcAddr) }, { b.setDestinationAddress(i, r.dstAddr) },
            { b.setProtocol(i, r.proto) },
        ]
        if let v = r.srcPort { steps.append { b.setSourcePort(i, v) } }
        if let v = r.dstPort { steps.append { b.setDestinationPort(i, v) } }
        if let v = r.tcpFlags { steps.append { b.setTCPFlags(i, v) } }
        if let v = r.tos { steps.append { b.setTOS(i, v) } }
        if let v = r.inputInterface { steps.append { b.setInputInterface(i, v) } }
        if let v = r.outputInterface { steps.append { b.setOutputInterface(i, v) } }
        if let v = r.flowDirection { steps.append { b.setFlowDirection(i, v) } }
        if let v = r.srcAS { steps.append { b.setSourceAS(i, v) } }
        if let v = r.dstAS { steps.append { b.setDestinationAS(i, v) } }
        if let v = r.revPackets { steps.append { b.setReversePackets(i, v) } }
        if let v = r.revBytes { steps.append { b.setReverseBytes(i, v) } }
        if let v = r.exporter { steps.append { b.setExporter(i, v) } }
        if let v = r.samplingRate { steps.append { b.setSamplingRate(i, v) } }
        if row % 3 == 0 { steps.reverse() }
        if row % 5 == 0 { steps.append(contentsOf: steps.suffix(6)) }  // stored twice
        for step in steps { step() }
        return i
    }

    /// Rows whose fields are stored directly (and rows abandoned after stores) drain into the
    /// same batch as `append(FlowRecord)` gives, through growth and drains.
    @Test(arguments: NullPattern.all)
    func directStoresMatchAppend(pattern: NullPattern) {
        for capacity in [1, 7, 64, 65, 1000] {
            var rng = SplitMix(state: 19)
            let direct = FlowBatchBuilder(capacity: capacity), appended = FlowBatchBuilder(capacity: capacity)
            var a = FlowBatch(), b = FlowBatch()
            var ref = ReferenceBatch()
            for row in 0..<700 {
                let r = FlowBatchEquivalenceTests.record(row: row, pattern: pattern, &rng)
                if row % 7 == 3 {
                    // A record that fails half-way: its stores must leave no trace.
                    var junk = r
                    junk.exporter = IPAddress(ipv4: 0x0102_0304); junk.tos = 9; junk.srcPort = 1; junk.dstPort = 2
                    direct.abandonRow(Self.store(junk, into: direct, row: row))
                }
                _ = Self.store(r, into: direct, row: row)
                direct.commitRow()
                appended.append(r)
                ref.append(r, label: nil)
                // Drain the direct builder only on some capacities: the others grow.
                if capacity < 100, direct.isFull { direct.drain(into: &a); appended.drain(into: &b) }
            }
            direct.drain(into: &a)
            appended.drain(into: &b)
            #expect(a == b, "\(pattern.name), capacity \(capacity)")
            #expect(ref.mismatch(a) == nil, "\(pattern.name), capacity \(capacity)")
        }
    }

    /// Runs of rows filled column by column (`openRows(_:filled:)`, `fill…`), with the other
    /// columns stored row by row, drain into the batch `append(FlowRecord)` gives: runs of
    /// any length starting anywhere in a validity word, any set of filled groups (a group
    /// is filled only when every row of the run has its values). Rows dropped with
    /// `removeAll()` leave no trace in the next ones.
    @Test(arguments: NullPattern.all)
    func filledRunsMatchAppend(pattern: NullPattern) {
        typealias Filled = FlowBatchBuilder.FilledColumns
        var rng = SplitMix(state: 23)
        let builder = FlowBatchBuilder(capacity: 100)
        var appended = FlowBatch(), drained = FlowBatch()
        var row = 0
        for run in 0..<60 {
            let n = 1 + Int(rng.next() % 150)
            let rs = (0..<n).map { k in FlowBatchEquivalenceTests.record(row: row + k, pattern: pattern, &rng) }
            row += n
            if run % 9 == 4 {
                // Stored, then dropped: nothing of these rows may reach the next ones.
                builder.drain(into: &drained)
                let first = builder.openRows(n)
                for (k, r) in rs.enumerated() { _ = Self.store(r, into: builder, row: first + k) }
                builder.commitRows(n)
                builder.removeAll()
                #expect(builder.isEmpty)
                continue
            }
            func all<T>(_ value: (FlowRecord) -> T?) -> Bool { rs.allSatisfy { value($0) != nil } }
            var filled: Filled = [.times, .addresses, .protocol, .counters].filter { _ in rng.next() % 2 == 0 }
                .reduce(into: []) { $0.formUnion($1) }
            let nullable: [(Filled, Bool)] = [
                (.ports, all(\.srcPort) && all(\.dstPort)), (.tcpFlags, all(\.tcpFlags)), (.tos, all(\.tos)),
                (.interfaces, all(\.inputInterface) && all(\.outputInterface)), (.direction, all(\.flowDirection)),
                (.asNumbers, all(\.srcAS) && all(\.dstAS)), (.reverseCounters, all(\.revPackets) && all(\.revBytes)),
                (.exporter, all(\.exporter)),
            ]
            for (group, possible) in nullable where possible && rng.next() % 4 != 0 { filled.insert(group) }
            let f = builder.openRows(n, filled: filled)
            for (k, r) in rs.enumerated() {
                let i = f + k
                if !filled.contains(.times) { builder.setStart(i, r.start); builder.setEnd(i, r.end) }
                if !filled.contains(.addresses) { builder.setSourceAddress(i, r.srcAddr); builder.setDestinationAddress(i, r.dstAddr) }
                if !filled.contains(.protocol) { builder.setProtocol(i, r.proto) }
                if !filled.contains(.counters) { builder.setPackets(i, r.packets); builder.setBytes(i, r.bytes) }
                if !filled.contains(.ports) {
                    if let v = r.srcPort { builder.setSourcePort(i, v) }
                    if let v = r.dstPort { builder.setDestinationPort(i, v) }
                }
                if !filled.contains(.tcpFlags), let v = r.tcpFlags { builder.setTCPFlags(i, v) }
                if !filled.contains(.tos), let v = r.tos { builder.setTOS(i, v) }
                if !filled.contains(.interfaces) {
                    if let v = r.inputInterface { builder.setInputInterface(i, v) }
                    if let v = r.outputInterface { builder.setOutputInterface(i, v) }
                }
                if !filled.contains(.direction), let v = r.flowDirection { builder.setFlowDirection(i, v) }
                if !filled.contains(.asNumbers) {
                    if let v = r.srcAS { builder.setSourceAS(i, v) }
                    if let v = r.dstAS { builder.setDestinationAS(i, v) }
                }
                if !filled.contains(.reverseCounters) {
                    if let v = r.revPackets { builder.setReversePackets(i, v) }
                    if let v = r.revBytes { builder.setReverseBytes(i, v) }
                }
                if !filled.contains(.exporter), let v = r.exporter { builder.setExporter(i, v) }
                if let v = r.samplingRate { builder.setSamplingRate(i, v) }
            }
            if filled.contains(.times) { builder.fillStart(f, n) { rs[$0].start }; builder.fillEnd(f, n) { rs[$0].end } }
            if filled.contains(.addresses) {
                builder.fillSourceAddress(f, n) { rs[$0].srcAddr }; builder.fillDestinationAddress(f, n) { rs[$0].dstAddr }
            }
            if filled.contains(.protocol) { builder.fillProtocol(f, n) { rs[$0].proto } }
            if filled.contains(.counters) { builder.fillPackets(f, n) { rs[$0].packets }; builder.fillBytes(f, n) { rs[$0].bytes } }
            if filled.contains(.ports) {
                builder.fillSourcePort(f, n) { rs[$0].srcPort! }; builder.fillDestinationPort(f, n) { rs[$0].dstPort! }
            }
            if filled.contains(.tcpFlags) { builder.fillTCPFlags(f, n) { rs[$0].tcpFlags! } }
            if filled.contains(.tos) { builder.fillTOS(f, n) { rs[$0].tos! } }
            if filled.contains(.interfaces) {
                builder.fillInputInterface(f, n) { rs[$0].inputInterface! }
                builder.fillOutputInterface(f, n) { rs[$0].outputInterface! }
            }
            if filled.contains(.direction) { builder.fillFlowDirection(f, n) { rs[$0].flowDirection! } }
            if filled.contains(.asNumbers) { builder.fillSourceAS(f, n) { rs[$0].srcAS! }; builder.fillDestinationAS(f, n) { rs[$0].dstAS! } }
            if filled.contains(.reverseCounters) {
                builder.fillReversePackets(f, n) { rs[$0].revPackets! }; builder.fillReverseBytes(f, n) { rs[$0].revBytes! }
            }
            if filled.contains(.exporter) { builder.fillExporter(f, n) { rs[$0].exporter! } }
            builder.commitRows(n)
            for r in rs { appended.append(r) }
            if run % 5 == 2 { builder.drain(into: &drained) }
        }
        builder.drain(into: &drained)
        #expect(drained.count > 1000)
        #expect(drained.count == appended.count)
        let wrong = (0..<min(drained.count, appended.count)).first { drained.record(at: $0) != appended.record(at: $0) }
        #expect(wrong == nil, "\(pattern.name): row \(wrong ?? -1): \(wrong.map { drained.record(at: $0) }.debugDescription) vs \(wrong.map { appended.record(at: $0) }.debugDescription)")
        if wrong == nil { #expect(drained == appended, "\(pattern.name)") }
    }
}

extension FlowBatchBuilderTests {
    /// A full builder that swaps its contents with an empty one hands over exactly its rows
    /// and goes on filling the other's buffers; each drains to what one builder would give.
    @Test(arguments: NullPattern.all)
    func swappedContentsKeepEveryRow(pattern: NullPattern) {
        var rng = SplitMix(state: 23)
        let filling = FlowBatchBuilder(capacity: 70)
        var handedOn: [FlowBatchBuilder] = []
        var ref = ReferenceBatch()
        for row in 0..<250 {
            _ = FlowBatchEquivalenceTests.nextRow(row, pattern, &rng, into: &ref) { filling.append($0, label: $1) }
            if filling.isFull {
                let full = FlowBatchBuilder(capacity: 70)
                filling.swapContents(with: full)
                #expect(filling.isEmpty && filling.capacity == 70 && full.count == 70)
                handedOn.append(full)
            }
        }
        handedOn.append(filling)
        var batch = FlowBatch()
        for b in handedOn { b.drain(into: &batch) }
        #expect(ref.mismatch(batch) == nil, "\(pattern.name)")
    }

    /// `rowsInPlace` shows the rows a drain would copy: the same values, validity and counts.
    @Test(arguments: NullPattern.all)
    func rowsInPlaceAreTheDrainedRows(pattern: NullPattern) {
        for rows in [0, 1, 9, 64, 65, 130] {
            var rng = SplitMix(state: 29)
            // Two builders with the same rows: one is viewed, the other drained (a drain
            // clears the validity bits the view reads).
            let builder = FlowBatchBuilder(capacity: 130), twin = FlowBatchBuilder(capacity: 130)
            var ref = ReferenceBatch()
            for row in 0..<rows {
                _ = FlowBatchEquivalenceTests.nextRow(row, pattern, &rng, into: &ref) {
                    builder.append($0, label: $1)
                    twin.append($0, label: $1)
                }
            }
            let view = builder.rowsInPlace
            func same<T: Equatable>(_ c: FlowBatchBuilder.NullableRows<T>, _ column: NullableColumn<T>) -> Bool {
                var bits = ValidityBitmap()
                bits.append(words: c.validityWords, count: c.values.count, valid: c.validCount)
                return Array(c.values) == column.values && bits.bytes == column.validity.bytes
                    && c.validCount == column.count - column.validity.nullCount
            }
            var batch = FlowBatch()
            twin.drain(into: &batch)
            #expect(ref.mismatch(batch) == nil)
            #expect(view.count == rows && Array(view.start) == batch.start && Array(view.end) == batch.end)
            #expect(Array(view.srcAddr) == batch.srcAddr && Array(view.dstAddr) == batch.dstAddr)
            #expect(Array(view.proto) == batch.proto && Array(view.packets) == batch.packets && Array(view.bytes) == batch.bytes)
            #expect(same(view.srcPort, batch.srcPort) && same(view.dstPort, batch.dstPort) && same(view.tcpFlags, batch.tcpFlags))
            #expect(same(view.inputInterface, batch.inputInterface) && same(view.outputInterface, batch.outputInterface))
            #expect(same(view.srcAS, batch.srcAS) && same(view.dstAS, batch.dstAS) && same(view.tos, batch.tos))
            #expect(same(view.exporter, batch.exporter) && same(view.samplingRate, batch.samplingRate))
            #expect(same(view.flowDirection, batch.flowDirection) && same(view.revPackets, batch.revPackets))
            #expect(same(view.revBytes, batch.revBytes))
            #expect(view.label.offsets == batch.label.offsets && view.label.data == batch.label.data
                    && view.label.validity.bytes == batch.label.validity.bytes, "\(pattern.name), \(rows) rows")
        }
    }
}
