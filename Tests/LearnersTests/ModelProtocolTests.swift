import FlywheelCore
import Foundation
@testable import Learners
import Testing

@Suite(.serialized) struct ModelProtocolTests {
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    /// The hex blocks of docs/model-protocol.md's byte-level example, in order.
    static func documentedFrames() throws -> [[UInt8]] {
        let text = try String(contentsOf: repo.appendingPathComponent("docs/model-protocol.md"), encoding: .utf8)
        let example = text.components(separatedBy: "## A byte-level example")[1]
        var frames: [[UInt8]] = []
        for block in example.components(separatedBy: "```").enumerated() where block.offset % 2 == 1 {
            frames.append(block.element.split(whereSeparator: { $0 == " " || $0 == "\n" }).compactMap { UInt8($0, radix: 16) })
        }
        let inline = example.components(separatedBy: "answered by fit ok with model id 1: `")[1].components(separatedBy: "`")[0]
        frames.append(inline.split(separator: " ").compactMap { UInt8($0, radix: 16) })
        return frames
    }

    @Test func theDocumentedBytesAreWhatTheEncoderWritesAndTheDecoderReads() throws {
        let frames = try Self.documentedFrames()
        #expect(frames.count == 4)
        let hello = ModelProtocol.hello(.init(seed: 42, classes: 2, features: [("x0", false), ("x1", false)], parameters: "{}"))
        #expect(hello == frames[0])
        #expect(try ModelProtocol.decodeReply(Array(frames[1].dropFirst(4))) == .helloOK(version: 1, name: "sk"))
        let fit = [1.0, 2.0].withUnsafeBufferPointer { x in
            [1.0].withUnsafeBufferPointer { y in
                ModelProtocol.fit(seed: 7, warmStart: nil, rows: 1, dimension: 2, features: x, labels: y)
            }
        }
        #expect(fit == frames[2])
        #expect(try ModelProtocol.decodeReply(Array(frames[3].dropFirst(4))) == .fitOK(model: 1))
    }

    @Test func malformedRepliesAreNamed() {
        #expect(throws: ModelProtocol.Malformed.self) { try ModelProtocol.decodeReply([0x83, 1, 0, 0, 0, 1, 0, 0, 0]) }
        #expect(throws: ModelProtocol.Malformed.self) { try ModelProtocol.decodeReply([0x42]) }
        #expect(throws: ModelProtocol.Malformed.self) { try ModelProtocol.decodeReply([0x84, 0]) }
    }

    static func start(_ fault: String = "", classes: Int = 2, timeout: Double = 20,
                      startupTimeout: Double = 60) throws -> ModelProcess {
        try ModelProcess(command: ["python3", "centroid_model.py"] + (fault.isEmpty ? [] : [fault]), directory: fixtures,
                         hello: .init(seed: 1, classes: classes, features: [("x0", false), ("x1", false)]), timeout: timeout,
                         startupTimeout: startupTimeout)
    }

    /// The per-call deadline does not apply to the start: a program that takes 3 s to answer hello
    /// still serves calls bounded at 2 s, and only a start allowance shorter than its start fails.
    @Test func theStartHasItsOwnAllowanceAndCallsKeepTheirDeadline() throws {
        let p = try Self.start("slow-start", timeout: 2)
        guard case .fitOK = try Self.fit(p, [0, 0, 1, 1], [0, 1]) else { Issue.record("no fit ok"); return }
        p.stop()
        do {
            _ = try Self.start("slow-start", timeout: 1, startupTimeout: 1)
            Issue.record("a 3 s start passed a 1 s allowance")
        } catch let e as ModelProcess.Failure {
            #expect(e.call == "hello" && e.description.contains("no reply within 1.0 s"), "\(e)")
        }
    }

    static func fit(_ p: ModelProcess, _ x: [Double], _ y: [Double]) throws -> ModelProtocol.Reply {
        try x.withUnsafeBufferPointer { xb in
            try y.withUnsafeBufferPointer { yb in
                try p.call("fit", ModelProtocol.fit(seed: 3, warmStart: nil, rows: y.count, dimension: 2, features: xb, labels: yb))
            }
        }
    }

    @Test func aNumPyModelFitsAndPredictsThroughThePythonClient() throws {
        let p = try Self.start()
        #expect(p.name == "centroids")
        // Class 0 around (0, 0), class 1 around (4, 4).
        let x = [0.0, 0, 0.2, -0.2, 4, 4, 4.2, 3.8], y = [0.0, 0, 1, 1]
        guard case .fitOK(let id) = try Self.fit(p, x, y) else { Issue.record("no fit ok"); return }
        let query = [0.1, 0.0, 4.0, 4.1]
        let reply = try query.withUnsafeBufferPointer { try p.call("predict", ModelProtocol.predict(model: id, rows: 2, dimension: 2, features: $0)) }
        guard case .predictOK(let rows, let width, let values) = reply else { Issue.record("no predict ok"); return }
        #expect(rows == 2 && width == 2)
        // By hand: centroids (0.1, −0.1) and (4.1, 3.9); softmax of −squared distances.
        func probability(_ q: (Double, Double)) -> Double {
            let d0 = pow(q.0 - 0.1, 2) + pow(q.1 + 0.1, 2), d1 = pow(q.0 - 4.1, 2) + pow(q.1 - 3.9, 2)
            return exp(-d0) / (exp(-d0) + exp(-d1))
        }
        #expect(abs(values[0] - probability((0.1, 0))) < 1e-12)
        #expect(abs(values[2] - probability((4, 4.1))) < 1e-12)
        #expect(try p.call("drop", ModelProtocol.drop(model: id)) == .dropOK)
        p.stop()
    }

    @Test(arguments: [
        ("exit-after-hello", "fit", "exited with status 3"),
        ("hang-on-fit", "fit", "no reply within"),
        ("stderr-then-exit", "fit", "the user's model broke"),
    ])
    func aFailingProgramStopsTheCallWithItsReasonAndStandardError(_ fault: String, _ call: String, _ expected: String) throws {
        let p = try Self.start(fault, timeout: 2)
        do {
            _ = try Self.fit(p, [0, 0, 1, 1], [0, 1])
            Issue.record("\(fault): the call succeeded")
        } catch let e as ModelProcess.Failure {
            #expect(e.call == call)
            #expect(e.description.contains(expected), "\(e)")
        }
    }

    @Test(arguments: ["garbage-on-predict", "wrong-shape", "nan"])
    func aWrongReplyIsRefused(_ fault: String) throws {
        let p = try Self.start(fault, timeout: 3)
        guard case .fitOK(let id) = try Self.fit(p, [0, 0, 1, 1], [0, 1]) else { Issue.record("no fit"); return }
        do {
            let reply = try [0.0, 0].withUnsafeBufferPointer { try p.call("predict", ModelProtocol.predict(model: id, rows: 1, dimension: 2, features: $0)) }
            // A well-framed reply of the wrong shape or with NaN is decoded; its user checks it.
            guard case .predictOK(let rows, _, let values) = reply else { Issue.record("\(fault): \(reply)"); return }
            #expect(rows != 1 || values.contains { $0.isNaN }, "\(fault): \(reply)")
        } catch let e as ModelProcess.Failure {
            #expect(fault == "garbage-on-predict" && e.call == "predict", "\(e)")
        }
    }

    @Test func aProgramIsLookedUpOnlyInAbsoluteFoldersOfThePath() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("fw-resolve-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let fake = dir.appendingPathComponent("definitely-not-a-real-tool")
        try "#!/bin/sh\nexit 0\n".write(to: fake, atomically: true, encoding: .utf8)
        chmod(fake.path, 0o755)
        let name = "definitely-not-a-real-tool"
        #expect(ModelProcess.resolve(name, relativeTo: nil, searchPath: dir.path) == fake.path)
        // "." and relative folders of PATH are never searched, whatever the working directory.
        #expect(ModelProcess.resolve(name, relativeTo: nil, searchPath: ".:" + dir.lastPathComponent + "::") == nil)
        #expect(ModelProcess.resolve("./" + name, relativeTo: dir) == fake.standardizedFileURL.path)
        #expect(ModelProcess.resolve("sh", relativeTo: nil)?.hasPrefix("/") == true)
    }
}
