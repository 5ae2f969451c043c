import FlywheelCore
import Monitoring
import Testing

@Suite struct DataQualityTests {
    /// Hand-made traffic: two numeric features in [0, 10] and an ordinal categorical whose −1 is
    /// an unseen category; ten reference rows over two ticks of 4 and 6 events.
    static let reference: QualityReference = {
        var rows: [Double] = []
        for i in 0..<10 { rows += [Double(i), 10 - Double(i), Double(i % 3)] }
        rows[4 * 3 + 1] = .nan   // one missing x1
        return QualityReference(features: ["x0", "x1", "c"], rows: rows, volumes: [4, 6], unseen: [2: -1])
    }()

    @Test func theReferenceHoldsRangesMissingSharesAndVolume() {
        let r = Self.reference
        #expect(r.low == [0, 1, 0] && r.high == [9, 10, 2])
        #expect(r.missingShare == [0, 0.1, 0])
        #expect(r.volumeMean == 5 && abs(r.volumeSD - 2.0.squareRoot()) < 1e-12)
    }

    @Test func aTickWithAUnitChangeAStuckFeedAndANewCategoryIsCountedByHand() {
        // Four events: x0 multiplied by 100 on two of them, x1 missing on three, one unseen category.
        let rows: [Double] = [
            500, .nan, 0,
            3, .nan, -1,
            900, .nan, 1,
            4, 5, 2,
        ]
        let t = rows.withUnsafeBufferPointer { Self.reference.check($0, count: 4) }
        #expect(t.missing == [0, 0.75, 0])
        #expect(t.outOfRange == [0.5, 0, 0])
        #expect(t.unseen == [0, 0, 0.25])
        #expect(t.volume == 4 && abs(t.volumeZ - (-1 / 2.0.squareRoot())) < 1e-12)
        #expect(t.worstMissing == 0.75 && t.worstOutOfRange == 0.5 && t.worstUnseen == 0.25)
    }

    @Test func cleanTrafficFromTheReferenceRaisesNothing() {
        var rows: [Double] = []
        for i in 0..<10 { rows += [Double(9 - i), Double(1 + i % 9), Double(i % 3)] }
        let t = rows.withUnsafeBufferPointer { Self.reference.check($0, count: 10) }
        #expect(t.worstMissing == 0 && t.worstOutOfRange == 0 && t.worstUnseen == 0)
    }

    /// mean ± 3σ of 1, 2, 3, 4, 5: σ = √2.5.
    @Test func sigmaThresholdsComeFromTheReferenceSpread() {
        let s = SigmaThreshold(reference: [1, 2, 3, 4, 5, .nan], k: 3)
        #expect(s.mean == 3 && abs(s.sd - 2.5.squareRoot()) < 1e-12)
        #expect(!s.alarms(3 + 3 * 2.5.squareRoot() - 1e-9) && s.alarms(3 + 3 * 2.5.squareRoot() + 1e-9) && s.alarms(-2))
        #expect(!s.alarms(.nan))
    }
}
