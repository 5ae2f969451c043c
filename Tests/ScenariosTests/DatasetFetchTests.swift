import Foundation
import FlywheelCore
import Testing
import Workbench
@testable import Scenarios

/// The shared real datasets: `FLYWHEEL_DATA`, else `<repo>/../shared/datasets`.
private enum SharedDatasets {
    static let directory: String? = {
        let fm = FileManager.default
        if let env = ProcessInfo.processInfo.environment["FLYWHEEL_DATA"], !env.isEmpty,
           fm.fileExists(atPath: env + "/SHA256SUMS") { return env }
        let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let shared = repo.deletingLastPathComponent().appendingPathComponent("shared/datasets").path
        return fm.fileExists(atPath: shared + "/SHA256SUMS") ? shared : nil
    }()

    static var available: Bool { directory != nil }
    static let skipReason: Comment = "real datasets not found: set FLYWHEEL_DATA or place them in ../shared/datasets"
}

private func temporaryFolder(_ name: String) throws -> String {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("flywheel-fetch-\(name)-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    return dir
}

private func contents(_ dir: String) -> [String] { ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).sorted() }

private func fetchError(_ body: () throws -> DatasetFetch.Outcome) -> FlywheelError? {
    do {
        _ = try body()
        return nil
    } catch let e as FlywheelError {
        return e
    } catch {
        Issue.record("unexpected error \(error)")
        return nil
    }
}

@Suite struct DatasetFetchTests {
    /// The checksums pinned in the product are those published beside the datasets, for every file.
    @Test(.enabled(if: SharedDatasets.available, SharedDatasets.skipReason))
    func theRegistryPinsThePublishedChecksums() throws {
        let text = try String(contentsOfFile: SharedDatasets.directory! + "/SHA256SUMS", encoding: .utf8)
        var published: [String: String] = [:]
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: " ", omittingEmptySubsequences: true)
            published[String(parts[1])] = String(parts[0])
        }
        #expect(Set(published.keys) == Set(DataHome.known.map(\.file)))
        for d in DataHome.known { #expect(published[d.file] == d.sha256, "\(d.name)") }
    }

    /// FIPS 180-2 test vectors, for a file read in blocks and for bytes in memory.
    @Test func sha256MatchesTheStandardVectors() throws {
        #expect(DatasetFetch.sha256(of: Data("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(DatasetFetch.sha256(of: Data()) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        let dir = try temporaryFolder("sha")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let million = dir + "/a"
        try Data(repeating: UInt8(ascii: "a"), count: 1_000_000).write(to: URL(fileURLWithPath: million))
        #expect(try DatasetFetch.sha256(ofFile: million) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
        // Several 1 MiB blocks and a partial one hash as the bytes do in one piece.
        let bytes = Data((0..<(3 << 20) + 12_345).map { UInt8(truncatingIfNeeded: $0 &* 2_654_435_761 >> 13) })
        try bytes.write(to: URL(fileURLWithPath: dir + "/b"))
        #expect(try DatasetFetch.sha256(ofFile: dir + "/b") == DatasetFetch.sha256(of: bytes))
    }

    @Test(.enabled(if: SharedDatasets.available, SharedDatasets.skipReason))
    func fetchesEveryKnownDatasetFromAMirrorFolder() throws {
        let mirror = try DatasetFetch.Mirror(SharedDatasets.directory!)
        let home = try temporaryFolder("home") + "/data/home"   // created by the fetch
        defer { try? FileManager.default.removeItem(atPath: (home as NSString).deletingLastPathComponent) }
        for d in DataHome.known {
            #expect(DatasetFetch.status(of: d, in: home) == .absent)
            let outcome = try DatasetFetch.fetch(d.name, from: mirror, into: home)
            let path = home + "/" + d.file
            let source = mirror.location(of: d.file)
            let original = try Data(contentsOf: URL(fileURLWithPath: source))
            #expect(outcome == .fetched(path: path, source: source, bytes: original.count))
            #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == original, "\(d.name)")
            #expect(DatasetFetch.status(of: d, in: home) == .verified)
            #expect(try DataHome.locate(d.name, environment: ["FLYWHEEL_DATA": home]) == path)
            // Already there and verified: nothing is copied.
            #expect(try DatasetFetch.fetch(d.name, from: mirror, into: home) == .alreadyPresent(path: path))
        }
        #expect(contents(home) == DataHome.known.map(\.file).sorted())
    }

    /// A mirror file that is not the published one is refused, and the data home is left as it was.
    @Test func aMirrorFileWithAnotherChecksumIsRejectedAndNothingIsWritten() throws {
        let mirrorDir = try temporaryFolder("bad-mirror")
        let home = try temporaryFolder("home")
        defer { for d in [mirrorDir, home] { try? FileManager.default.removeItem(atPath: d) } }
        // A real file with one byte changed when the datasets are here, else a made-up one.
        var bytes = Data("date,precipitation,temp_max,temp_min,wind,weather\n2012/01/01,0.0,12.8,5.0,4.7,drizzle\n".utf8)
        if let shared = SharedDatasets.directory {
            bytes = try Data(contentsOf: URL(fileURLWithPath: shared + "/seattle-weather.csv"))
            bytes[bytes.count / 2] ^= 0x01
        }
        try bytes.write(to: URL(fileURLWithPath: mirrorDir + "/seattle-weather.csv"))
        let e = try #require(fetchError { try DatasetFetch.fetch("seattle-weather", from: .folder(mirrorDir), into: home) })
        #expect(e.message.contains("\(mirrorDir)/seattle-weather.csv is not the published seattle-weather"))
        #expect(e.message.contains("its SHA-256 is \(DatasetFetch.sha256(of: bytes))"))
        #expect(e.message.contains("expected 62f0609f787158128aa2bd102967173a4953122dd4f872bf1d502cae1037df0b"))
        #expect(e.message.contains("nothing was written"))
        #expect(contents(home).isEmpty)
        // Forcing does not let it in either.
        #expect(fetchError { try DatasetFetch.fetch("seattle-weather", from: .folder(mirrorDir), into: home, force: true) } != nil)
        #expect(contents(home).isEmpty)
        // A file missing from the mirror is named.
        let missing = try #require(fetchError { try DatasetFetch.fetch("elec2", from: .folder(mirrorDir), into: home) })
        #expect(missing.message == "the mirror has no elec2.csv: \(mirrorDir)/elec2.csv does not exist")
        #expect(contents(home).isEmpty)
    }

    /// A file in the data home that is not the published one is kept unless --force replaces it;
    /// a forced fetch from a damaged mirror keeps it too.
    @Test(.enabled(if: SharedDatasets.available, SharedDatasets.skipReason))
    func aDifferentFileInTheDataHomeIsReplacedOnlyWhenForced() throws {
        let home = try temporaryFolder("home")
        let damaged = try temporaryFolder("damaged")
        defer { for d in [home, damaged] { try? FileManager.default.removeItem(atPath: d) } }
        let mine = Data("timestamp_reconstructed,class\n1996-05-07T00:00,UP\n".utf8)
        try mine.write(to: URL(fileURLWithPath: home + "/elec2.csv"))
        try Data("x\n".utf8).write(to: URL(fileURLWithPath: damaged + "/elec2.csv"))
        let elec2 = try DataHome.dataset(named: "elec2")
        #expect(DatasetFetch.status(of: elec2, in: home) == .differs(sha256: DatasetFetch.sha256(of: mine)))

        let mirror = try DatasetFetch.Mirror(SharedDatasets.directory!)
        let e = try #require(fetchError { try DatasetFetch.fetch("elec2", from: mirror, into: home) })
        #expect(e.message.contains("\(home)/elec2.csv is already there but is not the published elec2"))
        #expect(e.hint == "pass --force to replace it with the mirror's copy")
        #expect(fetchError { try DatasetFetch.fetch("elec2", from: .folder(damaged), into: home, force: true) } != nil)
        #expect(try Data(contentsOf: URL(fileURLWithPath: home + "/elec2.csv")) == mine)

        _ = try DatasetFetch.fetch("elec2", from: mirror, into: home, force: true)
        #expect(DatasetFetch.status(of: elec2, in: home) == .verified)
        #expect(contents(home) == ["elec2.csv"])
    }

    /// Over HTTP from a server on this machine: verified, and not asked again once present.
    @Test(.enabled(if: SharedDatasets.available, SharedDatasets.skipReason))
    func fetchesFromAnHTTPMirror() throws {
        // The server's folder holds the datasets under flywheel/.
        let web = try temporaryFolder("web")
        try FileManager.default.createSymbolicLink(atPath: web + "/flywheel", withDestinationPath: SharedDatasets.directory!)
        let server = try LoopbackServer(root: web)
        defer { server.stop() }
        let home = try temporaryFolder("home")
        defer { for d in [web, home] { try? FileManager.default.removeItem(atPath: d) } }
        let mirror = try DatasetFetch.Mirror(server.base + "flywheel")
        #expect(mirror == .web(URL(string: server.base + "flywheel")!))
        let outcome = try DatasetFetch.fetch("insects-gradual-balanced", from: mirror, into: home)
        let path = home + "/insects-gradual-balanced.csv.gz"
        let original = try Data(contentsOf: URL(fileURLWithPath: SharedDatasets.directory! + "/insects-gradual-balanced.csv.gz"))
        #expect(outcome == .fetched(path: path, source: server.base + "flywheel/insects-gradual-balanced.csv.gz", bytes: original.count))
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == original)
        #expect(server.requests == ["/flywheel/insects-gradual-balanced.csv.gz"])
        #expect(try DatasetFetch.fetch("insects-gradual-balanced", from: mirror, into: home) == .alreadyPresent(path: path))
        #expect(server.requests.count == 1)
    }

    @Test func anHTTPMirrorWithoutTheFileOrUnreachableIsAClearError() throws {
        let empty = try temporaryFolder("empty")
        let home = try temporaryFolder("home")
        defer { for d in [empty, home] { try? FileManager.default.removeItem(atPath: d) } }

        let server = try LoopbackServer(root: empty)
        defer { server.stop() }
        let missing = try #require(fetchError { try DatasetFetch.fetch("elec2", from: .web(URL(string: server.base)!), into: home) })
        #expect(missing.message == "cannot download \(server.base)elec2.csv: the server answered HTTP 404")
        #expect(missing.hint == "the mirror does not hold that file")

        let port = try LoopbackServer.closedPort()
        let refused = try #require(fetchError {
            try DatasetFetch.fetch("elec2", from: .web(URL(string: "http://127.0.0.1:\(port)/")!), into: home, timeout: 5)
        })
        #expect(refused.message.hasPrefix("cannot download http://127.0.0.1:\(port)/elec2.csv: "))
        #expect(refused.hint?.contains("--from DIR") == true)

        let silent = try LoopbackServer(root: empty, silent: true)
        defer { silent.stop() }
        let stalled = try #require(fetchError { try DatasetFetch.fetch("elec2", from: .web(URL(string: silent.base)!), into: home, timeout: 1) })
        #expect(stalled.message == "cannot download \(silent.base)elec2.csv: no answer within 1 s")
        #expect(contents(home).isEmpty)
    }

    @Test func anUnknownNameListsTheKnownNamesWithTheNearest() throws {
        let home = try temporaryFolder("home")
        defer { try? FileManager.default.removeItem(atPath: home) }
        let all = "known datasets: elec2, weather-offutt, seattle-weather, insects-gradual-balanced, sea-abrupt-noise20, sea-gradual-noise20"
        let e = try #require(fetchError { try DatasetFetch.fetch("elec", from: .folder(home), into: home) })
        #expect(e.message == "'elec' is not a known dataset")
        #expect(e.hint == "did you mean 'elec2'? \(all)")
        let far = try #require(fetchError { try DatasetFetch.fetch("mnist", from: .folder(home), into: home) })
        #expect(far.hint == all)
        #expect(throws: FlywheelError.self) { try DataHome.locate("seattle-wether") }
    }

    @Test func aMirrorIsAFolderOrAnHTTPAddress() throws {
        let dir = try temporaryFolder("mirror")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(try DatasetFetch.Mirror(dir) == .folder(dir))
        #expect(try DatasetFetch.Mirror("file://" + dir) == .folder(dir))
        #expect(try DatasetFetch.Mirror("https://example.org/data/") == .web(URL(string: "https://example.org/data/")!))
        #expect(DatasetFetch.Mirror.web(URL(string: "https://example.org/data")!).location(of: "elec2.csv") == "https://example.org/data/elec2.csv")
        #expect(DatasetFetch.Mirror.folder(dir).location(of: "elec2.csv") == dir + "/elec2.csv")
        #expect(throws: FlywheelError("mirror folder \(dir)/none does not exist", hint: "give the folder that holds the dataset files")) {
            try DatasetFetch.Mirror(dir + "/none")
        }
        #expect(throws: FlywheelError.self) { try DatasetFetch.Mirror("ftp://example.org/data") }
    }
}
