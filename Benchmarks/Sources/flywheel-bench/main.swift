import Foundation
import FlywheelCore
import Monitoring
import Learners
import Scenarios
import Workbench

// flywheel-bench: Flywheel's side of the peer workloads in ../shared/bench/peers (see README.md).
// Prints one JSON object per line and workload; times are medians over --reps repetitions.
//
//   flywheel-bench [--reps N] [--only w1,w2] [--samples N] [--adwin-bits FILE] [--b4-csv FILE]
//                  [--b4-oracle FILE] [--threads N]
//
// Workloads: stream, logreg, logreg-river-order, gnb, hoeffding (and hoeffding-river-order; with
// --hoeffding-csv also on River's own rows), adwin, b4, replay, quickstart, generators
// (River's peer for seven of the eight); and, without a peer: replay-sqlite, detectors, distances, training,
// full-loop. `--replay-run FILE [--traffic-memory MiB]` runs a whole replayed scenario on FILE
// alone and reports its peak memory.

struct Options {
    var reps = 5
    var only: Set<String>? = nil
    var samples = 1_000_000
    var adwinBits: String? = nil
    var adwinN = 10_000_000
    var b4CSV: String? = nil
    var hoeffdingCSV: String? = nil
    var b4Oracle: String? = nil
    var threads = ProcessInfo.processInfo.activeProcessorCount
    var b4Variant = "all"
    var quickstartFullOnly = false
    var replayCSV: String? = nil
    var replayRun: String? = nil
    var trafficMiB = 64
    var replaySQLite: String? = nil

    init(_ args: [String]) throws {
        var i = 1
        func value() throws -> String {
            i += 1
            guard i < args.count else { throw BenchError("\(args[i - 1]) needs a value") }
            return args[i]
        }
        func integer() throws -> Int {
            let s = try value()
            guard let v = Int(s), v > 0 else { throw BenchError("\(args[i - 1]) expects a positive whole number, got '\(s)'") }
            return v
        }
        while i < args.count {
            switch args[i] {
            case "--reps": reps = try integer()
            case "--only": only = Set(try value().split(separator: ",").map(String.init))
            case "--samples": samples = try integer()
            case "--adwin-bits": adwinBits = try value()
            case "--adwin-n": adwinN = try integer()
            case "--b4-csv": b4CSV = try value()
            case "--hoeffding-csv": hoeffdingCSV = try value()
            case "--b4-oracle": b4Oracle = try value()
            case "--threads": threads = try integer()
            case "--b4-variant": b4Variant = try value()
            case "--quickstart-full-only": quickstartFullOnly = true
            case "--replay-csv": replayCSV = try value()
            case "--replay-run": replayRun = try value()
            case "--traffic-memory": trafficMiB = try integer()
            case "--replay-sqlite": replaySQLite = try value()
            case "--lr-digest":
                // Newton fits on fixed data, weights as bit patterns (to check that an optimisation changes no bit).
                for (k, n, l2) in [(2, 700, 1e-4), (2, 5000, 0.0), (3, 2000, 1e-3), (4, 300, 1e-4)] {
                    let rng = RandomStream(seed: UInt64(k * 1000 + n))
                    var x = [Double](), y = [Double]()
                    for _ in 0..<n {
                        let c = rng.int(below: k)
                        for j in 0..<3 { x.append(rng.gaussian() + (j == c % 3 ? 1.5 : 0) + (j == 0 && rng.uniform() < 0.01 ? .nan : 0)) }
                        y.append(Double(c))
                    }
                    let set = TrainingSet(dimension: 3, features: x, labels: y, ticks: [Int32](repeating: -1, count: n))
                    let (model, iterations) = LogisticRegressionLearner(l2: l2).fit(set, classCount: k, warmStart: nil, rng: rng)
                    let w = (model as! LogisticRegressionModel).weights
                    print("k=\(k) n=\(n) l2=\(l2) iterations=\(iterations) weights=\(w.map { String($0.bitPattern, radix: 16) }.joined(separator: ","))")
                }
                exit(0)
            case "--write-quickstart":
                // Writes the quickstart run's outputs (to check that an optimisation changes no byte).
                let dir = try value()
                let outputs = try Workbench.run(try ScenarioLoader.parse(BuiltinScenarios.quickstart, file: "quickstart.yaml"),
                                                outDirectory: dir, threads: 1)
                print("wrote \(outputs.files.count) files to \(outputs.directory) in \(outputs.seconds) s")
                exit(0)
            case "--check-exp":
                print("expPair max relative error vs Foundation.exp on [-708, 708]: \(expPairMaxRelativeError(lower: -708, upper: 708, count: 2_000_001)); on [-40, 40]: \(expPairMaxRelativeError(lower: -40, upper: 40, count: 2_000_001))")
                exit(0)
            case "-h", "--help":
                print("usage: flywheel-bench [--reps N] [--only stream,logreg,logreg-river-order,gnb,hoeffding,adwin,b4,replay,quickstart,generators,detectors,distances,training,full-loop] [--samples N] [--adwin-bits FILE] [--adwin-n N] [--b4-csv FILE] [--hoeffding-csv FILE] [--b4-oracle FILE] [--threads N]")
                exit(0)
            default: throw BenchError("unknown option '\(args[i])' (try --help)")
            }
            i += 1
        }
    }

    func wants(_ name: String) -> Bool { only?.contains(name) ?? true }
}

func median(_ v: [Double]) -> Double {
    let s = v.sorted()
    return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
}

/// A number for JSON, or null for NaN (JSON has no NaN).
func jsonNumber(_ v: Double) -> Any { v.isNaN ? NSNull() : v }

func emit(_ object: [String: Any]) {
    let data = try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
    print(String(decoding: data, as: UTF8.self))
    fflush(nil)
}

/// Runs `body` `reps` times and returns the median of the seconds it reports and the last result.
func repeated<R>(_ reps: Int, _ body: () throws -> (R, Double)) rethrows -> (R, Double, [Double]) {
    var times: [Double] = []
    var last: R? = nil
    for _ in 0..<reps {
        let (r, s) = try body()
        times.append(s)
        last = r
    }
    return (last!, median(times), times)
}

func runAll(_ o: Options) throws {
    if let path = o.replayRun {   // alone in its process: it reports the process's peak memory
        emit(try ReplayRunBench.run(path, threads: o.threads, trafficMiB: o.trafficMiB))
        return
    }
    let n = o.samples
    if o.wants("detectors") { try ComponentBench.detectors(reps: o.reps) }
    if o.wants("distances") { try ComponentBench.distances(reps: o.reps) }
    if o.wants("training") { try ComponentBench.training(reps: min(o.reps, 3)) }
    if o.wants("full-loop") {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("scenarios/full-loop.yaml").path
        try ComponentBench.fullLoop(reps: min(o.reps, 3), scenarioPath: path)
    }
    if o.wants("generators") { try GeneratorBench.run(reps: o.reps, events: n) }
    if o.wants("stream") {
        let (r, t, all) = repeated(o.reps) { let r = Prequential.streamOnly(n: n); return (r.positives, r.seconds) }
        emit(["workload": "stream", "n": n, "positives": r, "seconds": t, "per_s": Double(n) / t, "all_seconds": all])
        let (r2, t2, all2) = repeated(o.reps) { let r = Prequential.streamOnly(n: n, exactStream: true); return (r.positives, r.seconds) }
        emit(["workload": "stream-exact-sigmoid", "n": n, "positives": r2, "seconds": t2, "per_s": Double(n) / t2, "all_seconds": all2])
    }
    if o.wants("logreg") {
        let (r, t, all) = repeated(o.reps) { () -> (PrequentialResult, Double) in
            var model = OnlineLogisticRegression(dimension: 3)
            defer { model.deallocate() }
            let r = Prequential.run(n: n) { x, y in model.predictLearn(x, y) }
            return (r, r.seconds)
        }
        emit(["workload": "logreg", "n": n, "accuracy": r.accuracy, "accuracy_first_500k": r.accuracyBefore,
              "accuracy_after_500k": r.accuracyAfter, "seconds": t, "per_s": Double(n) / t, "all_seconds": all])
    }
    if o.wants("logreg-river-order") {
        let (r, t, all) = repeated(o.reps) { () -> (PrequentialResult, Double) in
            var model = OnlineLogisticRegression(dimension: 3)
            defer { model.deallocate() }
            let r = Prequential.run(n: n, exactStream: true) { x, y in
                let yhat = model.predict(x)
                model.learn(x, y)
                return yhat
            }
            return (r, r.seconds)
        }
        emit(["workload": "logreg-river-order", "n": n, "accuracy": r.accuracy, "accuracy_first_500k": r.accuracyBefore,
              "accuracy_after_500k": r.accuracyAfter, "seconds": t, "per_s": Double(n) / t, "all_seconds": all])
    }
    if o.wants("gnb") {
        let (r, t, all) = repeated(o.reps) { () -> (PrequentialResult, Double) in
            var model = OnlineGaussianNB(dimension: 3, maxClasses: 2)
            let r = Prequential.run(n: n) { x, y in
                let yhat = model.predict(x)
                model.learn(x, y)
                return yhat
            }
            return (r, r.seconds)
        }
        emit(["workload": "gnb", "n": n, "accuracy": r.accuracy, "accuracy_first_500k": r.accuracyBefore,
              "accuracy_after_500k": r.accuracyAfter, "seconds": t, "per_s": Double(n) / t, "all_seconds": all])
    }
    if o.wants("hoeffding") {
        // River's HoeffdingTreeClassifier() (Learners.HoeffdingTreeState): test-then-train fused (the
        // leaf's naive Bayes evaluated once for the prediction and the adaptive leaf's bookkeeping),
        // and in River's order (predict_one, then learn_one evaluating it again).
        for fused in [true, false] {
            let (r, t, all) = repeated(o.reps) { () -> ((PrequentialResult, [Int]), Double) in
                var tree = HoeffdingTreeState(dimension: 3, classCount: 2)
                let r = Prequential.run(n: n) { x, y in
                    let yhat: Int?
                    if fused {
                        yhat = tree.testThenTrain(x, label: Int(y))
                    } else {
                        yhat = tree.predictOne(x)
                        tree.learnOne(x, label: Int(y))
                    }
                    return yhat.map(Double.init) ?? .nan
                }
                return ((r, [tree.nodeCount, tree.leafCount, tree.height]), r.seconds)
            }
            emit(["workload": fused ? "hoeffding" : "hoeffding-river-order", "n": n, "accuracy": r.0.accuracy,
                  "accuracy_first_500k": r.0.accuracyBefore, "accuracy_after_500k": jsonNumber(r.0.accuracyAfter),
                  "nodes": r.1[0], "leaves": r.1[1], "height": r.1[2],
                  "seconds": t, "per_s": Double(n) / t, "all_seconds": all])
        }
        if let path = o.hoeffdingCSV {
            // River's own rows (peer_river_sea_csv.py): the accuracy is comparable to River's exactly.
            let rows = try PrequentialRows(csv: path)
            let (r, t, all) = repeated(o.reps) { () -> ((PrequentialResult, [Int]), Double) in
                var tree = HoeffdingTreeState(dimension: 3, classCount: 2)
                let r = rows.run { x, y in tree.testThenTrain(x, label: Int(y)).map(Double.init) ?? .nan }
                return ((r, [tree.nodeCount, tree.leafCount, tree.height]), r.seconds)
            }
            emit(["workload": "hoeffding-river-rows", "n": rows.count, "accuracy": r.0.accuracy,
                  "accuracy_first_500k": r.0.accuracyBefore, "accuracy_after_500k": jsonNumber(r.0.accuracyAfter),
                  "nodes": r.1[0], "leaves": r.1[1], "height": r.1[2],
                  "seconds": t, "per_s": Double(rows.count) / t, "all_seconds": all])
        }
    }
    if o.wants("adwin") {
        var sources: [(String, [Double])] = []
        if let path = o.adwinBits {
            let data = try Data(contentsOf: URL(fileURLWithPath: path))
            guard data.allSatisfy({ $0 <= 1 }) else { throw BenchError("\(path): expected one byte 0 or 1 per bit") }
            sources.append(("numpy-pcg64-seed7", data.map { Double($0) }))
        }
        let rng = RandomStream(seed: 7)
        let m = o.adwinN
        sources.append(("flywheel-mt19937-seed7", (0..<m).map { i in rng.uniform() < (i < m / 2 ? 0.2 : 0.4) ? 1.0 : 0.0 }))
        for (name, bits) in sources {
            let (hits, t, all) = try repeated(o.reps) { () -> ([Int], Double) in
                var detector = try ADWIN(delta: 0.002)
                var hits: [Int] = []
                let clock = ContinuousClock()
                let start = clock.now
                bits.withUnsafeBufferPointer { b in
                    for i in 0..<b.count {
                        detector.update(b[i])
                        if detector.driftDetected { hits.append(i) }
                    }
                }
                return (hits, (clock.now - start).seconds)
            }
            emit(["workload": "adwin", "bits": name, "n": bits.count, "detections": hits, "seconds": t,
                  "per_s": Double(bits.count) / t, "all_seconds": all])
        }
    }
    if o.wants("b4"), let path = o.b4CSV {
        let data = try BacktestData.read(csv: path)
        var oracle: (acc: [Double], w: [[Double]])? = nil
        if let op = o.b4Oracle {
            let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: op))) as? [String: Any]
            guard let acc = json?["acc_per_1000_chunk"] as? [Double], let models = json?["models"] as? [[String: Any]] else {
                throw BenchError("\(op): no acc_per_1000_chunk / models")
            }
            oracle = (acc, models.compactMap { $0["w"] as? [Double] })
        }
        var variants = [(1, false)] + Array(Set([1, o.threads])).sorted().map { ($0, true) }
        if o.b4Variant == "scalar" { variants = [(1, false)] } else if o.b4Variant == "simd" { variants = [(1, true)] }
        for (threads, vectorised) in variants {
            let (r, t, all) = repeated(o.reps) { () -> (BacktestResult, Double) in
                let r = PeriodicBacktest.run(data, threads: threads, vectorised: vectorised)
                return (r, r.seconds)
            }
            var out: [String: Any] = ["workload": "b4", "threads": threads, "exp": vectorised ? "expPair (2 lanes, 256-entry table)" : "Foundation.exp", "n": data.count, "retrains": r.weights.count,
                                      "seconds": t, "per_s": Double(data.count) / t, "all_seconds": all,
                                      "overall_accuracy": r.chunkAccuracy.reduce(0, +) / Double(r.chunkAccuracy.count)]
            if let oracle {
                let chunkDiff = zip(r.chunkAccuracy, oracle.acc).map { abs($0 - $1) }
                let wDiff = zip(r.weights, oracle.w).flatMap { zip($0, $1).map { abs($0 - $1) / max(1, abs($1)) } }
                out["oracle_chunks"] = oracle.acc.count
                out["oracle_chunks_differing"] = chunkDiff.filter { $0 > 1e-12 }.count
                out["oracle_max_chunk_diff"] = chunkDiff.max() ?? .nan
                out["oracle_max_weight_rel_diff"] = wDiff.max() ?? .nan
                out["oracle_models_compared"] = min(r.weights.count, oracle.w.count)
            }
            emit(out)
        }
    }
    // The same rows from a CSV file, and from table elec2x10 of an SQLite database.
    for (workload, path, table) in [("replay", o.replayCSV, nil), ("replay-sqlite", o.replaySQLite, "elec2x10")] {
        guard o.wants(workload), let path else { continue }
        let bytes = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        for classesGiven in [true, false] {
            let (r, t, all) = try repeated(max(1, min(o.reps, 3))) { () -> ((Int, Int, Int), Double) in
                let r = try ReplayBench.run(path, table: table, classesGiven: classesGiven)
                return ((r.rows, r.ticks, r.up), r.seconds)
            }
            emit(["workload": workload, "first_pass": !classesGiven, "rows": r.0, "ticks": r.1, "up": r.2, "bytes": bytes,
                  "seconds": t, "per_s": Double(r.0) / t, "mb_per_s": Double(bytes) / t / 1e6, "all_seconds": all])
        }
    }
    if o.wants("quickstart") {
        let qreps = max(1, min(o.reps, 3))
        if o.quickstartFullOnly {   // for profiling: one full run on --threads
            let f = try QuickstartBench.full(threads: o.threads)
            emit(["workload": "quickstart", "threads": o.threads, "events": f.events, "seconds": f.seconds, "cpu_seconds": f.cpuSeconds])
            return
        }
        let (fl, tf, _) = try repeated(qreps) { () -> ((Int, Double), Double) in let f = try QuickstartBench.floor(); return ((f.events, f.accuracy), f.seconds) }
        emit(["workload": "quickstart-floor", "events": fl.0, "accuracy": fl.1, "seconds": tf, "per_s": Double(fl.0) / tf])
        var byThreads: [Int: Double] = [:]
        for threads in Array(Set([1, o.threads])).sorted() {
            var cpu: [Double] = []
            let (events, t, all) = try repeated(qreps) { () -> (Int, Double) in
                let f = try QuickstartBench.full(threads: threads)
                cpu.append(f.cpuSeconds)
                return (f.events, f.seconds)
            }
            byThreads[threads] = t
            let strategies = try QuickstartBench.plan().strategies.count
            emit(["workload": "quickstart", "threads": threads, "events": events, "strategies": strategies, "seconds": t,
                  "per_s": Double(events * strategies) / t, "all_seconds": all, "cpu_seconds": median(cpu),
                  "cores_used": median(cpu) / t,
                  "speedup": (byThreads[1] ?? .nan) / t])
        }
        if o.threads > 1 {
            var cpu: [Double] = []
            let (events, t, all) = try repeated(qreps) { () -> (Int, Double) in
                let f = try QuickstartBench.full(threads: o.threads, reversed: true)
                cpu.append(f.cpuSeconds)
                return (f.events, f.seconds)
            }
            let strategies = try QuickstartBench.plan().strategies.count
            emit(["workload": "quickstart-reversed", "threads": o.threads, "events": events, "strategies": strategies, "seconds": t,
                  "per_s": Double(events * strategies) / t, "all_seconds": all, "cpu_seconds": median(cpu),
                  "cores_used": median(cpu) / t, "speedup": (byThreads[1] ?? .nan) / t])
        }
        // Item costs on one thread and the schedules they allow on --threads workers.
        let items = try QuickstartSchedule.measure()
        let w = max(2, o.threads)
        let serial = items.phase1.reduce(0, +) + items.phase2.reduce(0, +)
        let p1 = QuickstartSchedule.makespan(items.phase1, order: Array(items.phase1.indices), workers: w)
        let p2 = QuickstartSchedule.makespan(items.phase2, order: Array(items.phase2.indices), workers: w)
        let longestFirst = items.phase2.indices.sorted { items.phase2[$0] > items.phase2[$1] }
        let p2lpt = QuickstartSchedule.makespan(items.phase2, order: longestFirst, workers: w)
        // No barrier: a replicate's strategy items may start once its traffic is ready (phase 1 on
        // the same workers first, replicates in order), longest first.
        let ready1 = QuickstartSchedule.makespan(items.phase1, order: Array(items.phase1.indices), workers: w)
        emit(["workload": "quickstart-schedule", "workers": w, "serial_seconds": serial,
              "phase1_items": items.phase1, "phase2_items": items.phase2, "strategies": items.names,
              "runner_makespan": p1 + p2, "runner_speedup_bound": serial / (p1 + p2),
              "longest_first_makespan": p1 + p2lpt, "longest_first_speedup_bound": serial / (p1 + p2lpt),
              "phase1_makespan": ready1, "ideal_speedup": Double(w)])
        let count = try QuickstartBench.plan().strategies.count
        for s in 0..<count {
            let (r, t, _) = try repeated(qreps) { () -> ((String, Int), Double) in let q = try QuickstartBench.single(s); return ((q.name, q.events), q.seconds) }
            emit(["workload": "quickstart-strategy", "strategy": r.0, "threads": 1, "events": r.1, "seconds": t, "per_s": Double(r.1) / t])
        }
    }
}

do {
    try runAll(try Options(CommandLine.arguments))
} catch {
    FileHandle.standardError.write(Data("flywheel-bench: \(error)\n".utf8))
    exit(1)
}
