import FlowCore

/// Byte routines for encoders: append numbers, fixed-point decimals, addresses and
/// calendar times to a `[UInt8]` without building Strings.
public enum ByteWriter {
    @inlinable
    public static func ascii(_ s: StaticString, to out: inout [UInt8]) {
        out.append(contentsOf: UnsafeBufferPointer(start: s.utf8Start, count: s.utf8CodeUnitCount))
    }

    @inlinable
    public static func string(_ s: String, to out: inout [UInt8]) {
        out.append(contentsOf: s.utf8)
    }

    /// Decimal digits of an unsigned integer.
    @inlinable
    public static func uint(_ v: UInt64, to out: inout [UInt8]) {
        if v < 10 { out.append(UInt8(48 + v)); return }
        var buf: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes of scratch
        withUnsafeMutableBytes(of: &buf) { raw in
            var i = 24
            var x = v
            while x > 0 {
                i -= 1
                raw[i] = UInt8(48 + x % 10)
                x /= 10
            }
            out.append(contentsOf: UnsafeRawBufferPointer(rebasing: raw[i..<24]))
        }
    }

    @inlinable
    public static func int(_ v: Int64, to out: inout [UInt8]) {
        if v < 0 { out.append(0x2D); uint(UInt64(-(v + 1)) + 1, to: &out) } else { uint(UInt64(v), to: &out) }
    }

    /// `v` zero-padded to `width` digits.
    @inlinable
    public static func padded(_ v: Int, width: Int, to out: inout [UInt8]) {
        var div = 1
        for _ in 1..<max(width, 1) { div *= 10 }
        var x = v
        if x >= div * 10 { uint(UInt64(x), to: &out); return }
        while div > 0 {
            out.append(UInt8(48 + (x / div) % 10))
            x %= div
            div /= 10
        }
    }

    /// A non-negative fixed-point number `v / 10^digits` with exactly `digits` decimals
    /// (`5000` with 3 digits is `5.000`).
    @inlinable
    public static func fixed(_ v: Int64, digits: Int, to out: inout [UInt8]) {
        var scale: Int64 = 1
        for _ in 0..<digits { scale *= 10 }
        if v < 0 { out.append(0x2D) }
        let a = v.magnitude
        uint(a / UInt64(scale), to: &out)
        if digits > 0 {
            out.append(0x2E)
            padded(Int(a % UInt64(scale)), width: digits, to: &out)
        }
    }

    @inlinable
    public static func address(_ a: IPAddress, to out: inout [UInt8]) {
        a.appendText(to: &out)
    }

    /// `YYYY-MM-DD<sep>HH:MM:SS` of wall-clock milliseconds, then `.mmm` when `millis`.
    public static func civil(_ wallMillis: Int64, dateTimeSeparator: UInt8, millis: Bool, to out: inout [UInt8]) {
        let day = CivilTime.day(ofMillis: wallMillis)
        let c = CivilTime.civilFromDays(day)
        let rem = wallMillis - day * CivilTime.millisPerDay
        let secs = Int(rem / 1000)
        padded(c.year, width: 4, to: &out)
        out.append(0x2D)
        padded(c.month, width: 2, to: &out)
        out.append(0x2D)
        padded(c.day, width: 2, to: &out)
        out.append(dateTimeSeparator)
        padded(secs / 3600, width: 2, to: &out)
        out.append(0x3A)
        padded(secs / 60 % 60, width: 2, to: &out)
        out.append(0x3A)
        padded(secs % 60, width: 2, to: &out)
        if millis {
            out.append(0x2E)
            padded(Int(rem % 1000), width: 3, to: &out)
        }
    }
}
