import FlywheelCore

/// Agrawal loan-applicant functions (Agrawal, Imielinski & Swami, "Database mining: a
/// performance perspective", IEEE TKDE 5(6), 1993), as MOA's `AgrawalGenerator` defines them.
///
/// Nine attributes, in this order (categoricals encoded as their index):
/// - `salary` ~ U(20k, 150k)
/// - `commission` = 0 if salary ≥ 75k, else ~ U(10k, 75k)
/// - `age` uniform integer in 20...80
/// - `elevel` (education level) uniform integer in 0...4
/// - `car` (maker) uniform integer in 0...19 (MOA's `car1`…`car20`)
/// - `zipcode` uniform integer in 0...8 (MOA's `zipcode1`…`zipcode9`)
/// - `hvalue` = (9 − zipcode) · 100k · U(0.5, 1.5)
/// - `hyears` uniform integer in 1...30
/// - `loan` ~ U(0, 500k)
///
/// Concepts 0–9 are the paper's classification functions F1–F10 (page 924; MOA's functions
/// 1–10). Class 0 is the paper's "group A" (the function's condition holds), class 1 "group B",
/// as in MOA (River numbers the classes the other way round). Labels are computed from the clean
/// inputs after the covariate transform; `elevel` is rounded to the nearest index for the set
/// tests of F3/F4.
///
/// `perturbation` p (default 0; MOA's default is 0.05) then perturbs the served numeric
/// attributes as in the paper's public C code and MOA: `v += range · U(−1, 1) · p`, clamped to the
/// attribute's range (age and hyears rounded). House value is clamped to its zipcode's support
/// `[(9 − z)·50k, (9 − z)·150k]` (MOA clamps it to [0, 135k], which collapses most values; that is
/// not followed). The label is not recomputed, so p > 0 makes the inputs noisy measurements.
///
/// Bayes-optimal accuracy: 1 without perturbation; NaN (no closed form) with it.
/// Concepts are discrete: `blend`/`toward` are ignored; mix concepts with a gradual schedule.
public struct AgrawalGenerator: StreamGenerator {
    public static let info = ComponentInfo(
        family: "generator", name: "agrawal",
        summary: "Nine loan-applicant attributes (salary, commission, age, elevel, car, zipcode, hvalue, hyears, loan); concepts 0-9 are the paper's functions F1-F10 (class 0 = group A).",
        parameters: [
            ParameterInfo("perturbation", .real(0), "Fraction p of each numeric attribute's range used to perturb served values (0...1); labels come from the clean values.", shown: "0"),
        ],
        reference: "Agrawal, Imielinski & Swami, IEEE TKDE 5(6), 1993")

    public let schema = FeatureSchema(
        features: ["salary", "commission", "age", "elevel", "car", "zipcode", "hvalue", "hyears", "loan"],
        classes: ["groupA", "groupB"])
    public var conceptCount: Int { 10 }
    public var bayesAccuracy: Double { perturbation > 0 ? .nan : 1 }
    public let perturbation: Double

    public init(perturbation: Double = info.defaultNumber("perturbation")) throws {
        guard perturbation >= 0, perturbation <= 1 else {
            throw FlywheelError("agrawal: perturbation must be in [0, 1], got \(perturbation)", key: "perturbation")
        }
        self.perturbation = perturbation
    }

    @inline(__always) private static func within(_ v: Double, _ lo: Double, _ hi: Double) -> Bool { lo <= v && v <= hi }

    /// The class (0 = group A, 1 = group B) function F(`function` + 1) gives to `x`.
    /// - Complexity: O(1).
    public static func label(_ x: UnsafeBufferPointer<Double>, function: Int) -> Double {
        let salary = x[0], commission = x[1], age = x[2], elevel = x[3], hvalue = x[6], hyears = x[7], loan = x[8]
        let level = elevel.rounded()
        let groupA: Bool
        switch function {
        case 0:
            groupA = age < 40 || age >= 60
        case 1:
            if age < 40 { groupA = within(salary, 50_000, 100_000) }
            else if age < 60 { groupA = within(salary, 75_000, 125_000) }
            else { groupA = within(salary, 25_000, 75_000) }
        case 2:
            if age < 40 { groupA = level == 0 || level == 1 }
            else if age < 60 { groupA = level >= 1 && level <= 3 }
            else { groupA = level >= 2 && level <= 4 }
        case 3:
            if age < 40 {
                groupA = (level == 0 || level == 1) ? within(salary, 25_000, 75_000) : within(salary, 50_000, 100_000)
            } else if age < 60 {
                groupA = (level >= 1 && level <= 3) ? within(salary, 50_000, 100_000) : within(salary, 75_000, 125_000)
            } else {
                groupA = (level >= 2 && level <= 4) ? within(salary, 50_000, 100_000) : within(salary, 25_000, 75_000)
            }
        case 4:
            if age < 40 {
                groupA = within(salary, 50_000, 100_000) ? within(loan, 100_000, 300_000) : within(loan, 200_000, 400_000)
            } else if age < 60 {
                groupA = within(salary, 75_000, 125_000) ? within(loan, 200_000, 400_000) : within(loan, 300_000, 500_000)
            } else {
                groupA = within(salary, 25_000, 75_000) ? within(loan, 300_000, 500_000) : within(loan, 100_000, 300_000)
            }
        case 5:
            let total = salary + commission
            if age < 40 { groupA = within(total, 50_000, 100_000) }
            else if age < 60 { groupA = within(total, 75_000, 125_000) }
            else { groupA = within(total, 25_000, 75_000) }
        case 6:
            groupA = 2.0 * (salary + commission) / 3.0 - loan / 5.0 - 20_000 > 0
        case 7:
            groupA = 2.0 * (salary + commission) / 3.0 - 5_000 * elevel - 20_000 > 0
        case 8:
            groupA = 2.0 * (salary + commission) / 3.0 - 5_000 * elevel - loan / 5.0 - 10_000 > 0
        default:
            let equity = hyears >= 20 ? hvalue * (hyears - 20) / 10 : 0
            groupA = 2.0 * (salary + commission) / 3.0 - 5_000 * elevel + equity / 5.0 - 10_000 > 0
        }
        return groupA ? 0 : 1
    }

    @inline(__always)
    private func perturb(_ v: Double, range: Double, _ lo: Double, _ hi: Double, _ rng: RandomStream) -> Double {
        let p = v + range * (2 * rng.uniform() - 1) * perturbation
        return min(max(p, lo), hi)
    }

    /// - Complexity: O(1), no allocation.
    public func draw(into x: UnsafeMutableBufferPointer<Double>, concept: ConceptState, covariates: CovariateState,
                     rng: RandomStream) -> Double {
        let salary = 20_000 + 130_000 * rng.uniform()
        x[0] = salary
        x[1] = salary >= 75_000 ? 0 : 10_000 + 65_000 * rng.uniform()
        x[2] = Double(20 + rng.int(below: 61))
        x[3] = Double(rng.int(below: 5))
        x[4] = Double(rng.int(below: 20))
        let zipcode = rng.int(below: 9)
        x[5] = Double(zipcode)
        x[6] = Double(9 - zipcode) * 100_000 * (0.5 + rng.uniform())
        x[7] = Double(1 + rng.int(below: 30))
        x[8] = 500_000 * rng.uniform()
        covariates.apply(x)
        let y = AgrawalGenerator.label(UnsafeBufferPointer(x), function: concept.concept)
        if perturbation > 0 {
            x[0] = perturb(x[0], range: 130_000, 20_000, 150_000, rng)
            if x[1] > 0 { x[1] = perturb(x[1], range: 65_000, 10_000, 75_000, rng) }
            x[2] = perturb(x[2], range: 60, 20, 80, rng).rounded()
            let k = Double(9 - zipcode) * 100_000
            x[6] = perturb(x[6], range: k, 0.5 * k, 1.5 * k, rng)
            x[7] = perturb(x[7], range: 29, 1, 30, rng).rounded()
            x[8] = perturb(x[8], range: 500_000, 0, 500_000, rng)
        }
        return y
    }
}

extension AgrawalGenerator: CataloguedGenerator, TickDrawing {
    public init(_ p: ParameterReader, seed: UInt64) throws {
        try self.init(perturbation: p.real("perturbation"))
    }
}
