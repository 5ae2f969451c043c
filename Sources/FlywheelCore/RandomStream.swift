import CGSL

/// A seeded pseudo-random stream backed by GSL's MT19937.
///
/// All randomness in a run flows from the scenario seed through named sub-streams
/// (``RandomStream/derive(_:_:)``), so a component's draws depend only on the seed and its name,
/// never on which thread ran it or in what order.
///
/// `@unchecked Sendable`: every draw mutates the GSL state without a lock, which the compiler
/// cannot see is safe. It is, because a stream is owned by one component of one simulation (or
/// one traffic cursor) and used by one thread at a time: the runner moves a simulation between
/// threads only between chunks, handing it over through a lock (`Slots`), and never shares one.
public final class RandomStream: @unchecked Sendable {
    private let rng: UnsafeMutablePointer<gsl_rng>

    /// A stream seeded with `seed` (GSL uses its low 32 bits; derive seeds with ``derive(_:_:)``).
    public init(seed: UInt64) {
        rng = gsl_rng_alloc(flywheel_rng_mt19937())
        gsl_rng_set(rng, UInt(seed & 0xFFFF_FFFF))
    }

    /// A stream for the named part of a run: `RandomStream(seed: 42, path: "replicate", 3, "traffic")`.
    public convenience init(seed: UInt64, path parts: any CustomStringConvertible...) {
        self.init(seed: RandomStream.derive(seed, parts.map { $0.description }))
    }

    deinit { gsl_rng_free(rng) }

    /// Mixes a base seed with a path of names (FNV-1a over the path, then SplitMix64 finalisation).
    public static func derive(_ seed: UInt64, _ parts: [String]) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325 ^ seed
        for part in parts {
            for b in part.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
            h = (h ^ 0x1f) &* 0x100_0000_01b3
        }
        var z = h &+ 0x9e37_79b9_7f4a_7c15
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        let mixed = z ^ (z >> 31)
        return (mixed ^ (mixed >> 32)) & 0xFFFF_FFFF
    }

    /// Uniform on [0, 1).
    @inline(__always) public func uniform() -> Double { gsl_rng_uniform(rng) }

    /// Uniform on [a, b).
    @inline(__always) public func uniform(_ a: Double, _ b: Double) -> Double { a + (b - a) * gsl_rng_uniform(rng) }

    /// An integer uniform on 0..<n (n ≥ 1).
    @inline(__always) public func int(below n: Int) -> Int { Int(gsl_rng_uniform_int(rng, UInt(n))) }

    /// Normal with mean 0 and standard deviation `sigma` (ziggurat).
    @inline(__always) public func gaussian(_ sigma: Double = 1) -> Double { gsl_ran_gaussian_ziggurat(rng, sigma) }

    /// True with probability `p`.
    @inline(__always) public func bernoulli(_ p: Double) -> Bool { gsl_rng_uniform(rng) < p }

    /// Exponential with the given mean.
    public func exponential(mean: Double) -> Double { gsl_ran_exponential(rng, mean) }

    /// Poisson with mean `mu`.
    public func poisson(_ mu: Double) -> Int { Int(gsl_ran_poisson(rng, mu)) }

    /// Shuffles the buffer in place (Fisher–Yates with this stream's draws).
    public func shuffle<T>(_ a: inout [T]) {
        guard a.count > 1 else { return }
        for i in stride(from: a.count - 1, to: 0, by: -1) { a.swapAt(i, int(below: i + 1)) }
    }
}
