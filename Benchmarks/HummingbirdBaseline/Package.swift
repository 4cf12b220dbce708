// swift-tools-version: 6.0
// The yardstick for the HTTP benchmark: Hummingbird 2 serving the same bytes. A separate package, so the main
// build never depends on Hummingbird.
import PackageDescription

let package = Package(
    name: "HummingbirdBaseline",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.0.0")
    ],
    targets: [
        .executableTarget(
            name: "HummingbirdBaseline",
            dependencies: [.product(name: "Hummingbird", package: "hummingbird")]
        )
    ]
)
