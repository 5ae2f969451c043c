import FlywheelCore
import Foundation

/// Output staged until it is complete: ``abandon()`` removes what was staged and leaves the
/// earlier output exactly as it was (what a Ctrl-C handler calls).
public protocol StagedOutput: AnyObject, Sendable {
    func abandon()
}

/// A results folder written atomically: files go to a temporary sibling folder, which replaces the
/// destination only when everything is written. An error or an interruption before ``commit()``
/// leaves the earlier results exactly as they were.
public final class OutputDirectory: StagedOutput, @unchecked Sendable {
    public let destination: URL
    /// Where files are written until the commit.
    public let staging: URL
    private var committed = false

    public init(_ path: String) throws {
        (destination, staging) = try stagedSibling(path)
        try FileManager.default.createDirectory(at: staging, withIntermediateDirectories: false)
    }

    /// The staging path of a file in the folder.
    public func file(_ name: String) -> URL { staging.appendingPathComponent(name) }

    /// Writes text to a file of the folder.
    public func write(_ text: String, to name: String) throws {
        try Data(text.utf8).write(to: file(name))
    }

    /// Replaces the destination with the staged folder (two renames on the same file system).
    public func commit() throws {
        let fm = FileManager.default
        var old: URL?
        if fm.fileExists(atPath: destination.path) {
            let o = destination.deletingLastPathComponent().appendingPathComponent(".\(destination.lastPathComponent).old-\(ProcessInfo.processInfo.processIdentifier)")
            try? fm.removeItem(at: o)
            try fm.moveItem(at: destination, to: o)
            old = o
        }
        do {
            try fm.moveItem(at: staging, to: destination)
        } catch {
            if let old { try? fm.moveItem(at: old, to: destination) }
            throw error
        }
        committed = true
        if let old { try? fm.removeItem(at: old) }
    }

    /// Removes the staged files (on error or interruption); the destination is untouched.
    public func abandon() {
        if !committed { try? FileManager.default.removeItem(at: staging) }
    }
}

/// One file written atomically: text is appended (buffered) to a temporary sibling, which
/// replaces the destination in one rename at ``commit()``. An error or an interruption before
/// leaves the earlier file exactly as it was.
public final class AtomicFile: StagedOutput, @unchecked Sendable {
    public let destination: URL
    /// Where the text is written until the commit.
    public let staging: URL
    private let handle: FileHandle
    private var buffer: [UInt8] = []
    private var committed = false
    private var closed = false

    public init(_ path: String) throws {
        (destination, staging) = try stagedSibling(path)
        guard FileManager.default.createFile(atPath: staging.path, contents: nil) else {
            throw FlywheelError("cannot create \(staging.path)", hint: "check that \(staging.deletingLastPathComponent().path) is writable")
        }
        handle = try FileHandle(forWritingTo: staging)
        buffer.reserveCapacity(1 << 20)
    }

    /// Appends text (written to disk by blocks of 1 MiB).
    public func write(_ text: String) throws {
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= 1 << 20 { try flush() }
    }

    private func flush() throws {
        guard !buffer.isEmpty else { return }
        try handle.write(contentsOf: buffer)
        buffer.removeAll(keepingCapacity: true)
    }

    /// Writes what is buffered and replaces the destination with the staged file.
    public func commit() throws {
        try flush()
        closed = true
        try handle.close()
        guard rename(staging.path, destination.path) == 0 else {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: staging)
            throw FlywheelError("cannot move \(staging.path) to \(destination.path): \(reason)")
        }
        committed = true
    }

    /// Removes the staged file (on error or interruption); the destination is untouched.
    public func abandon() {
        guard !committed else { return }
        if !closed { closed = true; try? handle.close() }
        try? FileManager.default.removeItem(at: staging)
    }
}

/// The destination of `path` and its hidden staging sibling (`.<name>.tmp-<pid>`, anything left
/// there by an earlier interrupted write removed); the parent folder is created.
private func stagedSibling(_ path: String) throws -> (destination: URL, staging: URL) {
    let destination = URL(fileURLWithPath: path).standardizedFileURL
    let parent = destination.deletingLastPathComponent()
    try FileManager.default.createDirectory(at: parent, withIntermediateDirectories: true)
    let staging = parent.appendingPathComponent(".\(destination.lastPathComponent).tmp-\(ProcessInfo.processInfo.processIdentifier)")
    try? FileManager.default.removeItem(at: staging)
    return (destination, staging)
}
