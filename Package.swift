// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "Flywheel",
    platforms: [.macOS(.v13)],
    products: [
        .library(name: "Flywheel", targets: ["FlywheelCore", "Streams", "Learners", "Monitoring", "Plots"]),
    ],
    dependencies: [],
    targets: [
        .systemLibrary(name: "CGSL", pkgConfig: "gsl", providers: [.apt(["libgsl-dev"])]),
        .target(name: "FlywheelCore", dependencies: ["CGSL"]),
        .target(name: "Streams", dependencies: ["FlywheelCore", "CGSL"]),
        .target(name: "Learners", dependencies: ["FlywheelCore", "CGSL"]),
        .target(name: "Monitoring", dependencies: ["FlywheelCore", "CGSL"]),
        .target(name: "Plots"),
        .testTarget(name: "FlywheelCoreTests", dependencies: ["FlywheelCore"]),
        .testTarget(name: "StreamsTests", dependencies: ["Streams", "FlywheelCore"]),
    ],
    swiftLanguageModes: [.v6]
)
