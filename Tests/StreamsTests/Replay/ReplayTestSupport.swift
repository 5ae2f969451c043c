import Testing
import Foundation

/// Where the shared real datasets are: `FLYWHEEL_DATA`, else `<repo>/../shared/datasets`.
enum ReplayData {
    static let directory: String? = {
        let fm = FileManager.default
        if let env = ProcessInfo.processInfo.environment["FLYWHEEL_DATA"], fm.fileExists(atPath: env) { return env }
        let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        let shared = repo.deletingLastPathComponent().appendingPathComponent("shared/datasets").path
        return fm.fileExists(atPath: shared) ? shared : nil
    }()

    static var available: Bool { directory != nil }
    static let skipReason: Comment = "real datasets not found: set FLYWHEEL_DATA or place them in ../shared/datasets"

    static func path(_ name: String) -> String { (directory ?? "") + "/" + name }
}

/// Independent truth: a file's data rows split by plain string operations (these files have no
/// quoting), line endings LF or CRLF.
func plainRows(_ path: String) throws -> [[Substring]] {
    let text = try String(contentsOfFile: path, encoding: .utf8)
    return text.split(whereSeparator: { $0 == "\n" || $0 == "\r\n" }).dropFirst()
        .map { $0.split(separator: ",", omittingEmptySubsequences: false) }
}
