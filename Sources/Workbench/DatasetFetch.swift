import Crypto
import FlywheelCore
import Scenarios
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Copies known datasets into the data home from a mirror and checks them against the SHA-256
/// pinned in ``DataHome/known``.
///
/// A mirror is a folder, or an `http(s)://` address, holding the files under the names in
/// ``DataHome/KnownDataset/file`` (as `/path/to/datasets` or `https://host/datasets/` holding
/// `elec2.csv`, …). A file is accepted only if its checksum is the pinned one; it is written
/// to a temporary file in the data home and renamed into place, so an interruption or a failed
/// check never leaves a partial or unverified file under the dataset's name.
public enum DatasetFetch {
    /// What the data home holds of a known dataset.
    public enum Status: Hashable, Sendable {
        case absent
        case verified
        /// Present, but not the pinned file: its actual SHA-256.
        case differs(sha256: String)
    }

    /// What ``fetch(_:from:into:force:timeout:)`` did.
    public enum Outcome: Hashable, Sendable {
        /// The data home already held the verified file; nothing was read from the mirror.
        case alreadyPresent(path: String)
        /// The file was copied from `source`, verified and written to `path`.
        case fetched(path: String, source: String, bytes: Int)
    }

    /// Where files come from.
    public enum Mirror: Hashable, Sendable {
        case folder(String)
        case web(URL)

        /// A folder path, a `file://` URL, or an `http://` / `https://` address.
        /// - Throws: ``FlywheelError`` for another scheme or a folder that does not exist.
        public init(_ text: String) throws {
            if let url = URL(string: text), let scheme = url.scheme?.lowercased(), scheme.count > 1 {
                switch scheme {
                case "http", "https": self = .web(url); return
                case "file": self = try Mirror(url.path); return
                default:
                    throw FlywheelError("mirror '\(text)' has the scheme '\(scheme)'",
                                        hint: "give a folder, a file:// URL, or an http:// or https:// address")
                }
            }
            let path = (text as NSString).expandingTildeInPath
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw FlywheelError("mirror folder \(path) does not exist", hint: "give the folder that holds the dataset files")
            }
            self = .folder(path)
        }

        /// Where the mirror keeps `file`.
        public func location(of file: String) -> String {
            switch self {
            case .folder(let dir): return (dir as NSString).appendingPathComponent(file)
            case .web(let base):
                let text = base.absoluteString
                return (text.hasSuffix("/") ? text : text + "/") + file
            }
        }
    }

    /// The lowercase hex SHA-256 of a file, read in 1 MiB blocks.
    public static func sha256(ofFile path: String) throws -> String {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw FlywheelError("cannot read \(path)") }
        defer { try? handle.close() }
        var hasher = SHA256()
        while let block = try handle.read(upToCount: 1 << 20), !block.isEmpty { hasher.update(data: block) }
        return hex(hasher.finalize())
    }

    /// The lowercase hex SHA-256 of `data`.
    public static func sha256(of data: Data) -> String { hex(SHA256.hash(data: data)) }

    private static func hex(_ digest: SHA256.Digest) -> String { digest.map { String(format: "%02x", $0) }.joined() }

    /// Whether the data home `directory` holds `dataset`, and whether it is the pinned file.
    public static func status(of dataset: DataHome.KnownDataset, in directory: String) -> Status {
        let path = (directory as NSString).appendingPathComponent(dataset.file)
        guard FileManager.default.fileExists(atPath: path), let actual = try? sha256(ofFile: path) else { return .absent }
        return actual == dataset.sha256 ? .verified : .differs(sha256: actual)
    }

    /// Copies the known dataset `name` from `mirror` into the data home `directory` (created if
    /// missing), unless it already holds the verified file and `force` is false.
    /// - Parameter timeout: seconds an HTTP transfer may stall before it is abandoned.
    /// - Throws: ``FlywheelError`` for an unknown name, a file in the data home that is not the
    ///   pinned one (without `force`), an unreachable mirror, or a mirror file whose checksum is not
    ///   the pinned one; the data home is then left as it was.
    public static func fetch(_ name: String, from mirror: Mirror, into directory: String, force: Bool = false,
                             timeout: TimeInterval = 30) throws -> Outcome {
        let dataset = try DataHome.dataset(named: name)
        let path = (directory as NSString).appendingPathComponent(dataset.file)
        switch status(of: dataset, in: directory) {
        case .verified where !force: return .alreadyPresent(path: path)
        case .differs(let actual) where !force:
            throw FlywheelError("\(path) is already there but is not the published \(dataset.name): its SHA-256 is \(actual), "
                                + "expected \(dataset.sha256)", hint: "pass --force to replace it with the mirror's copy")
        default: break
        }
        let source = mirror.location(of: dataset.file)
        let data: Data
        switch mirror {
        case .folder:
            guard FileManager.default.fileExists(atPath: source) else {
                throw FlywheelError("the mirror has no \(dataset.file): \(source) does not exist")
            }
            data = try Data(contentsOf: URL(fileURLWithPath: source))
        case .web:
            data = try download(URL(string: source)!, timeout: timeout)
        }
        let actual = sha256(of: data)
        guard actual == dataset.sha256 else {
            throw FlywheelError("\(source) is not the published \(dataset.name): its SHA-256 is \(actual), expected \(dataset.sha256); "
                                + "nothing was written", hint: "the mirror's copy is damaged or a different version; replace it from the original")
        }
        try writeAtomically(data, to: path)
        return .fetched(path: path, source: source, bytes: data.count)
    }

    /// Writes `data` to a temporary file beside `path`, then renames it into place.
    static func writeAtomically(_ data: Data, to path: String) throws {
        let fm = FileManager.default
        let directory = (path as NSString).deletingLastPathComponent
        let name = (path as NSString).lastPathComponent
        do {
            try fm.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw FlywheelError("cannot create the data home \(directory): \(error.localizedDescription)")
        }
        // Leftovers of an interrupted fetch of the same file.
        for f in (try? fm.contentsOfDirectory(atPath: directory)) ?? [] where f.hasPrefix(".\(name).") && f.hasSuffix(".partial") {
            try? fm.removeItem(atPath: (directory as NSString).appendingPathComponent(f))
        }
        let temporary = (directory as NSString).appendingPathComponent(".\(name).\(getpid()).partial")
        guard fm.createFile(atPath: temporary, contents: data) else {
            throw FlywheelError("cannot write \(temporary)", hint: "check that the data home is writable and has room")
        }
        guard rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            try? fm.removeItem(atPath: temporary)
            throw FlywheelError("cannot move \(temporary) to \(path): \(reason)")
        }
    }

    /// The body of a `GET url` answered with status 200.
    /// - Throws: ``FlywheelError`` saying why the address could not be reached or what it answered.
    static func download(_ url: URL, timeout: TimeInterval) throws -> Data {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = timeout
        configuration.timeoutIntervalForResource = max(timeout, 600)
        let session = URLSession(configuration: configuration)
        defer { session.finishTasksAndInvalidate() }
        let reply = Reply()
        let done = DispatchSemaphore(value: 0)
        session.dataTask(with: url) { data, response, error in
            reply.set(data: data, response: response, error: error)
            done.signal()
        }.resume()
        done.wait()
        let (data, response, error) = reply.get()
        if let error {
            let reason: String
            switch (error as? URLError)?.code {
            case .timedOut?: reason = "no answer within \(String(format: "%g", timeout)) s"
            case .cannotFindHost?, .dnsLookupFailed?: reason = "cannot find the host \(url.host ?? "")"
            case .cannotConnectToHost?: reason = "cannot connect to \(url.host ?? "")"
            case .notConnectedToInternet?: reason = "this machine is not connected to a network"
            default: reason = error.localizedDescription
            }
            throw FlywheelError("cannot download \(url.absoluteString): \(reason)",
                                hint: "check the address and the network, or fetch from a local folder with --from DIR")
        }
        guard let http = response as? HTTPURLResponse else { throw FlywheelError("cannot download \(url.absoluteString): no HTTP answer") }
        guard http.statusCode == 200, let data else {
            throw FlywheelError("cannot download \(url.absoluteString): the server answered HTTP \(http.statusCode)",
                                hint: http.statusCode == 404 ? "the mirror does not hold that file" : nil)
        }
        return data
    }

    /// The answer handed from URLSession's delegate queue to the waiting caller. `@unchecked`:
    /// every access to `value` holds `lock`, which the compiler cannot see.
    private final class Reply: @unchecked Sendable {
        private let lock = NSLock()
        private var value: (Data?, URLResponse?, Error?) = (nil, nil, nil)
        func set(data: Data?, response: URLResponse?, error: Error?) { lock.withLock { value = (data, response, error) } }
        func get() -> (Data?, URLResponse?, Error?) { lock.withLock { value } }
    }
}
