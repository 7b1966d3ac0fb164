/// Fitted (or given) coefficients of a (seasonal) ARIMA model, in statsmodels' sign
/// conventions: (1 − Σφᵢ Lⁱ)(1 − ΣΦⱼ L^{sj}) ∇ᵈ ∇ₛᴰ (yₜ − μ) = (1 + Σθᵢ Lⁱ)(1 + ΣΘⱼ L^{sj}) εₜ,
/// εₜ ~ N(0, σ²). `mean` (statsmodels' `const`) is present only for models without
/// differencing.
public struct ARIMACoefficients: Sendable, Equatable, Codable {
    public var mean: Double?
    public var ar: [Double]
    public var ma: [Double]
    public var seasonalAR: [Double]
    public var seasonalMA: [Double]
    /// Innovation variance σ².
    public var variance: Double

    public init(mean: Double? = nil, ar: [Double] = [], ma: [Double] = [], seasonalAR: [Double] = [],
                seasonalMA: [Double] = [], variance: Double) {
        self.mean = mean
        self.ar = ar
        self.ma = ma
        self.seasonalAR = seasonalAR
        self.seasonalMA = seasonalMA
        self.variance = variance
    }

    /// The parameters in statsmodels' order: const, ar…, ma…, seasonal ar…, seasonal ma…, sigma2.
    public var flattened: [Double] {
        (mean.map { [$0] } ?? []) + ar + ma + seasonalAR + seasonalMA + [variance]
    }

    enum CodingKeys: String, CodingKey {
        case mean, ar, ma, variance = "sigma2"
        case seasonalAR = "seasonal_ar"
        case seasonalMA = "seasonal_ma"
    }
}
