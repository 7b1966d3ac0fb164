/// A dense row-major matrix of `Double` features: `rows` × `columns`, value (i, j) at
/// `values[i * columns + j]`, with one name per column.
public struct FeatureMatrix: Sendable, Equatable {
    public var rows: Int
    public var columns: Int
    public var values: [Double]
    public var names: [String]

    public init(rows: Int, columns: Int, values: [Double], names: [String]) {
        self.rows = rows
        self.columns = columns
        self.values = values
        self.names = names
    }

    /// An all-zero matrix.
    public init(rows: Int, names: [String]) {
        self.init(rows: rows, columns: names.count, values: [Double](repeating: 0, count: rows * names.count), names: names)
    }

    public subscript(row: Int, column: Int) -> Double {
        get { values[row * columns + column] }
        set { values[row * columns + column] = newValue }
    }

    /// The rows listed in `indices`, in that order.
    public func selecting(rows indices: [Int]) -> FeatureMatrix {
        var out = [Double]()
        out.reserveCapacity(indices.count * columns)
        for i in indices { out.append(contentsOf: values[(i * columns)..<((i + 1) * columns)]) }
        return FeatureMatrix(rows: indices.count, columns: columns, values: out, names: names)
    }
}
