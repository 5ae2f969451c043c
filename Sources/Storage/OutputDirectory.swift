import FlywheelCore
import Foundation

/// A results folder written atomically: files go to a temporary sibling folder, which replaces the
/// destination only when everything is written. An error or an interruption before ``commit()``
/// leaves the earlier results exactly as they were.
public final class OutputDirectory: @unchecked Sendable {
    public let destination: URL
    /// Where files are written until the commit.
    public let staging: URL
    private var committed = false

    public init(_ path: String) throws {
        destination = URL(fileURLWithPath: path).standardizedFileURL
        let parent = destination.deletingLastPathComponent()
        try FileManager.default.createDirectory(at: parent, withIntermediateDirectories: true)
        staging = parent.appendingPathComponent(".\(destination.lastPathComponent).tmp-\(ProcessInfo.processInfo.processIdentifier)")
        try? FileManager.default.removeItem(at: staging)
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
