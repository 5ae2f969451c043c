import ArgumentParser
import FlywheelCore
import Foundation
import Scenarios
import Workbench
import Storage

struct TrafficCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "traffic",
        abstract: "Write a scenario's traffic as CSV: every event with its features, label, concept and each drift's intensity.",
        discussion: """
        The events are exactly those a run serves for the replicate (the same seed
        gives the same bytes). Without a file, writes the built-in quickstart's
        traffic. Without -o, or with -o -, writes to standard output (the one
        command whose output is a single file; a scenario of - is read from
        standard input); with -o FILE, the file is
        written to a temporary file and moved into place only when complete. An
        existing -o file is replaced only when it is empty or an earlier traffic
        export (its first line is the traffic header); anything else, a folder or a
        symbolic link is refused unless --force is given.

        Columns: tick, event (index in the tick), time (in ticks: tick + i/n, where
        the drift schedules are evaluated), the features, label, concept, bayes
        (empty where undefined), slice, then drift_<id> for each drift of the
        ground truth (drifts.csv of a run: its intensity at the event), and active
        (1 when any drift is in force).

        Examples:
          flywheel traffic -o quickstart-traffic.csv
          flywheel traffic my.yaml --from 40d --to 60d -o shift.csv
          flywheel traffic my.yaml --replicate 2 | head
        """)

    @Argument(help: "Scenario file (YAML; - for standard input). Omit for the built-in quickstart.")
    var scenario: String?

    @Option(name: .long, help: "Replicate to write (0-based).")
    var replicate: Int = 0

    @Option(name: .long, help: "First tick to write: a tick number or a duration such as 40d (default: 0).")
    var from: String?

    @Option(name: .long, help: "Tick to stop before: a tick number or a duration such as 60d (default: the end of the run).")
    var to: String?

    @Option(name: [.customShort("o"), .long], help: "CSV file to write (default, or -: standard output).")
    var output: String?

    @Option(name: .long, help: "Override the scenario's seed.")
    var seed: UInt64?

    @Flag(name: .long, help: "Replace the -o file even when it is not an earlier traffic export.")
    var force = false

    @OptionGroup var dataHome: DataHomeOption
    @OptionGroup var memory: MemoryLimitOption

    /// A tick given as a number of ticks or a duration, which must come to a whole tick.
    static func tick(_ text: String?, option: String, span: Span, rowsPerTick: Int? = nil) throws -> Int? {
        guard let text else { return nil }
        guard let d = DurationSpec(parsing: text) else {
            throw ValidationError("\(option) \(text): expected a tick number or a duration such as 40d")
        }
        if case .span = d, let rows = rowsPerTick {
            throw ValidationError("\(option) \(text): ticks are \(rows) rows and have no length in time; "
                                  + "give a tick number")
        }
        let t = d.ticks(per: span)
        guard t == t.rounded(), t < 1e15 else {
            throw ValidationError("\(option) \(text): \(t) ticks of \(span) is not a whole tick")
        }
        return Int(t)
    }

    /// Throws unless `path` is absent or an earlier export (a regular file whose first line is
    /// the traffic header, `tick,event,time,…`).
    static func refuseOverwrite(_ path: String) throws {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path) else { return }
        let type = attributes[.type] as? FileAttributeType
        let what: String
        if type == .typeSymbolicLink { what = "is a symbolic link" }
        else if type != .typeRegular { what = "exists and is not a file" }
        else {
            let head = (try? FileHandle(forReadingFrom: URL(fileURLWithPath: path)))
                .flatMap { h in defer { try? h.close() }; return try? h.read(upToCount: 4096) } ?? Data()
            let isExport = String(decoding: head, as: UTF8.self).hasPrefix("tick,event,time,")
            if (attributes[.size] as? Int) == 0 || isExport { return }
            what = "exists and is not a traffic export"
        }
        throw FlywheelError("-o \(path) \(what); Flywheel replaces only an earlier export",
                            hint: "choose another file, or add --force to replace it")
    }

    func run() throws {
        dataHome.apply()
        let loaded = try loadScenario(scenario, seed: seed, memoryLimit: memory.bytes)
        let clock = loaded.plan.manifest.clock, span = clock.tick
        let first = try Self.tick(from, option: "--from", span: span, rowsPerTick: clock.rowsPerTick) ?? 0
        let last = try Self.tick(to, option: "--to", span: span, rowsPerTick: clock.rowsPerTick)
        try exitingOnError {
            if let output, output != "-" {
                if !force { try Self.refuseOverwrite(output) }
                let file = try AtomicFile(output)
                InterruptCleanup.shared.watch(file)
                do {
                    try TrafficExport.write(loaded, replicate: replicate, from: first, to: last) { try file.write($0) }
                    try file.commit()
                    InterruptCleanup.shared.watch(nil)
                } catch {
                    file.abandon()
                    throw error
                }
            } else {
                let out = FileHandle.standardOutput
                try TrafficExport.write(loaded, replicate: replicate, from: first, to: last) { try out.write(contentsOf: Data($0.utf8)) }
            }
        }
    }
}
