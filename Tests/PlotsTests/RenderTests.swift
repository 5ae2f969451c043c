import Foundation
import Testing
@testable import Plots

/// Path of `rsvg-convert` on PATH, or nil.
func findRsvgConvert() -> String? {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
    for dir in path.split(separator: ":") {
        let candidate = String(dir) + "/rsvg-convert"
        if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
    }
    return nil
}

/// Renders `svg` to PNG with rsvg-convert; returns the PNG size in bytes, and the process status.
func renderPNG(_ svg: String, name: String, tool: String) throws -> (status: Int32, bytes: Int, stderr: String) {
    let dir: URL
    if let keep = ProcessInfo.processInfo.environment["FLYWHEEL_PLOTS_OUT"] {
        dir = URL(fileURLWithPath: keep)
    } else {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("flywheel-plots-\(ProcessInfo.processInfo.processIdentifier)")
    }
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    let svgURL = dir.appendingPathComponent(name + ".svg")
    let pngURL = dir.appendingPathComponent(name + ".png")
    try svg.write(to: svgURL, atomically: true, encoding: .utf8)
    try? FileManager.default.removeItem(at: pngURL)
    let p = Process()
    p.executableURL = URL(fileURLWithPath: tool)
    p.arguments = ["--format=png", "--output=" + pngURL.path, svgURL.path]
    let err = Pipe()
    p.standardError = err
    try p.run()
    let errData = err.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    let png = (try? Data(contentsOf: pngURL)) ?? Data()
    // A PNG starts with its 8-byte signature; anything else counts as empty.
    let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
    let bytes = Array(png.prefix(8)) == signature ? png.count : 0
    return (p.terminationStatus, bytes, String(decoding: errData, as: UTF8.self))
}

@Suite("Rendering with rsvg-convert")
struct RenderTests {
    static let charts: [(String, String)] = [
        ("line-decay", Fixtures.decayChart().svg()),
        ("line-cumulative", Fixtures.cumulativeChart().svg()),
        ("area-between", Fixtures.areaChart().svg()),
        ("scatter-pareto", Fixtures.scatterChart().svg()),
        ("heatmap", Fixtures.heatmap().svg()),
        ("decision-map", Fixtures.decisionMap().svg()),
    ] + Fixtures.edgeCharts()

    @Test("every chart renders to a non-empty PNG", .enabled(if: findRsvgConvert() != nil, "rsvg-convert is not on PATH (install librsvg2-bin)"))
    func renders() throws {
        let tool = try #require(findRsvgConvert())
        for (name, svg) in RenderTests.charts {
            let r = try renderPNG(svg, name: name, tool: tool)
            #expect(r.status == 0, "rsvg-convert failed on \(name): \(r.stderr)")
            #expect(r.bytes > 1000, "empty PNG for \(name)")
        }
    }
}
