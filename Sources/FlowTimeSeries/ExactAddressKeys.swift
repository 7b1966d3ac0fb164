import FlowCore

/// Exact 33-bit keys of addresses for distinct counting. An IPv4(-mapped) address is its
/// 32-bit value; any other address gets a number of its own, `2^32 | n` (n < 2^31), from a
/// table kept until `reset()` (one day partition). Two addresses get equal keys exactly when
/// they are equal, so counts over keys are exact (no hashing error). Bits 33–63 are free
/// for the record's bucket and group chunk (`DistinctRecord`).
/// Memory: 24 bytes per table slot, at most half full (only the non-IPv4 addresses). Not
/// copyable: it owns its table and frees it when it goes away.
struct ExactAddressKeys: ~Copyable {
    /// Key of "no address" (never a real key).
    static let none: UInt64 = (1 << 33) - 1
    /// The bits a key can use.
    static let bits: UInt64 = (1 << 33) - 1
    private var highs: UnsafeMutablePointer<UInt64>
    private var lows: UnsafeMutablePointer<UInt64>
    /// Number + 1 of the address in a slot; 0 = empty slot.
    private var numbers: UnsafeMutablePointer<UInt32>
    private var capacity: Int
    private var count = 0

    init() {
        capacity = 1024
        highs = .allocate(capacity: capacity)
        lows = .allocate(capacity: capacity)
        numbers = .allocate(capacity: capacity)
        numbers.initialize(repeating: 0, count: capacity)
    }

    deinit {
        highs.deallocate()
        lows.deallocate()
        numbers.deallocate()
    }

    @inline(__always)
    mutating func key(_ a: IPAddress) -> UInt64 {
        if a.high == 0 && a.low >> 32 == 0xFFFF { return a.low & 0xFFFF_FFFF }
        return UInt64(1) << 32 | UInt64(number(a) & 0x7FFF_FFFF)
    }

    /// Forgets the numbered addresses (keys from before must not be mixed with later ones).
    mutating func reset() {
        if count == 0 { return }
        numbers.update(repeating: 0, count: capacity)
        count = 0
    }

    private mutating func number(_ a: IPAddress) -> UInt32 {
        var i = slot(high: a.high, low: a.low)
        while true {
            let n = numbers[i]
            if n == 0 { break }
            if highs[i] == a.high && lows[i] == a.low { return n - 1 }
            i = (i + 1) & (capacity - 1)
        }
        if (count + 1) * 2 > capacity {
            grow()
            return number(a)
        }
        count += 1
        highs[i] = a.high
        lows[i] = a.low
        numbers[i] = UInt32(truncatingIfNeeded: count)
        return UInt32(truncatingIfNeeded: count - 1)
    }

    @inline(__always)
    private func slot(high: UInt64, low: UInt64) -> Int {
        Int(truncatingIfNeeded: BucketAddressSet.mix(low &+ BucketAddressSet.mix(high))) & (capacity - 1)
    }

    private mutating func grow() {
        let oldHighs = highs, oldLows = lows, oldNumbers = numbers, oldCapacity = capacity
        capacity *= 2
        highs = .allocate(capacity: capacity)
        lows = .allocate(capacity: capacity)
        numbers = .allocate(capacity: capacity)
        numbers.initialize(repeating: 0, count: capacity)
        for j in 0..<oldCapacity where oldNumbers[j] != 0 {
            var i = slot(high: oldHighs[j], low: oldLows[j])
            while numbers[i] != 0 { i = (i + 1) & (capacity - 1) }
            highs[i] = oldHighs[j]
            lows[i] = oldLows[j]
            numbers[i] = oldNumbers[j]
        }
        oldHighs.deallocate()
        oldLows.deallocate()
        oldNumbers.deallocate()
    }
}
