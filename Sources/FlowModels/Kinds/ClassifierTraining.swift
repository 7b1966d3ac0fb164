import FlowArtifacts
import FlowCore
import FlowFeatures
import FlowNeural
import FlowRandom
import Foundation

/// The classifier's training data: which days train, validate and are held out, and the
/// labelled host windows of each part (docs/neural.md, "Host classifier").
///
/// Days, never rows, are split: the last `holdout_days` are held out for the evaluation,
/// the `validation_days` before them decide early stopping, the rest train. Samples are the
/// host windows with at least `host_min_flows` flows. Classes are `benign` and every label
/// with at least `min_class_windows` host windows in the training and validation days; rarer
/// labels are not learned (their windows leave training and are counted, not scored, in the
/// held-out days). The training part keeps a seeded sample of at most `max_benign` benign
/// windows (all of every other class), as does the validation part.
struct ClassifierSplit {
    var classes: [String]
    var trainRows: [Int] = [], trainClasses: [Int] = []
    var validationRows: [Int] = [], validationClasses: [Int] = []
    var heldOutRows: [Int] = [], heldOutClasses: [Int] = []
    /// Profile rows of the training and validation days (the scaling is fitted on them).
    var fittingRows: [Int] = []
    var counts: [String: [String: Int]] = [:]
    var rare: [ClassifierEvaluation.RareClass] = []
    var heldOutUnscored = 0
    var benignSampled = 0
    var trainingDays: ClassRange
    var validationDays: ClassRange?
    var heldOutDays: ClassRange

    typealias ClassRange = ClassifierEvaluation.DayRange

    /// Splits `days` (sorted) into training, validation and held-out days, or explains why
    /// there are too few.
    static func dayParts(_ days: [Int64], section: ClassifierSection) throws -> (train: ArraySlice<Int64>, validation: ArraySlice<Int64>, heldOut: ArraySlice<Int64>) {
        guard days.count >= 2 else {
            throw FlowModelsError.notEnoughData(detail: "the classifier holds out whole days and needs at least 2 days of data, got \(days.count)")
        }
        let holdout = section.holdoutDays ?? max(1, days.count / 3)
        guard holdout < days.count else {
            throw FlowModelsError.notEnoughData(detail: "models.classifier.holdout_days \(holdout) leaves no training day of \(days.count)")
        }
        let rest = days.count - holdout
        let validation = min(section.validationDays ?? (rest >= 3 ? max(1, rest / 6) : 0), rest - 1)
        return (days[0..<(rest - validation)], days[(rest - validation)..<rest], days[rest...])
    }

    static func range(_ days: ArraySlice<Int64>) -> ClassRange {
        ClassRange(from: CivilTime.dateString(day: days.first!), to: CivilTime.dateString(day: days.last!), days: days.count)
    }

    init(profiles: HostProfiles, labels: HostWindowLabels, days: [Int64], section: ClassifierSection, minFlows: Int, seed: UInt64) throws {
        let (train, validation, heldOut) = try Self.dayParts(days, section: section)
        trainingDays = Self.range(train)
        validationDays = validation.isEmpty ? nil : Self.range(validation)
        heldOutDays = Self.range(heldOut)
        let dayMillis = CivilTime.millisPerDay
        let validationStart = (validation.first ?? heldOut.first!) * dayMillis
        let heldOutStart = heldOut.first! * dayMillis
        var label: [String] = []
        var part: [Int] = []  // 0 train, 1 validation, 2 held out
        var sampleRows: [Int] = []
        for r in 0..<profiles.count {
            let s = profiles.windowStart[r]
            if s < heldOutStart { fittingRows.append(r) }
            guard profiles.features[r, 0] >= Double(minFlows) else { continue }
            sampleRows.append(r)
            label.append(labels.label(host: profiles.host[r], windowStart: s))
            part.append(s < validationStart ? 0 : s < heldOutStart ? 1 : 2)
        }
        let partNames = ["training", "validation", "held_out"]
        for (l, p) in zip(label, part) { counts[partNames[p], default: [:]][l, default: 0] += 1 }
        var learnable: [String: Int] = [:]
        for (l, p) in zip(label, part) where p < 2 { learnable[l, default: 0] += 1 }
        let names = learnable.filter { $0.key != HostWindowLabels.benign && $0.value >= section.minClassWindows }.keys.sorted()
        classes = [HostWindowLabels.benign] + names
        let index = Dictionary(uniqueKeysWithValues: classes.enumerated().map { ($1, $0) })
        let seen = Set(label)
        rare = seen.subtracting(classes).sorted().map {
            .init(name: $0, trainingWindows: learnable[$0] ?? 0, heldOutWindows: counts["held_out"]?[$0] ?? 0)
        }
        // Benign samples of the training and validation parts: a seeded sample each.
        var random = SplitMix64(seed: seed ^ 0xC1A5_5EED)
        for p in 0..<2 {
            let benign = (0..<sampleRows.count).filter { part[$0] == p && label[$0] == HostWindowLabels.benign }
            var keep = benign
            if benign.count > section.maxBenign {
                var pool = benign
                random.shuffle(&pool)
                keep = Array(pool.prefix(section.maxBenign)).sorted()
            }
            if p == 0 { benignSampled = keep.count }
            let kept = Set(keep)
            for k in 0..<sampleRows.count where part[k] == p {
                guard let c = index[label[k]], label[k] != HostWindowLabels.benign || kept.contains(k) else { continue }
                if p == 0 { trainRows.append(sampleRows[k]); trainClasses.append(c) } else { validationRows.append(sampleRows[k]); validationClasses.append(c) }
            }
        }
        for k in 0..<sampleRows.count where part[k] == 2 {
            if let c = index[label[k]] {
                heldOutRows.append(sampleRows[k])
                heldOutClasses.append(c)
            } else {
                heldOutUnscored += 1
            }
        }
    }

    /// Per-class loss weights: `none` 1; `balanced` n / (k · n_c); `sqrt` √(n_benign / n_c),
    /// so benign keeps 1 and rarer classes weigh more, less steeply than `balanced`.
    func classWeights(_ kind: String) -> [Float]? {
        var n = [Int](repeating: 0, count: classes.count)
        for c in trainClasses { n[c] += 1 }
        switch kind {
        case "balanced":
            let total = Double(trainClasses.count), k = Double(classes.count)
            return n.map { $0 > 0 ? Float(total / (k * Double($0))) : 1 }
        case "sqrt":
            let benign = Double(max(n[0], 1))
            return n.map { $0 > 0 ? Float((benign / Double($0)).squareRoot()) : 1 }
        default:
            return nil
        }
    }
}
