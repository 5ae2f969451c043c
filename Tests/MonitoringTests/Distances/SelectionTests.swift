import FlywheelCore
@testable import Monitoring
import Testing

@Test(arguments: [1, 2, 3, 10, 101, 1000])
func selectionFindsTheOrderStatisticOfSorting(size: Int) {
    let rng = RandomStream(seed: UInt64(size))
    for trial in 0..<20 {
        // Many ties in half of the trials.
        var a = (0..<size).map { _ in trial % 2 == 0 ? rng.gaussian() : Double(rng.int(below: 5)) }
        let sorted = a.sorted()
        let k = rng.int(below: size)
        #expect(MMD.select(&a, k) == sorted[k])
        #expect(a.sorted() == sorted)   // a permutation of the input
    }
}
