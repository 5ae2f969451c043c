import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A minimal HTTP server on 127.0.0.1 for tests: `GET /NAME` answers the file NAME of `root`
/// (404 when there is none). A `silent` server accepts connections and never answers. It serves
/// until ``stop()``, one connection at a time, and records every path asked for.
/// `@unchecked Sendable`: the mutable lists are read and written under `lock` only, which the
/// compiler cannot see.
final class LoopbackServer: @unchecked Sendable {
    let port: UInt16
    private let listener: Int32
    private let root: String
    private let silent: Bool
    private let lock = NSLock()
    private var paths: [String] = []
    private var held: [Int32] = []

    var base: String { "http://127.0.0.1:\(port)/" }
    var requests: [String] { lock.withLock { paths } }

    init(root: String, silent: Bool = false) throws {
        self.root = root
        self.silent = silent
        #if os(Linux)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { throw POSIXError(.EIO) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ok = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, length) == 0 && listen(fd, 8) == 0 && getsockname(fd, $0, &length) == 0
            }
        }
        guard ok else { close(fd); throw POSIXError(.EADDRINUSE) }
        listener = fd
        port = UInt16(bigEndian: address.sin_port)
        Thread { [self] in serve() }.start()
    }

    /// A port on 127.0.0.1 on which nothing listens.
    static func closedPort() throws -> UInt16 {
        let server = try LoopbackServer(root: "/nonexistent", silent: true)
        server.stop()
        return server.port
    }

    /// Stops accepting (the serving thread then closes the socket) and drops held connections.
    func stop() {
        shutdown(listener, Int32(SHUT_RDWR))
        lock.withLock {
            for c in held { close(c) }
            held = []
        }
    }

    private func serve() {
        while true {
            let client = accept(listener, nil, nil)
            guard client >= 0 else { close(listener); return }
            if silent {
                lock.withLock { held.append(client) }
                continue
            }
            respond(client)
            close(client)
        }
    }

    private func respond(_ client: Int32) {
        var request = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 4096)
        while request.count < 65_536, !request.ends(with: Array("\r\n\r\n".utf8)) {
            let n = read(client, &buffer, buffer.count)
            if n <= 0 { return }
            request += buffer[0..<n]
        }
        let line = String(decoding: request, as: UTF8.self).split(separator: "\r\n").first ?? ""
        let parts = line.split(separator: " ")
        let path = parts.count > 1 ? String(parts[1]) : "/"
        lock.withLock { paths.append(path) }
        let file = (root as NSString).appendingPathComponent(String(path.drop(while: { $0 == "/" })))
        let body = FileManager.default.contents(atPath: file)
        let head = body == nil ? "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
            : "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: \(body!.count)\r\nConnection: close\r\n\r\n"
        var reply = Data(head.utf8)
        if let body { reply.append(body) }
        reply.withUnsafeBytes { raw in
            var sent = 0
            while sent < raw.count {
                #if os(Linux)
                let n = send(client, raw.baseAddress! + sent, raw.count - sent, Int32(MSG_NOSIGNAL))
                #else
                let n = send(client, raw.baseAddress! + sent, raw.count - sent, 0)
                #endif
                if n <= 0 { return }
                sent += n
            }
        }
    }
}

private extension Array where Element == UInt8 {
    func ends(with suffix: [UInt8]) -> Bool { count >= suffix.count && Array(self[(count - suffix.count)...]) == suffix }
}
