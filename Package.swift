// swift-tools-version:6.0

import PackageDescription

let package = Package(
    name: "jobkit",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "JobKit", targets: ["JobKit"]),
        .library(name: "JobKitCLI", targets: ["JobKitCLI"]),
        .executable(name: "jobkit", targets: ["jobkit"]),
        .executable(name: "jobkit-bench", targets: ["jobkit-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CLibPQ",
            pkgConfig: "libpq",
            providers: [.apt(["libpq-dev"]), .brew(["libpq"])]
        ),
        .systemLibrary(
            name: "CSQLite",
            pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"]), .brew(["sqlite"])]
        ),
        .target(
            name: "JobKit",
            dependencies: [
                "CLibPQ",
                "CSQLite",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // The commands as a library, so users ship their own binary with their own job types.
        .target(
            name: "JobKitCLI",
            dependencies: [
                "JobKit",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ]
        ),
        // The stock executable: the built-in job types plus JobKitCLI. Wiring only.
        .executableTarget(
            name: "jobkit",
            dependencies: ["JobKitCLI"]
        ),
        // Runs fleets of `jobkit run` processes on one database and checks what they did:
        // shared by the fleet tests and `jobkit-bench fleet`. Internal: not a product.
        .target(name: "FleetHarness"),
        .executableTarget(
            name: "jobkit-bench",
            dependencies: [
                "JobKit",
                "JobKitCLI",
                "CLibPQ",
                "FleetHarness",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // A small program the tests start as real OS processes (lock races, killed holders).
        .executableTarget(
            name: "jobkit-probe",
            dependencies: [
                "JobKit",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Every Swift sample of the README, the DocC articles and the DocC comments, extracted
        // by scripts/extract-samples (scripts/test checks they are current): built with the
        // package, so a sample that no longer compiles fails the build. Not a product.
        .target(
            name: "JobKitSamples",
            dependencies: [
                "JobKit",
                "JobKitCLI",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "InMemoryLogging", package: "swift-log"),
            ],
            // Samples show values to the reader (`let outcome = …`) that they never use.
            swiftSettings: [.unsafeFlags(["-suppress-warnings"])]
        ),
        .testTarget(
            name: "JobKitTests",
            dependencies: [
                "JobKit",
                "JobKitCLI",
                "jobkit",
                "jobkit-probe",
                "FleetHarness",
                // Raw C access for test set-up: holding an SQLite file busy, creating a PostgreSQL schema.
                "CSQLite",
                "CLibPQ",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "InMemoryLogging", package: "swift-log"),
                .product(name: "ServiceLifecycleTestKit", package: "swift-service-lifecycle"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)

for target in package.targets where target.type != .system {
    var settings = target.swiftSettings ?? []
    settings.append(.enableUpcomingFeature("ExistentialAny"))
    settings.append(.enableUpcomingFeature("MemberImportVisibility"))
    target.swiftSettings = settings
}
