import FlywheelCore
import Plots

/// The time axis of a run's figures: calendar dates when the ticks have the replayed file's own
/// times (ticks grouped by time), tick numbers otherwise (a synthetic clock, ticks of rows).
///
/// x is in ticks from the start of the first scored tick, so the date at x is
/// `start + x · tick` (seconds since the epoch, UTC). The step is the shortest of 1, 2, 3, 6, 12
/// hours, 1, 2, 7, 14 days, 1, 2, 3, 6 months and 1, 2, 5, 10, … years that gives at most
/// `target` dates over the axis; dates fall on whole steps (hours of the day, days since the
/// epoch, Mondays, the first of a month, January the first).
public enum TimeAxis {
    /// The x axis title: `date (UTC; ticks of 1d)`, or `time (ticks of 30 rows)`.
    public static func title(_ clock: Clock) -> String {
        clock.hasFileTimes ? "date (UTC; ticks of \(clock.tickText))" : "time (ticks of \(clock.tickText))"
    }

    /// The date ticks of x in `lo...hi` (ticks), or nil when the clock's ticks have no real time.
    public static func ticks(_ clock: Clock, from lo: Double, to hi: Double, target: Int = 8) -> [AxisTick]? {
        guard clock.hasFileTimes, hi > lo, clock.tick.seconds > 0 else { return nil }
        let span = Double(clock.tick.seconds)
        let t0 = Double(clock.start) + lo * span, t1 = Double(clock.start) + hi * span
        let range = t1 - t0
        let hour = 3_600.0, day = 86_400.0
        func x(_ t: Int64) -> Double { (Double(t) - Double(clock.start)) / span }
        // Fixed steps (hours, days, weeks).
        let fixed: [(Double, Int64)] = [(hour, 0), (2 * hour, 0), (3 * hour, 0), (6 * hour, 0), (12 * hour, 0),
                                        (day, 0), (2 * day, 0), (7 * day, 4 * 86_400), (14 * day, 4 * 86_400)]
        for (step, offset) in fixed where range / step <= Double(target) {
            let s = Int64(step)
            var t = Int64((t0 - Double(offset)) / step) * s + offset
            if Double(t) < t0 { t += s }
            var out: [AxisTick] = []
            while Double(t) <= t1 {
                out.append(AxisTick(value: x(t), label: label(t, withTime: step < day)))
                t += s
            }
            return out
        }
        // Calendar steps: months, then years.
        let (y0, m0, _) = ISOTime.civil(fromDays: Int64((t0 / day).rounded(.down)))
        for months in [1, 2, 3, 6] where range / (30.44 * day * Double(months)) <= Double(target) {
            var out: [AxisTick] = []
            var year = y0, month = m0
            while true {
                if (month - 1) % Int64(months) == 0 {
                    let t = ISOTime.days(year: year, month: month, day: 1) * 86_400
                    if Double(t) > t1 { break }
                    if Double(t) >= t0 {
                        out.append(AxisTick(value: x(t), label: "\(year)-\(month < 10 ? "0" : "")\(month)"))
                    }
                }
                month += 1
                if month > 12 { month = 1; year += 1 }
            }
            return out
        }
        var years: Int64 = 1
        let candidates: [Int64] = [1, 2, 5]
        search: while true {
            for c in candidates {
                let step = years * c
                if range / (365.25 * day * Double(step)) <= Double(target) { years = step; break search }
            }
            years *= 10
        }
        var out: [AxisTick] = []
        var year = y0 - ((y0 % years) + years) % years
        while true {
            let t = ISOTime.days(year: year, month: 1, day: 1) * 86_400
            if Double(t) > t1 { break }
            if Double(t) >= t0 { out.append(AxisTick(value: x(t), label: String(year))) }
            year += years
        }
        return out
    }

    /// `2024-03-15`, or `2024-03-15 06:00` with the time of day.
    static func label(_ t: Int64, withTime: Bool) -> String {
        let iso = ISOTime.format(t)   // 2024-03-15T06:00:00Z
        let date = String(iso.prefix(10))
        return withTime ? date + " " + String(iso.dropFirst(11).prefix(5)) : date
    }
}
