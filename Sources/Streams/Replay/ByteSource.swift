import FlywheelCore
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A source of bytes read in fixed-size chunks: a plain file through `read(2)`, or a gzip file
/// (`.gz`) decompressed by a `gzip -dc` child process whose standard output is read through a
/// pipe. Neither is ever held whole in memory.
final class ByteSource {
    let path: String
    private var fd: Int32 = -1
    private var process: Process?
    private var outPipe: Pipe?
    private var errPipe: Pipe?
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
        if path.hasSuffix(".gz") {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            p.arguments = ["gzip", "-dc", "--", path]
            let out = Pipe(), err = Pipe()
            p.standardOutput = out
            p.standardError = err
            p.standardInput = FileHandle.nullDevice
            do { try p.run() } catch {
                throw FlywheelError("cannot start gzip to read \(path): \(error)", hint: "install gzip or decompress the file first")
            }
            process = p
            outPipe = out
            errPipe = err
            fd = out.fileHandleForReading.fileDescriptor
        } else {
            fd = open(path, O_RDONLY)
            guard fd >= 0 else {
                throw FlywheelError("cannot open \(path): \(String(cString: strerror(errno)))")
            }
        }
    }

    /// Reads an already open descriptor, which the source then owns and closes.
    init(descriptor: Int32, name: String) {
        path = name
        fd = descriptor
    }

    deinit { close() }

    /// Reads up to `buffer.count` bytes into `buffer`; returns 0 at the end of the input.
    /// For a gzip file, the end also checks gzip's exit status and reports a corrupt stream.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard !finished, let base = buffer.baseAddress else { return 0 }
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
            if let p = process {
                p.waitUntilExit()
                let status = p.terminationStatus
                let message = errPipe.map { String(decoding: $0.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self) } ?? ""
                close()
                if status != 0 {
                    let detail = message.trimmingCharacters(in: .whitespacesAndNewlines)
                    throw FlywheelError("gzip could not decompress \(path) (exit status \(status))\(detail.isEmpty ? "" : ": \(detail)")",
                                        hint: "the file may be truncated or not gzip data")
                }
            }
            return 0
        }
    }

    /// Releases the file or stops the decompressor. Safe to call more than once.
    func close() {
        if let p = process {
            if p.isRunning {
                p.terminate()
                p.waitUntilExit()
            }
            process = nil
            outPipe = nil
            errPipe = nil
            fd = -1
        } else if fd >= 0 {
            #if canImport(Glibc)
            _ = Glibc.close(fd)
            #else
            _ = Darwin.close(fd)
            #endif
            fd = -1
        }
    }
}
