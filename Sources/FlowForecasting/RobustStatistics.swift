// The robust location and scale statistics the forecasters use for residual scales and
// seasonal profiles. Sorting a copy is the cost: they are compiled -O with the rest of
// FlowForecasting, which matters in debug builds (a generic sort at -Onone is ~10× slower).

/// Mean of the values without the largest `fraction` of them (NaN for none).
public func upperTrimmedMean(_ values: [Double], _ fraction: Double) -> Double {
    if values.isEmpty { return .nan }
    let s = values.sorted()
    let keep = max(1, Int(Double(s.count) * (1 - fraction)))
    return s[0..<keep].reduce(0, +) / Double(keep)
}

/// Median of the values (NaN for none); sorts a copy.
public func median(_ values: [Double]) -> Double {
    if values.isEmpty { return .nan }
    let s = values.sorted()
    let n = s.count
    return n % 2 == 1 ? s[n / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2])
}
