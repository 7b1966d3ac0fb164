/// A dense Float32 tensor in row-major order over one owned, contiguous buffer.
///
/// The class is the single owner of its memory: the buffer is allocated in `init` and
/// freed in `deinit`, nothing else releases it. Copies are explicit (`copy()`); two
/// references to one tensor share its storage (a replica of a network shares its
/// parameter values this way, see `Network.replica()`).
public final class Tensor: @unchecked Sendable {
    /// Sizes of the dimensions, outermost first (`[batch, time, features]`).
    public let shape: [Int]
    /// Number of elements (the product of `shape`).
    public let count: Int
    /// The elements, row-major. Valid for the lifetime of the tensor.
    public let data: UnsafeMutablePointer<Float>

    /// A zero-filled tensor of `shape`.
    public init(zeros shape: [Int]) {
        precondition(shape.allSatisfy { $0 >= 0 }, "negative dimension in \(shape)")
        self.shape = shape
        count = shape.reduce(1, *)
        data = .allocate(capacity: max(count, 1))
        data.initialize(repeating: 0, count: max(count, 1))
    }

    /// A tensor of `shape` holding `values` (row-major; `values.count` must match).
    public convenience init(shape: [Int], values: [Float]) {
        self.init(zeros: shape)
        precondition(values.count == count, "\(values.count) values for shape \(shape)")
        values.withUnsafeBufferPointer { data.update(from: $0.baseAddress!, count: count) }
    }

    deinit { data.deallocate() }

    /// Element `i` of the flattened tensor.
    @inlinable public subscript(i: Int) -> Float {
        get { data[i] }
        set { data[i] = newValue }
    }

    /// The elements as an array (row-major).
    public var array: [Float] { Array(UnsafeBufferPointer(start: data, count: count)) }

    /// A new tensor with the same shape and elements.
    public func copy() -> Tensor {
        let t = Tensor(zeros: shape)
        t.data.update(from: data, count: count)
        return t
    }

    /// Copies the elements of `other` (same element count) into this tensor.
    public func assign(_ other: Tensor) {
        precondition(other.count == count, "assign: \(other.shape) into \(shape)")
        data.update(from: other.data, count: count)
    }

    /// Sets every element to `value`.
    public func fill(_ value: Float) {
        data.update(repeating: value, count: count)
    }

    /// Size of the first dimension (the batch).
    public var rows: Int { shape.first ?? 1 }
    /// Elements per row (all but the first dimension).
    public var rowSize: Int { rows == 0 ? 0 : count / rows }

    /// Rows `range` of the first dimension as a new tensor.
    public func rows(_ range: Range<Int>) -> Tensor {
        var s = shape
        s[0] = range.count
        let t = Tensor(zeros: s)
        t.data.update(from: data + range.lowerBound * rowSize, count: t.count)
        return t
    }

    /// The same elements under another shape with the same element count.
    public func reshaped(_ shape: [Int]) -> Tensor {
        let t = Tensor(zeros: shape)
        precondition(t.count == count, "reshape \(self.shape) to \(shape)")
        t.data.update(from: data, count: count)
        return t
    }

    /// Adds `other` (same count) into this tensor, element by element.
    public func add(_ other: Tensor) {
        precondition(other.count == count)
        for i in 0..<count { data[i] += other.data[i] }
    }

    /// Sum of squares, accumulated in Double.
    public func squaredNorm() -> Double {
        var s = 0.0
        for i in 0..<count { s += Double(data[i]) * Double(data[i]) }
        return s
    }
}
