/// One flow's contribution to the distinct counts (24 bytes): the exact keys of its two
/// addresses (`ExactAddressKeys`, 33 bits; `none` when unparsed), its start bucket and the
/// series groups it belongs to (bit `g` of `mask` = group `chunk * 64 + g`).
struct DistinctRecord {
    /// Source key | chunk << 33.
    var source: UInt64
    /// Destination key | bucket << 33.
    var destination: UInt64
    var mask: UInt64

    init(source: UInt64, destination: UInt64, mask: UInt64, bucket: Int, chunk: Int) {
        self.source = source | UInt64(truncatingIfNeeded: chunk) << 33
        self.destination = destination | UInt64(truncatingIfNeeded: bucket) << 33
        self.mask = mask
    }

    @inline(__always) var bucket: Int { Int(truncatingIfNeeded: destination >> 33) }
}

/// Exact distinct sources/destinations per (series group, bucket). Flows append one record
/// each (sequential writes; a second record only for flows in groups beyond the first 64);
/// `flush` orders the records by bucket (a counting sort of record numbers, skipped when
/// they already are in order), then per bucket puts each address into a small
/// set with the groups it was seen in and adds one per (address, group) to the counts.
/// Memory: 24 bytes per record until the next flush (the dataset path flushes per day),
/// 8 more for the order of unordered records, plus the per-bucket sets. Not copyable: it
/// owns its buffers and frees them when it goes away.
struct DistinctRecordLog: ~Copyable {
    private var records: UnsafeMutablePointer<DistinctRecord>
    /// Record numbers in bucket order for unordered records (same capacity, kept between flushes).
    private var order: UnsafeMutablePointer<Int>?
    private var capacity: Int
    private(set) var count = 0
    /// One bucket's sources, then its destinations.
    private var addresses = BucketAddressSet()
    /// Address keys of the records logged since the last flush.
    var addressKeys = ExactAddressKeys()

    init() {
        capacity = 4096
        records = .allocate(capacity: capacity)
    }

    deinit {
        records.deallocate()
        order?.deallocate()
    }

    @inline(__always)
    mutating func append(_ record: DistinctRecord) {
        if count == capacity { grow() }
        (records + count).initialize(to: record)
        count += 1
    }

    /// Counts the logged records into `counts[2 * (group * buckets + bucket) + role]`
    /// (role 0 sources, 1 destinations; records outside 0..<buckets are ignored) and
    /// empties the log.
    mutating func flush(into counts: UnsafeMutablePointer<Double>, groups: Int, buckets: Int) {
        let n = count
        defer {
            count = 0
            addressKeys.reset()
        }
        if n == 0 { return }
        var ordered = true
        var low = records[0].bucket, high = low
        for i in 1..<n {
            let b = records[i].bucket
            if b < high { ordered = false } else { high = b }
            if b < low { low = b }
        }
        if ordered {
            countRuns(records, order: nil, n, into: counts, groups: groups, buckets: buckets)
            return
        }
        // Counting sort of the record numbers by bucket (day files are nearly in time
        // order, so visiting the records in this order stays mostly sequential).
        let span = high - low + 1
        let starts = UnsafeMutablePointer<Int>.allocate(capacity: span + 1)
        defer { starts.deallocate() }
        starts.initialize(repeating: 0, count: span + 1)
        for i in 0..<n { starts[records[i].bucket - low + 1] += 1 }
        for k in 0..<span { starts[k + 1] += starts[k] }
        let order = self.order ?? .allocate(capacity: capacity)
        self.order = order
        for i in 0..<n {
            let k = records[i].bucket - low
            order[starts[k]] = i
            starts[k] += 1
        }
        countRuns(records, order: order, n, into: counts, groups: groups, buckets: buckets)
    }

    /// Counts the records, ordered by bucket directly or through `order` (record numbers),
    /// one run of equal buckets at a time: its sources, then its destinations, through one
    /// set (so only one set competes for the cache).
    private mutating func countRuns(_ r: UnsafeMutablePointer<DistinctRecord>, order: UnsafeMutablePointer<Int>?, _ n: Int,
                                    into counts: UnsafeMutablePointer<Double>, groups: Int, buckets: Int) {
        var i = 0
        while i < n {
            let bucket = r[order?[i] ?? i].bucket
            let counted = bucket >= 0 && bucket < buckets
            var j = i
            while j < n {
                let record = r[order?[j] ?? j]
                if record.bucket != bucket { break }
                if record.source & ExactAddressKeys.bits != ExactAddressKeys.none {
                    addresses.insert(key: record.source, mask: record.mask)
                }
                j += 1
            }
            addresses.drain(into: counts, groups: counted ? groups : 0, bucket: counted ? bucket : 0, buckets: buckets, role: 0)
            for k in i..<j {
                let record = r[order?[k] ?? k]
                let destination = record.destination & ExactAddressKeys.bits
                if destination != ExactAddressKeys.none {
                    addresses.insert(key: destination | (record.source & ~ExactAddressKeys.bits), mask: record.mask)
                }
            }
            addresses.drain(into: counts, groups: counted ? groups : 0, bucket: counted ? bucket : 0, buckets: buckets, role: 1)
            i = j
        }
    }

    /// Room for `additional` more records without growing in between.
    mutating func reserve(_ additional: Int) {
        if count + additional > capacity { grow(to: count + additional) }
    }

    private mutating func grow(to minimum: Int = 0) {
        let newCapacity = max(capacity * 2, minimum)
        let bigger = UnsafeMutablePointer<DistinctRecord>.allocate(capacity: newCapacity)
        bigger.moveInitialize(from: records, count: count)
        records.deallocate()
        records = bigger
        order?.deallocate()
        order = nil
        capacity = newCapacity
    }
}
