import FlywheelCore

/// A mergeable frequency sketch for categories: Misra & Gries (1982, "Finding repeated
/// elements") with the merge of Agarwal, Cormode, Huang, Phillips, Wei & Yi (2012, "Mergeable
/// Summaries").
///
/// Keeps at most `capacity` counters. While no more than `capacity` distinct keys have been seen
/// the counts are exact. Otherwise, when a new key arrives and all counters are taken, every
/// counter (the new one included) is lowered by the smallest of them and the zeros are dropped.
///
/// **Error bound.** For every key, `estimate(key) ≤ true count ≤ estimate(key) + errorBound`, where
/// `errorBound` is the total amount subtracted from each counter (tracked exactly through merges)
/// and never exceeds `(count − Σ counters)/(capacity + 1) ≤ count/(capacity + 1)`.
public struct FrequencySketch<Key: Hashable & Sendable>: Sendable {
    /// Maximum number of counters (default 100).
    public let capacity: Int
    /// Tracked keys and their estimated counts, in parallel slots; `slot` maps a key to its slot.
    private var keys: [Key]
    private var counts: [Int]
    private var slot: [Key: Int]
    /// Items summarised.
    public private(set) var count: Int = 0
    /// Largest possible underestimate of any key's count.
    public private(set) var errorBound: Int = 0

    /// An empty sketch with room for `capacity` counters (at least 1).
    public init(capacity: Int = 100) {
        self.capacity = max(1, capacity)
        keys = []
        counts = []
        slot = [:]
        keys.reserveCapacity(self.capacity + 1)
        counts.reserveCapacity(self.capacity + 1)
        slot.reserveCapacity(self.capacity + 1)
    }

    /// True while every count is exact (no counter was ever lowered).
    public var isExact: Bool { errorBound == 0 }

    /// The counters (estimated counts, each an underestimate by at most ``errorBound``).
    public var counters: [Key: Int] {
        var d = [Key: Int](minimumCapacity: keys.count)
        for i in 0..<keys.count { d[keys[i]] = counts[i] }
        return d
    }

    /// Adds `weight` (≥ 1) occurrences of `key`.
    ///
    /// - Complexity: O(1) when the key is tracked or a counter is free; O(capacity) otherwise,
    ///   which happens at most `count/(capacity+1)` times in all (amortised O(1)). Allocates
    ///   nothing once the table has held `capacity + 1` keys.
    public mutating func insert(_ key: Key, weight: Int = 1) {
        guard weight > 0 else { return }
        count += weight
        if let i = slot[key] {
            counts[i] += weight
            return
        }
        slot[key] = keys.count
        keys.append(key)
        counts.append(weight)
        if keys.count > capacity {
            // Exactly capacity + 1 counters: the (capacity+1)-th largest is the smallest.
            var cut = Int.max
            for c in counts where c < cut { cut = c }
            lower(by: cut)
        }
    }

    /// Folds `other` into this sketch (sum the counters, then lower all by the (capacity+1)-th
    /// largest and drop the non-positive ones).
    ///
    /// - Complexity: O((c₁ + c₂) log(c₁ + c₂)).
    public mutating func merge(_ other: FrequencySketch<Key>) {
        count += other.count
        errorBound += other.errorBound
        for i in 0..<other.keys.count {
            let key = other.keys[i]
            if let j = slot[key] {
                counts[j] += other.counts[i]
            } else {
                slot[key] = keys.count
                keys.append(key)
                counts.append(other.counts[i])
            }
        }
        if keys.count > capacity {
            let sorted = counts.sorted(by: >)
            lower(by: sorted[capacity])
        }
    }

    /// Subtracts `cut` from every counter and drops those that reach 0 (swap-remove, in place).
    private mutating func lower(by cut: Int) {
        errorBound += cut
        var i = keys.count - 1
        while i >= 0 {
            counts[i] -= cut
            if counts[i] <= 0 {
                slot.removeValue(forKey: keys[i])
                let last = keys.count - 1
                if i != last {
                    keys[i] = keys[last]
                    counts[i] = counts[last]
                    slot[keys[i]] = i
                }
                keys.removeLast()
                counts.removeLast()
            }
            i -= 1
        }
    }

    /// The estimated count of `key` (0 when untracked); the true count lies in
    /// `estimate … estimate + errorBound`.
    public func estimate(_ key: Key) -> Int { slot[key].map { counts[$0] } ?? 0 }

    /// Keys currently tracked, in slot order.
    public var trackedKeys: [Key] { keys }

    /// Items not attributed to any tracked key (`count − Σ counters`), at least
    /// `(capacity + 1)·errorBound`.
    public var unattributed: Int { count - counts.reduce(0, +) }
}

extension FrequencySketch {
    /// Frequency vectors of two sketches over the union of their tracked keys, plus one last
    /// "other" entry for the unattributed mass of each, ready for ``FrequencyDistance``. When both
    /// sketches are exact the vectors are the exact category counts (the "other" entry is 0).
    ///
    /// Each tracked count is low by at most the sketch's `errorBound`, so each normalised
    /// frequency (other than "other") is off by at most `errorBound/count`.
    public static func alignedCounts(reference: FrequencySketch<Key>, current: FrequencySketch<Key>) -> (keys: [Key], reference: [Double], current: [Double]) {
        var keys: [Key] = []
        var seen = Set<Key>()
        for key in reference.trackedKeys where seen.insert(key).inserted { keys.append(key) }
        for key in current.trackedKeys where seen.insert(key).inserted { keys.append(key) }
        var p = keys.map { Double(reference.estimate($0)) }
        var q = keys.map { Double(current.estimate($0)) }
        p.append(Double(reference.unattributed))
        q.append(Double(current.unattributed))
        return (keys, p, q)
    }
}
