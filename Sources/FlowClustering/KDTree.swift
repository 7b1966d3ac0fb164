import FlowFeatures

/// A k-d tree over the rows of a matrix for Euclidean radius and k-nearest queries.
/// Points are held in tree order (contiguous leaves of up to `leafSize` rows); each
/// node splits on its widest dimension at the median. The build reorders the matrix's
/// own buffer in place (no copy when the caller hands its matrix over), so the tree costs
/// one Int32 per point plus a few bytes per leaf beyond the points. Queries walk an
/// explicit stack and allocate nothing per call.
public struct KDTree: Sendable {
    public let dimensions: Int
    public let count: Int
    /// Points in tree order, row-major.
    let points: [Double]
    /// Tree order → original row index.
    let order: [Int32]
    // Nodes: [lo, hi) range in tree order; leaf when left < 0.
    let lo: [Int32]
    let hi: [Int32]
    let left: [Int32]
    let right: [Int32]
    let splitDimension: [Int32]
    let splitValue: [Double]
    static let leafSize = 16

    /// A tree over a copy of `x`'s rows (`x` is left as it is).
    public init(_ x: FeatureMatrix) {
        self.init(consuming: x)
    }

    /// A tree that takes over `x`'s value buffer and reorders it into tree order: when the
    /// caller passes its last use of the matrix (`consume x`), no copy of the points is made.
    public init(consuming x: consuming FeatureMatrix) {
        dimensions = x.columns
        count = x.rows
        let d = x.columns, n = x.rows
        var pts: [Double] = []
        swap(&pts, &x.values)
        var perm = (0..<n).map { Int32($0) }
        var lo: [Int32] = [], hi: [Int32] = [], left: [Int32] = [], right: [Int32] = []
        var dims: [Int32] = [], values: [Double] = []
        // Iterative build: (node, range) work list.
        func newNode(_ a: Int, _ b: Int) -> Int {
            lo.append(Int32(a)); hi.append(Int32(b)); left.append(-1); right.append(-1)
            dims.append(0); values.append(0)
            return lo.count - 1
        }
        var work: [Int] = []
        if n > 0 { work.append(newNode(0, n)) }
        pts.withUnsafeMutableBufferPointer { p in
            perm.withUnsafeMutableBufferPointer { order in
                while let node = work.popLast() {
                    let a = Int(lo[node]), b = Int(hi[node])
                    if b - a <= KDTree.leafSize { continue }
                    var bestDim = 0, bestSpread = -1.0
                    for j in 0..<d {
                        var mn = Double.infinity, mx = -Double.infinity
                        for t in a..<b {
                            let v = p[t * d + j]
                            mn = min(mn, v); mx = max(mx, v)
                        }
                        if mx - mn > bestSpread { bestSpread = mx - mn; bestDim = j }
                    }
                    if bestSpread <= 0 { continue }
                    let mid = (a + b) / 2
                    KDTree.select(p, order, dimensions: d, key: bestDim, a, b - 1, mid)
                    dims[node] = Int32(bestDim)
                    values[node] = p[mid * d + bestDim]
                    let l = newNode(a, mid), r = newNode(mid, b)
                    left[node] = Int32(l); right[node] = Int32(r)
                    work.append(l); work.append(r)
                }
            }
        }
        points = pts
        order = perm
        self.lo = lo; self.hi = hi; self.left = left; self.right = right
        splitDimension = dims; splitValue = values
    }

    /// Quickselect on rows `a...b` of `p` by column `key` (moving `order` along) so that row
    /// `k` holds the k-th smallest key, smaller-or-equal keys before it, greater-or-equal after.
    static func select(_ p: UnsafeMutableBufferPointer<Double>, _ order: UnsafeMutableBufferPointer<Int32>,
                       dimensions d: Int, key: Int, _ a0: Int, _ b0: Int, _ k: Int) {
        @inline(__always) func swapRows(_ i: Int, _ j: Int) {
            order.swapAt(i, j)
            for c in 0..<d { p.swapAt(i * d + c, j * d + c) }
        }
        var a = a0, b = b0
        while a < b {
            let pivot = p[((a + b) / 2) * d + key]
            var i = a, j = b
            while i <= j {
                while p[i * d + key] < pivot { i += 1 }
                while p[j * d + key] > pivot { j -= 1 }
                if i <= j {
                    swapRows(i, j)
                    i += 1; j -= 1
                }
            }
            if k <= j { b = j } else if k >= i { a = i } else { return }
        }
    }

    /// Original row index of tree position `t`.
    @inline(__always) func row(at t: Int) -> Int { Int(order[t]) }

    /// Number of points within `radius` (inclusive) of `q` (a pointer to `dimensions` values).
    public func countWithin(_ q: UnsafePointer<Double>, radius: Double) -> Int {
        var n = 0
        visitWithin(q, radius: radius) { _ in n += 1; return true }
        return n
    }

    /// Calls `body(originalRow)` for every point within `radius` of `q` until it returns false.
    @inline(__always)
    public func visitWithin(_ q: UnsafePointer<Double>, radius: Double, _ body: (Int) -> Bool) {
        visitPositionsWithin(q, radius: radius, after: -1) { body(Int(order[$0])) }
    }

    /// Calls `body(treePosition)` for every point within `radius` (inclusive) of `q` whose
    /// tree position is greater than `after` (subtrees entirely at or before it are
    /// skipped), until it returns false.
    @inline(__always)
    func visitPositionsWithin(_ q: UnsafePointer<Double>, radius: Double, after: Int, _ body: (Int) -> Bool) {
        if count == 0 { return }
        let r2 = radius * radius, d = dimensions
        withUnsafeTemporaryAllocation(of: Int32.self, capacity: 128) { stack in
            var top = 1
            stack[0] = 0
            points.withUnsafeBufferPointer { p in
                while top > 0 {
                    top -= 1
                    let node = Int(stack[top])
                    if Int(hi[node]) <= after + 1 { continue }
                    let l = left[node]
                    if l < 0 {
                        for t in max(Int(lo[node]), after + 1)..<Int(hi[node]) {
                            var s = 0.0
                            let base = t * d
                            for j in 0..<d { let v = p[base + j] - q[j]; s += v * v }
                            if s <= r2 && !body(t) { return }
                        }
                        continue
                    }
                    let diff = q[Int(splitDimension[node])] - splitValue[node]
                    let near = diff < 0 ? l : right[node]
                    let far = diff < 0 ? right[node] : l
                    if diff * diff <= r2 && top < 127 { stack[top] = far; top += 1 }
                    if top < 128 { stack[top] = near; top += 1 }
                }
            }
        }
    }

    /// Distance to the `k`-th nearest point of `q` (k ≥ 1; the query point itself counts
    /// when it is in the tree). `scratch` must hold at least k values.
    public func kthNearestDistance(_ q: UnsafePointer<Double>, k: Int, scratch: UnsafeMutablePointer<Double>) -> Double {
        let d = dimensions
        var filled = 0
        // scratch[0..<filled] sorted ascending squared distances.
        withUnsafeTemporaryAllocation(of: (Int32, Double).self, capacity: 128) { stack in
            var top = 1
            stack[0] = (0, 0)
            points.withUnsafeBufferPointer { p in
                while top > 0 {
                    top -= 1
                    let (node32, bound) = stack[top]
                    if filled == k && bound > scratch[k - 1] { continue }
                    let node = Int(node32)
                    let l = left[node]
                    if l < 0 {
                        for t in Int(lo[node])..<Int(hi[node]) {
                            var s = 0.0
                            let base = t * d
                            for j in 0..<d { let v = p[base + j] - q[j]; s += v * v }
                            if filled < k {
                                var i = filled
                                while i > 0 && scratch[i - 1] > s { scratch[i] = scratch[i - 1]; i -= 1 }
                                scratch[i] = s
                                filled += 1
                            } else if s < scratch[k - 1] {
                                var i = k - 1
                                while i > 0 && scratch[i - 1] > s { scratch[i] = scratch[i - 1]; i -= 1 }
                                scratch[i] = s
                            }
                        }
                        continue
                    }
                    let diff = q[Int(splitDimension[node])] - splitValue[node]
                    let near = diff < 0 ? l : right[node]
                    let far = diff < 0 ? right[node] : l
                    if top < 127 { stack[top] = (far, max(bound, diff * diff)); top += 1 }
                    if top < 128 { stack[top] = (near, bound); top += 1 }
                }
            }
        }
        return filled == 0 ? .infinity : scratch[filled - 1].squareRoot()
    }
}
