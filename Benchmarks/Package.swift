// swift-tools-version:6.1
import Foundation
import PackageDescription

// The root package is a path dependency; SwiftPM names it after its folder, which differs between
// clones and worktrees, so the name is computed from this manifest's location.
let rootFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().lastPathComponent

let package = Package(
    name: "FlywheelBenchmarks",
    platforms: [.macOS(.v13)],
    dependencies: [.package(path: "..")],
    targets: [
        .executableTarget(
            name: "flywheel-bench",
            dependencies: [.product(name: "Flywheel", package: rootFolder)]
        ),
        .testTarget(name: "FlywheelBenchTests", dependencies: ["flywheel-bench"]),
    ],
    swiftLanguageModes: [.v6]
)
