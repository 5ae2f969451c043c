// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "Flywheel",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "flywheel", targets: ["FlywheelCLI"]),
        // Every module of the workbench behind one `import Flywheel`.
        .library(name: "Flywheel", targets: ["Flywheel"]),
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
        .target(name: "Simulation", dependencies: ["FlywheelCore", "Streams", "Learners", "Monitoring", "Strategies", "Analysis"]),
        .target(name: "Analysis", dependencies: ["FlywheelCore", "CGSL"]),
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
        ]),
        // The umbrella module (its folder is not `Sources/Flywheel`, which a case-insensitive file
        // system would confuse with the CLI's `Sources/flywheel`).
        .target(name: "Flywheel", dependencies: [
            "FlywheelCore", "Streams", "Learners", "Monitoring", "Strategies", "Simulation", "Analysis", "Storage", "SQLiteReplay", "Plots",
            "Reports", "Scenarios", "Workbench",
        ], path: "Sources/FlywheelLibrary"),
        // What the commands do: run, sweep, merge, regenerate, export traffic, fetch and describe data.
        .target(name: "Workbench", dependencies: [
            "FlywheelCore", "Streams", "Learners", "Strategies", "Simulation", "Analysis", "Storage", "Reports", "Plots", "SQLiteReplay",
            "Scenarios", .product(name: "Crypto", package: "swift-crypto"),
        ]),
        // The CLI (module `FlywheelCLI`, so that its build products differ from the umbrella's by more than case).
        .executableTarget(name: "FlywheelCLI", dependencies: [
            "FlywheelCore", "Streams", "Monitoring", "Scenarios", "Workbench", "Simulation", "Analysis", "Storage", "Reports", "Plots",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ], path: "Sources/flywheel"),
        .testTarget(name: "FlywheelCoreTests", dependencies: ["FlywheelCore"]),
        .testTarget(name: "LearnersTests", dependencies: ["Learners", "FlywheelCore", "Streams"], exclude: ["Oracles", "Fixtures"]),
        .testTarget(name: "StreamsTests", dependencies: ["Streams", "FlywheelCore"], exclude: ["Golden"]),
        .testTarget(name: "MonitoringTests", dependencies: ["Monitoring", "Analysis", "FlywheelCore"]),
        .testTarget(name: "StrategiesTests", dependencies: ["Strategies", "Learners", "Monitoring", "FlywheelCore"]),
        .testTarget(name: "SimulationTests", dependencies: ["Simulation", "Scenarios", "Workbench", "Analysis",
                                                       "Streams", "Strategies", "Learners", "FlywheelCore"]),
        .testTarget(name: "ScenariosTests", dependencies: ["Scenarios", "Workbench", "Simulation", "Strategies", "FlywheelCore"]),
        // Depends on the executable so that SwiftPM builds it: the mutation fuzz test runs it as a child process.
        .testTarget(name: "EndToEndTests", dependencies: ["Scenarios", "Workbench", "Simulation", "Strategies", "Storage", "Reports", "Analysis", "Plots",
                                                      "FlywheelCore", "Streams", "SQLiteReplay", "FlywheelCLI",
                                                      .product(name: "GRDB", package: "GRDB.swift"),
                                                      .product(name: "Yams", package: "Yams")],
                    exclude: ["Golden"]),
        .testTarget(name: "PlotsTests", dependencies: ["Plots"]),
        // Runs the real `flywheel` executable (built through this dependency) against malicious
        // names and folders, interrupts and concurrent runs.
        .testTarget(name: "SafetyTests", dependencies: ["FlywheelCLI", "Scenarios", "Workbench", "Storage", "Reports", "FlywheelCore",
                                                       .product(name: "GRDB", package: "GRDB.swift")]),
        .testTarget(name: "AnalysisTests", dependencies: ["Analysis", "FlywheelCore", "Monitoring"], exclude: ["Oracles"]),
        // Runs the built `flywheel` executable (built through this dependency) for the CLI contract.
        .testTarget(name: "FlywheelTests", dependencies: ["Flywheel", "FlywheelCLI",
                                                      .product(name: "Yams", package: "Yams")]),
    ],
    swiftLanguageModes: [.v6]
)
