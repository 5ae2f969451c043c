import Foundation

/// Distribution of the one-sample Kolmogorov–Smirnov statistics for a finite sample size, as
/// SciPy 1.17 evaluates it (`scipy.stats.kstwo`, `scipy.special.smirnov`).
///
/// The two-sided `D_n = sup |F_n − F|` follows Simard & L'Ecuyer (2011), "Computing the Two-Sided
/// Kolmogorov–Smirnov Distribution", J. Stat. Software 39(11): the Ruben–Gambino closed forms at
/// the extremes; the exact one-sided Smirnov (Birnbaum & Tingey 1951) sum doubled where the
/// two-sided tail is that sum to double precision (`x ≥ 0.5`, or `n·x² ≥ 2.2` for the survival
/// function); the Durbin (1968) matrix algorithm in the Marsaglia, Tsang & Wang (2003) form for
/// small `n·x^1.5`; the Pomeranz (1974) recursion for `n ≤ 140` and `0.754693 < n·x² ≤ 4`;
/// and the Pelz & Good (1976) asymptotic series otherwise.
public enum KolmogorovDistribution {
    /// `P(D_n ≥ x)`, the survival function of the two-sided statistic (SciPy `kstwo.sf(x, n)`).
    public static func survival(n: Int, x: Double) -> Double { kolmogn(n: n, x: x, cdf: false) }

    /// `P(D_n ≤ x)` (SciPy `kstwo.cdf(x, n)`).
    public static func cdf(n: Int, x: Double) -> Double { kolmogn(n: n, x: x, cdf: true) }

    @inline(__always) private static func select(_ cdfProb: Double, _ sfProb: Double, _ cdf: Bool) -> Double {
        let p = cdf ? cdfProb : sfProb
        return p < 0 ? 0 : (p > 1 ? 1 : p)
    }

    private static func kolmogn(n: Int, x: Double, cdf: Bool) -> Double {
        guard n > 0, !x.isNaN else { return .nan }
        if x >= 1 { return select(1, 0, cdf) }
        if x <= 0 { return select(0, 1, cdf) }
        let nd = Double(n)
        let t = nd * x
        if t <= 1 {
            if t <= 0.5 { return select(0, 1, cdf) }
            var prd = 1.0
            let mlt = 2 * t - 1
            for m in 1...n { prd = prd * Double(m) * mlt / nd }
            return select(prd, 1 - prd, cdf)
        }
        if t >= nd - 1 {
            let prob = 2 * pow(1 - x, nd)
            return select(1 - prob, prob, cdf)
        }
        if x >= 0.5 {
            let prob = 2 * smirnovSurvival(n: n, x: x)
            return select(1 - prob, prob, cdf)
        }
        let nxSquared = t * x
        if n <= 140 {
            if nxSquared <= 0.754693 {
                let prob = durbinMTW(n: n, d: x)
                return select(prob, 1 - prob, cdf)
            }
            if nxSquared <= 4 {
                let prob = pomeranz(n: n, x: x)
                return select(prob, 1 - prob, cdf)
            }
            let prob = 2 * smirnovSurvival(n: n, x: x)
            return select(1 - prob, prob, cdf)
        }
        if cdf {
            if nxSquared >= 18 { return 1 }
            if n <= 100_000 && nd * pow(x, 1.5) <= 1.4 {
                let prob = durbinMTW(n: n, d: x)
                return select(prob, 1 - prob, true)
            }
            return select(pelzGood(n: n, x: x), 0, true)
        }
        if nxSquared >= 370 { return 0 }
        if nxSquared >= 2.2 {
            let prob = 2 * smirnovSurvival(n: n, x: x)
            return select(1 - prob, prob, false)
        }
        let c = kolmogn(n: n, x: x, cdf: true)
        return select(c, 1 - c, false)
    }

    /// `P(D_n⁺ ≥ x)` for the one-sided statistic `D_n⁺ = sup (F_n − F)` (SciPy `special.smirnov`):
    /// the Birnbaum–Tingey sum `x · Σ_{j=0}^{⌊n(1−x)⌋} C(n, j) (1 − x − j/n)^{n−j} (x + j/n)^{j−1}`,
    /// summed in log space term by term (all terms are positive, so no cancellation).
    ///
    /// - Complexity: O(n) at worst; the sum stops once the remaining terms cannot change it.
    public static func smirnovSurvival(n: Int, x: Double) -> Double {
        guard n > 0, x >= 0, x <= 1 else { return .nan }
        if n == 1 { return 1 - x }
        if x == 0 { return 1 }
        if x == 1 { return 0 }
        let nd = Double(n)
        if -2 * nd * x * x < -708.3964185322641 { return 0 }
        let nx = nd * x
        if nx.rounded(.down) >= nd - 1 { return pow(1 - x, nd) }
        // Terms j = 0 ..< nTerms are those with 1 − x − j/n > 0.
        let nxFloor = nx.rounded(.down)
        let nTerms = n - Int(nxFloor) - (nx == nxFloor ? 1 : 0)
        var sum = 0.0
        var logBinomial = 0.0 // log C(n, j)
        for j in 0..<nTerms {
            let upper = (Double(n - j) - nx) / nd // 1 − x − j/n
            let lower = (Double(j) + nx) / nd // x + j/n
            let term = exp(logBinomial + Double(n - j) * log(upper) + Double(j - 1) * log(lower))
            sum += term
            // SciPy's stopping rule: the remaining terms cannot change the sum.
            if term != 0 {
                if 4 * Double(nTerms - j) * term < Double.ulpOfOne * sum && j != nTerms - 1 { break }
            } else if j > n / 2 {
                break
            }
            logBinomial += log(Double(n - j)) - log(Double(j + 1))
        }
        return min(max(x * sum, 0), 1)
    }

    /// The Durbin (1968) matrix algorithm for `P(D_n ≤ d)` as Marsaglia, Tsang & Wang (2003)
    /// compute it: the k-th diagonal entry of `H^n`, times `n!/n^n`, with `k = ⌈n·d⌉` and an
    /// `(2k−1) × (2k−1)` matrix `H`; intermediate powers are rescaled by 2^128.
    ///
    /// - Complexity: O(k³ log n) time, O(k²) memory.
    static func durbinMTW(n: Int, d: Double) -> Double {
        let nd = Double(n)
        if d <= 0.5 / nd { return 0 }
        if d >= 1 { return 1 }
        let ndd = nd * d
        let k = Int(ndd.rounded(.up))
        let h = Double(k) - ndd
        let m = 2 * k - 1
        if k == 1 {
            if ndd <= 0.5 { return 0 }
            let nu = 2 * d - 1 / nd
            if n < 10 {
                var f = 1.0
                for i in 1...n { f *= Double(i) }
                return f * pow(nu, nd)
            }
            let logp = lgamma(nd + 1) + nd * log(nu)
            return logp < -708 ? 0 : exp(logp)
        }
        if k == n { return 1 - 2 * pow(1 - d, nd) }
        let scaleUp = 0x1p128, scaleDown = 0x1p-128
        var H = [Double](repeating: 0, count: m * m)
        var v = [Double](repeating: 0, count: m)
        var w = [Double](repeating: 0, count: m)
        var fac = 1.0
        for j in 1...m {
            w[j - 1] = fac
            fac /= Double(j)
            v[j - 1] = (1 - pow(h, Double(j))) * fac
        }
        var last = 1 - 2 * pow(h, Double(m))
        if 2 * h - 1 > 0 { last += pow(2 * h - 1, Double(m)) }
        v[m - 1] = last * fac
        for i in 1..<m {
            for r in (i - 1)..<m { H[r * m + i] = w[r - (i - 1)] }
        }
        for r in 0..<m { H[r * m] = v[r] }
        for c in 0..<m { H[(m - 1) * m + c] = v[m - 1 - c] }

        func multiply(_ a: [Double], _ b: [Double]) -> [Double] {
            var out = [Double](repeating: 0, count: m * m)
            for i in 0..<m {
                for l in 0..<m {
                    let ail = a[i * m + l]
                    if ail == 0 { continue }
                    for j in 0..<m { out[i * m + j] += ail * b[l * m + j] }
                }
            }
            return out
        }
        var power = [Double](repeating: 0, count: m * m)
        for i in 0..<m { power[i * m + i] = 1 }
        var nn = n
        var exponent = 0, hExponent = 0
        while nn > 0 {
            if nn % 2 == 1 {
                power = multiply(power, H)
                exponent += hExponent
            }
            H = multiply(H, H)
            hExponent *= 2
            if abs(H[(k - 1) * m + (k - 1)]) > scaleUp {
                for i in 0..<(m * m) { H[i] /= scaleUp }
                hExponent += 128
            }
            nn /= 2
        }
        var p = power[(k - 1) * m + (k - 1)]
        for i in 1...n {
            p = Double(i) * p / nd
            if abs(p) < scaleDown {
                p *= scaleUp
                exponent -= 128
            }
        }
        while exponent > 0 { p *= scaleUp; exponent -= 128 }
        while exponent < 0 { p *= scaleDown; exponent += 128 }
        return p
    }

    /// The Pomeranz (1974, CACM Algorithm 487) recursion for `P(D_n ≤ x)`: 2n + 1 convolutions of
    /// truncated Poisson-like weights over a band of width O(n·x), rescaled by 2^128 as needed,
    /// times n! (SciPy's `_kolmogn_Pomeranz`).
    ///
    /// - Complexity: O(n·(n·x)²).
    static func pomeranz(n: Int, x: Double) -> Double {
        let nd = Double(n)
        let t = nd * x
        let ll = Int(t.rounded(.down))
        let f = t - Double(ll)
        let g = min(f, 1 - f)
        let ceilf = f > 0 ? 1 : 0
        let roundf = f > 0.5 ? 1 : 0
        let npwrs = 2 * (ll + 1)
        var gpower = [Double](repeating: 0, count: npwrs)
        var twogpower = gpower, onem2gpower = gpower
        gpower[0] = 1; twogpower[0] = 1; onem2gpower[0] = 1
        let gOverN = g / nd, twoGOverN = 2 * g / nd, oneMinusTwoGOverN = (1 - 2 * g) / nd
        for m in 1..<npwrs {
            gpower[m] = gpower[m - 1] * gOverN / Double(m)
            twogpower[m] = twogpower[m - 1] * twoGOverN / Double(m)
            onem2gpower[m] = onem2gpower[m - 1] * oneMinusTwoGOverN / Double(m)
        }
        func bounds(_ i: Int) -> (Int, Int) {
            var j1: Int, j2: Int
            if i == 0 {
                j1 = -ll - ceilf - 1; j2 = ll + ceilf - 1
            } else {
                let idiv2 = (i + 1) / 2
                if (i + 1) % 2 == 0 {
                    if idiv2 == n + 1 {
                        j1 = n - ll - ceilf - 1; j2 = n + ll + ceilf - 1
                    } else {
                        j1 = idiv2 - 1 - ll - roundf - 1; j2 = idiv2 + ll - 1 + ceilf - 1
                    }
                } else {
                    j1 = idiv2 - 1 - ll - 1; j2 = idiv2 + ll + roundf - 1
                }
            }
            return (max(j1 + 2, 0), min(j2, n))
        }
        let scaleUp = 0x1p128, scaleDown = 0x1p-128
        var v0 = [Double](repeating: 0, count: npwrs)
        var v1 = [Double](repeating: 0, count: npwrs)
        v1[0] = 1
        var v0s = 0, v1s = 0
        var exponent = 0
        var (j1, j2) = bounds(0)
        for i in 1..<(2 * n + 2) {
            let k1 = j1
            swap(&v0, &v1)
            swap(&v0s, &v1s)
            for idx in 0..<npwrs { v1[idx] = 0 }
            (j1, j2) = bounds(i)
            let pwrs = (i == 1 || i == 2 * n + 1) ? gpower : (i % 2 == 1 ? twogpower : onem2gpower)
            let ln2 = j2 - k1 + 1
            if ln2 > 0 {
                // conv = convolve(v0[k1 − v0s ..< k1 − v0s + ln2], pwrs[..<ln2]); keep
                // conv[j1 − k1 ..< j1 − k1 + (j2 − j1 + 1)].
                let aStart = k1 - v0s
                let aLen = max(0, min(ln2, npwrs - aStart))
                let bLen = min(ln2, npwrs)
                let convLen = aLen + bLen - 1
                let convStart = j1 - k1
                let keep = j2 - j1 + 1
                var maxV = 0.0
                if keep > 0 {
                    for out in 0..<keep {
                        let kk = convStart + out
                        if kk < 0 || kk >= convLen { continue }
                        var sum = 0.0
                        let lo = max(0, kk - (bLen - 1)), hi = min(kk, aLen - 1)
                        if lo <= hi { for ia in lo...hi { sum += v0[aStart + ia] * pwrs[kk - ia] } }
                        v1[out] = sum
                        maxV = max(maxV, sum)
                    }
                }
                if maxV > 0 && maxV < scaleDown {
                    for idx in 0..<npwrs { v1[idx] *= scaleUp }
                    exponent -= 128
                }
                v1s = v0s + j1 - k1
            } else {
                v1s = v0s
            }
        }
        var ans = v1[n - v1s]
        for m in 1...n {
            if abs(ans) > scaleUp {
                ans *= scaleDown
                exponent += 128
            }
            ans *= Double(m)
        }
        if exponent != 0 { ans = scalbn(ans, exponent) }
        return ans
    }

    /// The Pelz & Good (1976) approximation to `P(D_n ≤ x)`: the Li-Chien/Korolyuk expansion
    /// `K₀(z) + K₁(z)/√n + K₂(z)/n + K₃(z)/n^{3/2}` with `z = √n·x`, each term rewritten with the
    /// Jacobi theta functional equation for small `z` (SciPy's `_kolmogn_PelzGood`).
    static func pelzGood(n: Int, x: Double) -> Double {
        if x <= 0 { return 0 }
        if x >= 1 { return 1 }
        let nd = Double(n)
        let z = nd.squareRoot() * x
        let pi2 = Double.pi * Double.pi
        let pi4 = pow(Double.pi, 4)
        let pi6 = pow(Double.pi, 6)
        let z2 = z * z, z4 = pow(z, 4), z6 = pow(z, 6)
        var q = exp(-pi2 / 8 / z2)
        let k1a = -z2
        let k1b = pi2 / 4
        let k2a = 6 * z6 + 2 * z4
        let k2b = (2 * z4 - 5 * z2) * pi2 / 4
        let k2c = pi4 * (1 - 2 * z2) / 16
        let k3d = pi6 * (5 - 30 * z2) / 64
        let k3c = pi4 * (-60 * z2 + 212 * z4) / 16
        var k3b = pi2 * (135 * z4 - 96 * z6) / 4
        let k3a = -30 * z6 - 90 * pow(z, 8)
        var s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0
        let maxk = Int((16 * z / Double.pi).rounded(.up))
        var k = maxk
        while k >= 1 {
            let mm = Double(2 * k - 1)
            let m2 = mm * mm, m4 = pow(mm, 4), m6 = pow(mm, 6)
            let t = pow(q, Double(8 * (k - 1)))
            s0 += 1
            s1 += k1a + k1b * m2
            s2 += k2a + k2b * m2 + k2c * m4
            s3 += k3a + k3b * m2 + k3c * m4 + k3d * m6
            s0 *= t; s1 *= t; s2 *= t; s3 *= t
            k -= 1
        }
        s0 *= q; s1 *= q; s2 *= q; s3 *= q
        let sqrt2pi = (2 * Double.pi).squareRoot()
        s0 *= sqrt2pi / z
        s1 *= sqrt2pi / 6 / z4
        s2 *= sqrt2pi / 72 / pow(z, 7)
        s3 *= sqrt2pi / 6480 / pow(z, 10)
        q = exp(-pi2 / 2 / z2)
        k3b = 3 * pi2 * z2
        let k3cExtra = -pi4
        var e2 = 0.0, e3 = 0.0
        k = maxk
        while k >= 1 {
            let kd = Double(k)
            let k2 = kd * kd, k4 = pow(kd, 4)
            let t = pow(q, Double(2 * k - 1))
            e2 += k2
            e3 += k3b * k2 + k3cExtra * k4
            e2 *= t; e3 *= t
            k -= 1
        }
        e2 *= -sqrt2pi * pi2 / 36 / pow(z, 3)
        e3 *= sqrt2pi / 216 / z6
        s2 += e2
        s3 += e3
        return s0 + s1 / pow(nd, 0.5) + s2 / pow(nd, 1.0) + s3 / pow(nd, 1.5)
    }
}
