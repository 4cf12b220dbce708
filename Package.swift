// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "QuizServer",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "QuizServer", targets: ["QuizServer"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.0.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
    ],
    targets: [
        // C shims: the only place variadic C calls are made.
        .systemLibrary(
            name: "CMicroHTTPD",
            pkgConfig: "libmicrohttpd",
            providers: [.apt(["libmicrohttpd-dev"])]
        ),
        .systemLibrary(
            name: "CZlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        // The HTTP layer: requests, responses, routing, static files, the libmicrohttpd bridge. Knows nothing of quizzes.
        .target(
            name: "HTTP",
            dependencies: [
                "CMicroHTTPD", "CZlib",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The quiz domain: value types, loading and validating the bank, scoring choice answers.
        .target(name: "QuizCore"),
        // The grader: sandboxed Python, the warm pool, the queue. Knows nothing of HTTP.
        .target(
            name: "Grader",
            dependencies: [
                "QuizCore",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The server's metrics, reported through swift-metrics (CoreMetrics) to swift-prometheus's registry, which
        // prints the Prometheus text format.
        .target(
            name: "Metrics",
            dependencies: [
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
        // The store: classes, students, attempts in SQLite or PostgreSQL, behind a protocol.
        .target(
            name: "Store",
            dependencies: [
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                // swift-metrics' module is also called Metrics: aliased so that ours keeps its name.
                .product(name: "PostgresNIO", package: "postgres-nio", moduleAliases: ["Metrics": "SwiftMetrics"]),
            ]
        ),
        // The application: routes wired to the domain, the store, the server's life cycle.
        .target(
            name: "QuizApp",
            dependencies: [
                "HTTP", "QuizCore", "Grader", "Store", "Metrics",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ],
            resources: [.copy("Resources/openapi.json")]
        ),
        .executableTarget(
            name: "QuizServer",
            dependencies: [
                "QuizApp", "QuizCore", "Grader", "HTTP", "Store",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ]
        ),
        // Test support: an in-process client of the application's routes (`app.test { client in … }`).
        .target(
            name: "QuizAppTesting",
            dependencies: [
                "QuizApp", "HTTP",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "QuizServerTests",
            dependencies: [
                "QuizApp", "HTTP", "QuizCore", "Grader", "Store", "QuizAppTesting", "Metrics",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                // The PostgreSQL store's tests reach the database directly (an old version's schema, a session to end).
                .product(name: "PostgresNIO", package: "postgres-nio", moduleAliases: ["Metrics": "SwiftMetrics"]),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
