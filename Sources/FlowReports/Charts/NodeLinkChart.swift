import Foundation

/// A small node-link drawing of one host's neighbourhood: the centre in the middle, its
/// neighbours on a circle in a fixed order (heaviest first, then by name), edges with a
/// width by weight. Deterministic: same input, same drawing.
public struct NodeLinkChart: Sendable {
    public struct Node: Sendable, Equatable {
        public var id: String
        public var highlighted: Bool
        public init(id: String, highlighted: Bool = false) {
            self.id = id
            self.highlighted = highlighted
        }
    }

    public struct Edge: Sendable, Equatable {
        public var source: String
        public var target: String
        public var weight: Double
        public var isNew: Bool
        public init(source: String, target: String, weight: Double, isNew: Bool = false) {
            self.source = source
            self.target = target
            self.weight = weight
            self.isNew = isNew
        }
    }

    public var title: String
    public var centre: String
    public var nodes: [Node]
    public var edges: [Edge]
    public var width = 760
    public var height = 440
    /// Neighbours drawn at most (the heaviest).
    public var maxNeighbours = 24
    /// Neighbour circle radius as a share of the width (at most; the height bounds it too).
    public var radiusShare = 0.3
    /// Characters of a neighbour's name before it is cut.
    public var labelLimit = 26

    /// The same drawing for a phone-width page: 380 units wide (about the screen's width,
    /// so text keeps its size), the 12 heaviest neighbours on a smaller circle, so that
    /// their names fit beside it.
    public var compact: NodeLinkChart {
        var c = self
        c.width = 380
        c.height = 340
        c.maxNeighbours = 12
        c.radiusShare = 0.2
        c.labelLimit = 15
        return c
    }

    public init(title: String, centre: String, nodes: [Node], edges: [Edge]) {
        self.title = title
        self.centre = centre
        self.nodes = nodes
        self.edges = edges
    }

    public func svg(standalone: Bool, id: String? = nil) -> String {
        var b = SVGBuilder(width: width, height: height, title: title, standalone: standalone, id: id)
        let wide = width >= 500
        b.label(8, 18, wide ? title : SVGBuilder.truncate(title, 44), cls: "title", tooltip: wide ? nil : title)
        // Neighbour weight = total weight of its edges with the centre.
        var weight: [String: Double] = [:]
        for e in edges {
            if e.source == centre && e.target != centre { weight[e.target, default: 0] += max(e.weight, 0) }
            if e.target == centre && e.source != centre { weight[e.source, default: 0] += max(e.weight, 0) }
        }
        for n in nodes where n.id != centre && weight[n.id] == nil { weight[n.id] = 0 }
        let ordered = weight.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.prefix(maxNeighbours).map(\.key)
        let cx = Double(width) / 2, cy = (Double(height) + 24) / 2
        let radius = min(Double(width) * radiusShare, (Double(height) - 90) / 2)
        var position: [String: (Double, Double)] = [centre: (cx, cy)]
        for (i, id) in ordered.enumerated() {
            let angle = -Double.pi / 2 + 2 * Double.pi * Double(i) / Double(max(ordered.count, 1))
            position[id] = (cx + radius * cos(angle), cy + radius * sin(angle))
        }
        let maxWeight = edges.map(\.weight).filter(\.isFinite).max() ?? 1
        let drawn = edges.filter { position[$0.source] != nil && position[$0.target] != nil && $0.source != $0.target }
            .sorted { ($0.source, $0.target) < ($1.source, $1.target) }
        for e in drawn {
            let a = position[e.source]!, c = position[e.target]!
            let w = maxWeight > 0 && e.weight > 0 ? 0.8 + 3.2 * log1p(e.weight) / log1p(maxWeight) : 0.8
            b.raw("<line class=\"\(e.isNew ? "newedge" : "edge")\" stroke-width=\"\(SVGBuilder.num(w))\" x1=\"\(SVGBuilder.num(a.0))\" y1=\"\(SVGBuilder.num(a.1))\" x2=\"\(SVGBuilder.num(c.0))\" y2=\"\(SVGBuilder.num(c.1))\"><title>\(Escape.svg(e.source + " → " + e.target))</title></line>")
        }
        let highlighted = Set(nodes.filter(\.highlighted).map(\.id))
        for id in ordered {
            let p = position[id]!
            b.circle(p.0, p.1, 6, cls: highlighted.contains(id) ? "hot" : "node", tooltip: id)
            let right = p.0 >= cx - 1
            b.label(p.0 + (right ? 10 : -10), p.1 + 4, SVGBuilder.truncate(id, labelLimit), cls: "tick halo", anchor: right ? .start : .end, tooltip: id)
        }
        b.circle(cx, cy, 10, cls: "hot", tooltip: centre)
        b.label(cx, cy + 26, SVGBuilder.truncate(centre, wide ? 40 : 30), cls: "title halo", anchor: .middle)
        if ordered.isEmpty {
            b.label(cx, cy + 46, "no neighbours recorded", cls: "empty", anchor: .middle)
        }
        if weight.count > ordered.count {
            b.label(8, Double(height) - 8, "\(weight.count - ordered.count) more neighbours not drawn", cls: "sub")
        }
        return b.finish()
    }
}
