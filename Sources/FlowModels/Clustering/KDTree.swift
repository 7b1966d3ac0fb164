/// A k-d tree over the rows of a matrix for Euclidean radius and k-nearest queries.
/// Points are copied in tree order (contiguous leaves of up to `leafSize` rows); each
/// node splits on its widest dimension at the median. Queries walk an explicit stack and
/// allocate nothing per call except where a caller-supplied buffer grows.
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

    public init(_ x: FeatureMatrix) {
        dimensions = x.columns
        count = x.rows
        let d = x.columns
        var perm = (0..<x.rows).map { Int32($0) }
        var lo: [Int32] = [], hi: [Int32] = [], left: [Int32] = [], right: [Int32] = []
        var dims: [Int32] = [], values: [Double] = []
        var keys = [Double](repeating: 0, count: x.rows)
        // Iterative build: (node, range) work list.
        func newNode(_ a: Int, _ b: Int) -> Int {
            lo.append(Int32(a)); hi.append(Int32(b)); left.append(-1); right.append(-1)
            dims.append(0); values.append(0)
            return lo.count - 1
        }
        var work: [Int] = []
        if x.rows > 0 { work.append(newNode(0, x.rows)) }
        while let node = work.popLast() {
            let a = Int(lo[node]), b = Int(hi[node])
            if b - a <= KDTree.leafSize { continue }
            var bestDim = 0, bestSpread = -1.0
            for j in 0..<d {
                var mn = Double.infinity, mx = -Double.infinity
                for t in a..<b {
                    let v = x.values[Int(perm[t]) * d + j]
                    mn = min(mn, v); mx = max(mx, v)
                }
                if mx - mn > bestSpread { bestSpread = mx - mn; bestDim = j }
            }
            if bestSpread <= 0 { continue }
            for t in a..<b { keys[t] = x.values[Int(perm[t]) * d + bestDim] }
            let mid = (a + b) / 2
            KDTree.select(&perm, &keys, a, b - 1, mid)
            dims[node] = Int32(bestDim)
            values[node] = keys[mid]
            let l = newNode(a, mid), r = newNode(mid, b)
            left[node] = Int32(l); right[node] = Int32(r)
            work.append(l); work.append(r)
        }
        var pts = [Double](repeating: 0, count: x.rows * d)
        for t in 0..<x.rows {
            let src = Int(perm[t]) * d
            for j in 0..<d { pts[t * d + j] = x.values[src + j] }
        }
        points = pts
        order = perm
        self.lo = lo; self.hi = hi; self.left = left; self.right = right
        splitDimension = dims; splitValue = values
    }

    /// Quickselect on `keys[a...b]` (moving `perm` along) so that position `k` holds the
    /// k-th smallest key, smaller-or-equal keys before it, greater-or-equal after.
    static func select(_ perm: inout [Int32], _ keys: inout [Double], _ a0: Int, _ b0: Int, _ k: Int) {
        var a = a0, b = b0
        while a < b {
            let pivot = keys[(a + b) / 2]
            var i = a, j = b
            while i <= j {
                while keys[i] < pivot { i += 1 }
                while keys[j] > pivot { j -= 1 }
                if i <= j {
                    keys.swapAt(i, j); perm.swapAt(i, j)
                    i += 1; j -= 1
                }
            }
            if k <= j { b = j } else if k >= i { a = i } else { return }
        }
    }

    /// Number of points within `radius` (inclusive) of `q` (a pointer to `dimensions` values).
    public func countWithin(_ q: UnsafePointer<Double>, radius: Double) -> Int {
        var n = 0
        visitWithin(q, radius: radius) { _ in n += 1; return true }
        return n
    }

    /// Calls `body(originalRow)` for every point within `radius` of `q` until it returns false.
    @inline(__always)
    public func visitWithin(_ q: UnsafePointer<Double>, radius: Double, _ body: (Int) -> Bool) {
        if count == 0 { return }
        let r2 = radius * radius, d = dimensions
        withUnsafeTemporaryAllocation(of: Int32.self, capacity: 128) { stack in
            var top = 0
            stack[0] = 0; top = 1
            points.withUnsafeBufferPointer { p in
                while top > 0 {
                    top -= 1
                    let node = Int(stack[top])
                    let l = left[node]
                    if l < 0 {
                        for t in Int(lo[node])..<Int(hi[node]) {
                            var s = 0.0
                            let base = t * d
                            for j in 0..<d { let v = p[base + j] - q[j]; s += v * v }
                            if s <= r2 && !body(Int(order[t])) { return }
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

    /// Calls `body(treePosition)` for every point within `radius` of `q` whose tree
    /// position is greater than `after` (subtrees entirely at or before it are skipped).
    @inline(__always)
    func visitPositionsWithin(_ q: UnsafePointer<Double>, radius: Double, after: Int, _ body: (Int) -> Void) {
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
                            if s <= r2 { body(t) }
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
