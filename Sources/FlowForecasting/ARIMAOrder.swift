/// The order of a (seasonal) ARIMA model: ARIMA(p,d,q)(P,D,Q,s). `s` is 0 (or ignored)
/// when P = D = Q = 0. Written `ARIMA(2,1,2)` or `SARIMA(1,0,1)(1,0,1,24)`.
public struct ARIMAOrder: Sendable, Equatable, Hashable, Codable, CustomStringConvertible {
    public var p: Int
    public var d: Int
    public var q: Int
    public var seasonalP: Int
    public var seasonalD: Int
    public var seasonalQ: Int
    /// Season length in buckets (e.g. 24 for hourly data with a daily season).
    public var period: Int

    public init(p: Int, d: Int, q: Int, seasonalP: Int = 0, seasonalD: Int = 0, seasonalQ: Int = 0, period: Int = 0) {
        self.p = p
        self.d = d
        self.q = q
        self.seasonalP = seasonalP
        self.seasonalD = seasonalD
        self.seasonalQ = seasonalQ
        self.period = (seasonalP == 0 && seasonalD == 0 && seasonalQ == 0) ? 0 : period
    }

    public var isSeasonal: Bool { period > 1 && (seasonalP + seasonalD + seasonalQ) > 0 }
    /// Degree of the multiplied-out AR polynomial φ(L)Φ(L^s).
    public var fullAR: Int { p + (isSeasonal ? seasonalP * period : 0) }
    /// Degree of the multiplied-out MA polynomial θ(L)Θ(L^s).
    public var fullMA: Int { q + (isSeasonal ? seasonalQ * period : 0) }
    /// States that carry the differencing (d + s·D), diffuse at the start.
    public var differencingStates: Int { d + (isSeasonal ? seasonalD * period : 0) }
    /// Whether the model differences at all (then it has no mean term, as statsmodels).
    public var isIntegrated: Bool { d > 0 || (isSeasonal && seasonalD > 0) }

    /// Checks the order; `maximumStates` bounds the state dimension (s=1440 is refused:
    /// use the seasonal baseline for long seasons).
    public func validate(maximumStates: Int = 400) throws {
        func bad(_ why: String) -> TimeSeriesError {
            .invalidConfiguration(key: "order", value: description, reason: why)
        }
        if p < 0 || d < 0 || q < 0 || seasonalP < 0 || seasonalD < 0 || seasonalQ < 0 || period < 0 {
            throw bad("orders must not be negative")
        }
        if p > 10 || q > 10 || d > 2 || seasonalP > 3 || seasonalQ > 3 || seasonalD > 1 {
            throw bad("orders are limited to p,q ≤ 10, d ≤ 2, P,Q ≤ 3, D ≤ 1")
        }
        if (seasonalP + seasonalD + seasonalQ) > 0 && period < 2 {
            throw bad("a seasonal part needs a period of at least 2")
        }
        let states = differencingStates + max(fullAR, fullMA + 1)
        if states > maximumStates {
            throw bad("\(states) states is too many for a Kalman filter; for long seasons (e.g. 1440 minutes) use the seasonal baseline with ARIMA on the remainder")
        }
    }

    public var description: String {
        if period > 0 {
            return "SARIMA(\(p),\(d),\(q))(\(seasonalP),\(seasonalD),\(seasonalQ),\(period))"
        }
        return "ARIMA(\(p),\(d),\(q))"
    }
}
