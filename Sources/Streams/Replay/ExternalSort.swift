import FlywheelCore
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A stable external merge sort of CSV records by (time, line), in bounded memory.
///
/// Records are collected into an in-memory chunk of at most `chunkBytes` bytes; each full chunk
/// is sorted and written to a temporary *run* file. ``RunMerger`` then merges the runs, reading
/// each through a 64 KiB buffer. Memory: one chunk plus one buffer and one record per run.
/// Each run file is unlinked as soon as it is created and kept only as an open descriptor, so
/// nothing is left on disk whenever or however the process ends.
/// Run record layout (native byte order): time `Int64`, line `Int64`, field count `UInt32`,
/// field end offsets `UInt32 × count`, then the field bytes.
final class RecordSorter {
    let chunkBytes: Int
    private let prefix: String
    private var arena: [UInt8] = []
    private var index: [(time: Int64, line: Int, offset: Int, length: Int)] = []
    /// Open descriptors of the (already unlinked) run files.
    private(set) var runs: [Int32] = []

    init(chunkBytes: Int) {
        self.chunkBytes = max(chunkBytes, 1)
        prefix = FileManager.default.temporaryDirectory.appendingPathComponent("flywheel-sort-\(UUID().uuidString)").path
    }

    deinit { removeFiles() }

    /// Closes the run files (the system then frees them).
    func removeFiles() {
        for fd in runs { _ = close(fd) }
        runs = []
    }

    private func appendRaw<T>(_ value: T) {
        withUnsafeBytes(of: value) { arena.append(contentsOf: $0) }
    }

    /// Adds one record with its time.
    func add(_ record: ReplayRecord, time: Int64) throws {
        let offset = arena.count
        appendRaw(time)
        appendRaw(Int64(record.line))
        appendRaw(UInt32(record.count))
        for e in record.ends { appendRaw(UInt32(e)) }
        arena.append(contentsOf: record.bytes)
        index.append((time, record.line, offset, arena.count - offset))
        if arena.count >= chunkBytes { try flush() }
    }

    private func flush() throws {
        guard !index.isEmpty else { return }
        index.sort { $0.time != $1.time ? $0.time < $1.time : $0.line < $1.line }
        let path = prefix + "-\(runs.count).run"
        let fd = open(path, O_RDWR | O_CREAT | O_EXCL, 0o600)
        guard fd >= 0 else { throw FlywheelError("cannot write temporary sort file \(path): \(String(cString: strerror(errno)))") }
        unlink(path)
        runs.append(fd)
        var out: [UInt8] = []
        out.reserveCapacity(1 << 16)
        func drain() throws {
            try out.withUnsafeBytes { raw in
                var done = 0
                while done < raw.count {
                    let n = write(fd, raw.baseAddress! + done, raw.count - done)
                    if n < 0 && errno == EINTR { continue }
                    guard n > 0 else { throw FlywheelError("cannot write temporary sort file \(path): \(String(cString: strerror(errno)))") }
                    done += n
                }
            }
            out.removeAll(keepingCapacity: true)
        }
        for entry in index {
            out.append(contentsOf: arena[entry.offset..<(entry.offset + entry.length)])
            if out.count >= 1 << 16 { try drain() }
        }
        try drain()
        index.removeAll(keepingCapacity: true)
        arena.removeAll(keepingCapacity: true)
    }

    /// Writes the last chunk; the runs are then ready to merge.
    func finish() throws {
        try flush()
        arena = []
        index = []
    }
}

/// Reads a run file written by ``RecordSorter`` through a fixed buffer.
final class RunReader {
    private let source: ByteSource
    private let buffer: UnsafeMutableRawBufferPointer
    private var pos = 0
    private var end = 0

    /// Reads the run behind `descriptor` from its start, through a duplicate descriptor.
    init(descriptor: Int32) throws {
        let d = dup(descriptor)
        guard d >= 0, lseek(d, 0, SEEK_SET) == 0 else {
            throw FlywheelError("cannot reread a temporary sort file: \(String(cString: strerror(errno)))")
        }
        source = ByteSource(descriptor: d, name: "temporary sort file")
        buffer = .allocate(byteCount: 1 << 16, alignment: 8)
    }

    deinit {
        source.close()
        buffer.deallocate()
    }

    /// Copies exactly `count` bytes to `dst`; false at a clean end of file.
    private func read(_ dst: UnsafeMutableRawPointer, _ count: Int) throws -> Bool {
        var done = 0
        while done < count {
            if pos == end {
                let n = try source.read(into: buffer)
                if n == 0 {
                    if done == 0 { return false }
                    throw FlywheelError("temporary sort file is truncated")
                }
                pos = 0
                end = n
            }
            let k = min(count - done, end - pos)
            (dst + done).copyMemory(from: buffer.baseAddress! + pos, byteCount: k)
            pos += k
            done += k
        }
        return true
    }

    private func readValue<T: FixedWidthInteger>(_ type: T.Type) throws -> T? {
        var v: T = 0
        guard try withUnsafeMutableBytes(of: &v, { try read($0.baseAddress!, MemoryLayout<T>.size) }) else { return nil }
        return v
    }

    /// Reads the next record; returns its time, or nil at the end.
    func next(into record: inout ReplayRecord) throws -> Int64? {
        guard let time = try readValue(Int64.self) else { return nil }
        guard let line = try readValue(Int64.self), let n = try readValue(UInt32.self) else {
            throw FlywheelError("temporary sort file is truncated")
        }
        record.reset(line: Int(line))
        for _ in 0..<Int(n) {
            guard let e = try readValue(UInt32.self) else { throw FlywheelError("temporary sort file is truncated") }
            record.ends.append(Int(e))
        }
        let total = record.ends.last ?? 0
        if total > 0 {
            record.bytes.append(contentsOf: repeatElement(0, count: total))
            let ok = try record.bytes.withUnsafeMutableBytes { try read($0.baseAddress!, total) }
            guard ok else { throw FlywheelError("temporary sort file is truncated") }
        }
        return time
    }
}

/// Merges the sorted runs of a ``RecordSorter`` into one stream ordered by (time, line).
final class RunMerger {
    private var readers: [RunReader]
    private var heads: [ReplayRecord]
    private var times: [Int64]
    private var live: [Bool]

    init(runs: [Int32]) throws {
        readers = try runs.map { try RunReader(descriptor: $0) }
        heads = Array(repeating: ReplayRecord(), count: runs.count)
        times = Array(repeating: 0, count: runs.count)
        live = Array(repeating: false, count: runs.count)
        for k in 0..<readers.count {
            if let t = try readers[k].next(into: &heads[k]) {
                times[k] = t
                live[k] = true
            }
        }
    }

    /// Moves the earliest remaining record into `record`; false when all runs are done.
    ///
    /// - Complexity: O(runs) per record.
    func next(into record: inout ReplayRecord) throws -> Bool {
        var best = -1
        for k in 0..<heads.count where live[k] {
            if best < 0 || times[k] < times[best] || (times[k] == times[best] && heads[k].line < heads[best].line) { best = k }
        }
        guard best >= 0 else { return false }
        swap(&record, &heads[best])
        if let t = try readers[best].next(into: &heads[best]) {
            times[best] = t
        } else {
            live[best] = false
        }
        return true
    }
}
