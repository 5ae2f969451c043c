import CZlib
import FlywheelCore
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A source of bytes read in fixed-size chunks: a plain file through `read(2)`, or a gzip file
/// (`.gz`) decompressed on the fly by zlib (`gzread`, every member of a multi-member file). Neither
/// is ever held whole in memory, and no other program is started.
final class ByteSource {
    let path: String
    private var fd: Int32 = -1
    private var gz: gzFile?
    private var finished = false

    /// Opens `path`; a name ending in `.gz` is decompressed on the fly.
    init(path: String) throws {
        self.path = path
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else {
            throw FlywheelError("no such file: \(path)", hint: "check the path; relative paths are taken from the working directory")
        }
        guard !isDir.boolValue else { throw FlywheelError("\(path) is a directory, not a CSV file") }
        try RegularFile.check(path, what: "a CSV file")
        fd = open(path, O_RDONLY)
        guard fd >= 0 else {
            throw FlywheelError("cannot open \(path): \(String(cString: strerror(errno)))")
        }
        guard path.hasSuffix(".gz") else { return }
        // zlib would pass a file without the gzip magic through as it is: refuse it instead.
        var magic: [UInt8] = [0, 0]
        let got = pread(fd, &magic, 2, 0)
        guard got == 2, magic == [0x1f, 0x8b] else {
            close()
            throw FlywheelError("\(path) is not gzip data (it does not start with the gzip signature 1f 8b)",
                                hint: "decompress it, or give it a name without .gz if it is plain CSV")
        }
        guard let handle = gzdopen(fd, "rb") else {
            close()
            throw FlywheelError("cannot read \(path) as gzip: out of memory")
        }
        fd = -1   // owned by zlib now
        gz = handle
        _ = gzbuffer(handle, 1 << 17)
    }

    /// Reads an already open descriptor, which the source then owns and closes.
    init(descriptor: Int32, name: String) {
        path = name
        fd = descriptor
    }

    deinit { close() }

    /// Reads up to `buffer.count` bytes into `buffer`; returns 0 at the end of the input.
    /// A gzip file that is truncated or corrupt throws zlib's reason.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard !finished, let base = buffer.baseAddress else { return 0 }
        if let gz {
            let n = gzread(gz, base, UInt32(min(buffer.count, Int(Int32.max))))
            if n > 0 { return Int(n) }
            var code: Int32 = 0
            let message = gzerror(gz, &code).map { String(cString: $0) } ?? ""
            finished = true
            close()
            if n < 0 || code != Z_OK {
                let reason = code == Z_BUF_ERROR ? "the file ends in the middle of the compressed data (truncated?)" : message
                throw FlywheelError("cannot decompress \(path) as gzip: \(reason)", hint: "the file may be truncated or not gzip data")
            }
            return 0
        }
        while true {
            #if canImport(Glibc)
            let n = Glibc.read(fd, base, buffer.count)
            #else
            let n = Darwin.read(fd, base, buffer.count)
            #endif
            if n > 0 { return n }
            if n < 0 && errno == EINTR { continue }
            if n < 0 {
                let reason = String(cString: strerror(errno))
                close()
                throw FlywheelError("error reading \(path): \(reason)")
            }
            finished = true
            return 0
        }
    }

    /// Releases the file. Safe to call more than once.
    func close() {
        if let g = gz {
            gzclose(g)
            gz = nil
        }
        if fd >= 0 {
            #if canImport(Glibc)
            _ = Glibc.close(fd)
            #else
            _ = Darwin.close(fd)
            #endif
            fd = -1
        }
    }
}
