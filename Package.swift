// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "Flywheel",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "flywheel", targets: ["flywheel"]),
        .library(name: "Flywheel", targets: ["Scenarios", "Simulation", "Analysis", "Storage", "Reports", "Plots", "SQLiteReplay"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
    ],
    targets: [
        .systemLibrary(name: "CGSL", pkgConfig: "gsl", providers: [.apt(["libgsl-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CXGBoost", pkgConfig: "xgboost", providers: [.apt(["libxgboost-dev"])]),
        .target(name: "FlywheelCore", dependencies: ["CGSL"]),
        .target(name: "Streams", dependencies: ["FlywheelCore", "CGSL", "CZlib"]),
        .target(name: "Learners", dependencies: ["FlywheelCore", "CGSL", "CXGBoost"]),
        .target(name: "Monitoring", dependencies: ["FlywheelCore", "CGSL"]),
        .target(name: "Strategies", dependencies: ["FlywheelCore", "Learners", "Monitoring"]),
        .target(name: "Simulation", dependencies: ["FlywheelCore", "Streams", "Learners", "Monitoring", "Strategies"]),
        .target(name: "Analysis", dependencies: ["FlywheelCore", "CGSL", "Monitoring"]),
        .target(name: "Storage", dependencies: ["FlywheelCore", "Analysis", .product(name: "GRDB", package: "GRDB.swift")]),
        // Replaying SQLite tables: the row source that keeps GRDB out of Streams and Simulation.
        .target(name: "SQLiteReplay", dependencies: [
            "FlywheelCore", "Streams",
            .product(name: "GRDB", package: "GRDB.swift"), .product(name: "GRDBSQLite", package: "GRDB.swift"),
        ]),
        .target(name: "Plots"),
        .target(name: "Reports", dependencies: ["FlywheelCore", "Analysis", "Plots"]),
        .target(name: "Scenarios", dependencies: [
            "FlywheelCore", "Streams", "Learners", "Monitoring", "Strategies", "Simulation", "Analysis", "Storage", "Reports", "Plots",
            "SQLiteReplay", .product(name: "Yams", package: "Yams"),
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        .executableTarget(name: "flywheel", dependencies: [
            "FlywheelCore", "Streams", "Monitoring", "Scenarios", "Simulation", "Analysis", "Storage", "Reports", "Plots",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .testTarget(name: "FlywheelCoreTests", dependencies: ["FlywheelCore"]),
        .testTarget(name: "LearnersTests", dependencies: ["Learners", "FlywheelCore", "Streams"], exclude: ["Oracles", "Fixtures"]),
        .testTarget(name: "StreamsTests", dependencies: ["Streams", "FlywheelCore"], exclude: ["Golden"]),
        .testTarget(name: "MonitoringTests", dependencies: ["Monitoring", "FlywheelCore"]),
        .testTarget(name: "SimulationTests", dependencies: ["Simulation", "Scenarios", "Streams", "Strategies", "Learners", "FlywheelCore"]),
        .testTarget(name: "ScenariosTests", dependencies: ["Scenarios", "Simulation", "FlywheelCore"]),
        // Depends on the executable so that SwiftPM builds it: the mutation fuzz test runs it as a child process.
        .testTarget(name: "EndToEndTests", dependencies: ["Scenarios", "Simulation", "Storage", "Reports", "Analysis", "FlywheelCore",
                                                      "Streams", "SQLiteReplay", "flywheel",
                                                      .product(name: "GRDB", package: "GRDB.swift"),
                                                      .product(name: "Yams", package: "Yams")],
                    exclude: ["Golden"]),
        .testTarget(name: "PlotsTests", dependencies: ["Plots"]),
        // Runs the real `flywheel` executable (built through this dependency) against malicious
        // names and folders, interrupts and concurrent runs.
        .testTarget(name: "SafetyTests", dependencies: ["flywheel", "Scenarios", "Storage", "Reports", "FlywheelCore",
                                                       .product(name: "GRDB", package: "GRDB.swift")]),
        .testTarget(name: "AnalysisTests", dependencies: ["Analysis", "FlywheelCore", "Monitoring"], exclude: ["Oracles"]),
    ],
    swiftLanguageModes: [.v6]
)
