import FlywheelCore
import Foundation
import Plots
import Reports
import Scenarios
import Storage
import Testing
import Workbench

/// A CSV of `rows` rows (a feature, a label that follows it) in `dir`; with `timestamped`, a
/// first column `time` one hour apart from 2023-03-01T00:00:00Z.
private func writeRows(_ dir: URL, rows: Int = 600, timestamped: Bool) throws -> String {
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    let rng = RandomStream(seed: 5)
    let t0 = ISOTime.parse("2023-03-01T00:00:00Z")!
    var csv = timestamped ? "time,x,y\n" : "x,y\n"
    for i in 0..<rows {
        let x = rng.uniform()
        if timestamped { csv += ISOTime.format(t0 + Int64(i) * 3600) + "," }
        csv += "\(x),\(x > 0.5 ? 1 : 0)\n"
    }
    let path = dir.appendingPathComponent("rows.csv").path
    try csv.write(toFile: path, atomically: true, encoding: .utf8)
    return path
}

private func rowRun(_ name: String, timestamped: Bool) throws -> (dir: URL, out: URL) {
    let dir = temporaryDirectory("rowticks-\(name)")
    try? FileManager.default.removeItem(at: dir)
    let path = try writeRows(dir, timestamped: timestamped)
    let scenario = try ScenarioLoader.parse("""
    name: rows
    stream:
      warmup_ticks: 2
      replay: {path: \(path),\(timestamped ? " timestamp: time," : "") label: y, numeric: [x], tick: 30 rows}
    labels: {coverage: 0.5, delay: 1}
    strategies:
      - {name: never, trigger: never}
      - {name: every-5, trigger: {every: 5}, dataset: {window: 5}}
    reference: every-5
    """, file: "rows.yaml")
    let out = dir.appendingPathComponent("out")
    _ = try Workbench.run(scenario, outDirectory: out.path, threads: 1)
    return (dir, out)
}

private func outputText(_ out: URL, _ file: String) throws -> String {
    try String(contentsOf: out.appendingPathComponent(file), encoding: .utf8)
}

/// The `time` field (second column) of every data row of a CSV whose columns start `tick,time,`.
private func timeColumn(_ csv: String) -> [Substring] {
    let lines = csv.split(separator: "\n")
    return lines.dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false)[1] }
}

@Suite(.serialized) struct RowTickOutputs {
    @Test func aRowTickRunWritesNoInventedTimeAndSaysItsTicksAreRows() throws {
        let (dir, out) = try rowRun("plain", timestamped: false)
        defer { try? FileManager.default.removeItem(at: dir) }
        let metrics = try outputText(out, "metrics.csv")
        #expect(metrics.hasPrefix("tick,time,strategy,replicate,metric,value\n"))
        let times = timeColumn(metrics)
        #expect(!times.isEmpty && times.allSatisfy(\.isEmpty), "a tick of rows has no time")
        #expect(timeColumn(try outputText(out, "traffic.csv")).allSatisfy(\.isEmpty))
        #expect(timeColumn(try outputText(out, "opportunity.csv")).allSatisfy(\.isEmpty))
        // 600 rows of 30: 20 ticks, 2 of warm-up.
        let report = try outputText(out, "report.md")
        #expect(report.contains("| horizon | 18 ticks of 30 rows (the file has no timestamp column: ticks have no "
                                + "time) |"),
                "\(report.prefix(800))")
        for file in ["report.md", "metrics.csv", "traffic.csv", "decay.svg", "cumulative-cost.svg"] {
            #expect(!(try outputText(out, file)).contains("2024-"), "\(file) invents no 2024 date")
        }
        #expect(try outputText(out, "decay.svg").contains("time (ticks of 30 rows)"))

        // The stored run keeps what a tick is, so a report regenerated from run.sqlite says it too.
        let stored = try RunStore.read(out.appendingPathComponent("run.sqlite"))
        #expect(stored.manifest.clock.basis == .rows(30, first: nil, last: nil))
    }

    @Test func aTimestampedRowTickRunReportsTheRowsOwnTimeRange() throws {
        let (dir, out) = try rowRun("stamped", timestamped: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        // Scored rows 60…599, one hour apart from 2023-03-01T00:00:00Z.
        let t0 = ISOTime.parse("2023-03-01T00:00:00Z")!
        let first = ISOTime.format(t0 + 60 * 3600), last = ISOTime.format(t0 + 599 * 3600)
        let report = try outputText(out, "report.md")
        #expect(report.contains("| horizon | 18 ticks of 30 rows (the scored rows' timestamps run from \(first) to "
                                + "\(last)) |"),
                "\(report.prefix(800))")
        #expect(timeColumn(try outputText(out, "metrics.csv")).allSatisfy(\.isEmpty))
        let stored = try RunStore.read(out.appendingPathComponent("run.sqlite"))
        #expect(stored.manifest.clock.basis == .rows(30, first: t0 + 60 * 3600, last: t0 + 599 * 3600))
    }

    @Test func aSyntheticRunLabelsItsClockAndWritesItsTickTimes() throws {
        let dir = temporaryDirectory("rowticks-synthetic")
        try? FileManager.default.removeItem(at: dir)
        defer { try? FileManager.default.removeItem(at: dir) }
        let scenario = try ScenarioLoader.parse("""
        name: synth
        clock: {tick: 1d, ticks: 12, events_per_tick: 50, start: 2025-02-20}
        stream: {generator: sea}
        strategies: [{name: never, trigger: never}]
        """, file: "synth.yaml")
        let out = dir.appendingPathComponent("out")
        _ = try Workbench.run(scenario, outDirectory: out.path, threads: 1)
        #expect(try outputText(out, "report.md").contains(
            "| horizon | 12 ticks of 1d on a synthetic clock (2025-02-20T00:00:00Z – 2025-03-04T00:00:00Z) |"))
        let metrics = try outputText(out, "metrics.csv").split(separator: "\n").dropFirst()
        let start = ISOTime.parse("2025-02-20")!
        for line in metrics {
            let f = line.split(separator: ",", omittingEmptySubsequences: false)
            #expect(ISOTime.parse(f[1]) == start + Int64(f[0])! * 86_400, "\(line)")
        }
        // A synthetic clock's axis counts ticks: its dates are the scenario's own making.
        #expect(try outputText(out, "decay.svg").contains("time (ticks of 1d)"))
    }

    @Test func aTimeAxisOfTheFilesTimesFallsOnCalendarDates() throws {
        // 200 daily ticks from 2024-01-15: months, at the first of each month.
        let clock = Clock(tick: Span(seconds: 86_400), ticks: 200, start: ISOTime.parse("2024-01-15")!,
                          basis: .fileTime)
        let months = try #require(TimeAxis.ticks(clock, from: 0, to: 200))
        // 2024-02-01 is 17 days after 2024-01-15, 2024-03-01 46 (a leap February), 2024-04-01 77, …
        #expect(months.map(\.value) == [17, 46, 77, 107, 138, 168, 199])
        #expect(months.map(\.label) == ["2024-02", "2024-03", "2024-04", "2024-05", "2024-06", "2024-07", "2024-08"])
        // 100 days: every other Monday (2024-01-22 is a Monday, 7 days in).
        let fortnights = try #require(TimeAxis.ticks(clock, from: 0, to: 100))
        #expect(fortnights.first == AxisTick(value: 7, label: "2024-01-22"))
        #expect(zip(fortnights, fortnights.dropFirst()).allSatisfy { $1.value - $0.value == 14 })
        // 20 hourly ticks from 06:00: every 3 hours, at 09:00, 12:00, …
        let hours = Clock(tick: Span(seconds: 3_600), ticks: 20, start: ISOTime.parse("2024-05-01T06:00")!,
                          basis: .fileTime)
        let h = try #require(TimeAxis.ticks(hours, from: 0, to: 20))
        #expect(h.map(\.value) == [0, 3, 6, 9, 12, 15, 18])
        #expect(h[1].label == "2024-05-01 09:00" && h[6].label == "2024-05-02 00:00")
        // Almost seven years of daily ticks: whole years.
        let long = Clock(tick: Span(seconds: 86_400), ticks: 2_500, start: ISOTime.parse("2016-07-01")!,
                         basis: .fileTime)
        let y = try #require(TimeAxis.ticks(long, from: 0, to: 2_500))
        #expect(y.map(\.label) == ["2017", "2018", "2019", "2020", "2021", "2022", "2023"])
        let firstJanuary = ISOTime.days(year: 2017, month: 1, day: 1) - ISOTime.days(year: 2016, month: 7, day: 1)
        #expect(y[0].value == Double(firstJanuary))
        // No dates for a synthetic clock or for ticks of rows.
        #expect(TimeAxis.ticks(Clock(tick: Span(seconds: 86_400), ticks: 100), from: 0, to: 100) == nil)
        #expect(TimeAxis.ticks(Clock(tick: Span(seconds: 86_400), ticks: 100, basis: .rows(30, first: nil, last: nil)),
                               from: 0, to: 100) == nil)
    }

    @Test func aChartDrawsTheCallersAxisTicksInsteadOfNiceNumbers() {
        var chart = LineChart(title: "t", xLabel: "date (UTC; ticks of 1d)", yLabel: "y",
                              series: [LineChart.Series(name: "s", x: [0, 50, 100], y: [0, 1, 0])])
        chart.xAxisTicks = [AxisTick(value: 17, label: "2024-02"), AxisTick(value: 46, label: "2024-03"),
                            AxisTick(value: 500, label: "2025-06")]
        let svg = chart.svg()
        #expect(svg.contains(">2024-02<") && svg.contains(">2024-03<"))
        #expect(!svg.contains(">2025-06<"), "a tick outside the axis is not drawn")
        #expect(!svg.contains(">40<") && !svg.contains(">60<"), "no nice-number labels")
    }
}
