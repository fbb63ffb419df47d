// swift-tools-version:6.0

// An application package that uses JobKit: two job types of its own, and its own scheduler
// binary: the `jobkit` command line with those types registered next to `shell`.
// Build it with `swift build` in this directory; see README.md.

import PackageDescription

let package = Package(
    name: "jobkit-examples",
    platforms: [.macOS(.v15)],
    dependencies: [
        // Your package: .package(url: "https://github.com/<you>/jobkit.git", branch: "main").
        // Here the checkout one directory up, named as that URL would name it, so the
        // products below read the same in both: package "jobkit".
        .package(name: "jobkit", path: ".."),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
    ],
    targets: [
        // The job types: a library, so a scheduler binary and tests can share them.
        .target(
            name: "ExampleJobs",
            dependencies: [
                .product(name: "JobKit", package: "jobkit"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The scheduler binary: JobKitCLI with the types above. Wiring only.
        .executableTarget(
            name: "jobkit-example",
            dependencies: [
                "ExampleJobs",
                .product(name: "JobKitCLI", package: "jobkit"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)

for target in package.targets {
    var settings = target.swiftSettings ?? []
    settings.append(.enableUpcomingFeature("ExistentialAny"))
    settings.append(.enableUpcomingFeature("MemberImportVisibility"))
    target.swiftSettings = settings
}
