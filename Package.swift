// swift-tools-version: 6.1
import PackageDescription

/// Upcoming features that make dependencies explicit; every target builds cleanly with them.
let strictSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

/// Tests keep explicit existentials but import what they use without ceremony.
let testSettings: [SwiftSetting] = [.enableUpcomingFeature("ExistentialAny")]

let package = Package(
    name: "Samenspel",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "samenspel", targets: ["samenspel"]),
        .executable(name: "samenspel-bench", targets: ["samenspel-bench"]),
        .library(name: "Replica", targets: ["Replica"]),
        .library(name: "SyncServer", targets: ["SyncServer"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/adam-fowler/compress-nio", from: "1.5.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
    ],
    targets: [
        // Pure change-log rules: Change, hybrid logical clock, ordering. No I/O.
        .target(name: "ChangeLog", swiftSettings: strictSettings),
        // Pure domain: clients, notes, assessments, interventions, the journey projection.
        .target(
            name: "Casework", dependencies: ["ChangeLog"], swiftSettings: strictSettings,
            plugins: ["CatalogueCodegen"]),
        // The intervention catalogue's Swift table, generated at build time from the file the protocol
        // publishes (Protocol/intervention-catalogue.json).
        .executableTarget(name: "catalogue-codegen", swiftSettings: strictSettings),
        .plugin(name: "CatalogueCodegen", capability: .buildTool(), dependencies: ["catalogue-codegen"]),
        // Presentation of the journey: text for terminals, one self-contained HTML file, English and Dutch.
        .target(name: "JourneyViews", dependencies: ["ChangeLog", "Casework"], swiftSettings: strictSettings),
        // Versioned wire types, error body and JSON coding shared by replica and server.
        .target(
            name: "SyncProtocol",
            dependencies: [
                "ChangeLog", "Casework", .product(name: "CompressNIO", package: "compress-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: strictSettings
        ),
        // SQLite helpers shared by the replica and the server's SQLite backend (GRDB).
        .target(
            name: "SQLiteSupport",
            dependencies: ["ChangeLog", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: strictSettings
        ),
        // The client core: local SQLite replica, outbox, projections, sync engine, HTTP transport.
        .target(
            name: "Replica",
            dependencies: [
                "ChangeLog", "Casework", "SyncProtocol", "SQLiteSupport",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        // The server: Hummingbird routes, authentication, scopes, one storage protocol and its backends.
        .target(
            name: "SyncServer",
            dependencies: [
                "ChangeLog", "Casework", "SyncProtocol", "SQLiteSupport",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ],
            swiftSettings: strictSettings
        ),
        // The field worker's web app, served by the replica on loopback: pages, forms, live updates.
        .target(
            name: "FieldApp",
            dependencies: [
                "ChangeLog", "Casework", "Replica", "JourneyViews", "SyncProtocol",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictSettings
        ),
        // The protocol's contract run against any server, as a client would (`samenspel conformance`).
        .target(
            name: "Conformance",
            dependencies: [
                "ChangeLog", "Casework", "SyncProtocol",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: strictSettings
        ),
        // The command-line tool: the one composition root.
        .executableTarget(
            name: "samenspel",
            dependencies: [
                "ChangeLog", "Casework", "SyncProtocol", "Replica", "SyncServer", "JourneyViews", "FieldApp", "Conformance",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        // The benchmark: every performance figure against a baseline measured in the same run.
        .executableTarget(
            name: "samenspel-bench",
            dependencies: [
                "ChangeLog", "Casework", "SyncProtocol", "SQLiteSupport", "Replica", "SyncServer",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: strictSettings
        ),
        // Helpers shared by the test targets: seeded randomness, temporary folders, change factories.
        .target(
            name: "SamenspelTestSupport",
            dependencies: [
                "ChangeLog", "Casework", "SyncProtocol", "Replica", .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"), .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ],
            path: "Tests/SamenspelTestSupport", swiftSettings: testSettings
        ),
        .testTarget(
            name: "ChangeLogTests", dependencies: ["ChangeLog", "SamenspelTestSupport"], swiftSettings: testSettings
        ),
        .testTarget(
            name: "CaseworkTests", dependencies: ["ChangeLog", "Casework", "SamenspelTestSupport"],
            swiftSettings: testSettings
        ),
        .testTarget(
            name: "JourneyViewsTests", dependencies: ["ChangeLog", "Casework", "JourneyViews", "SamenspelTestSupport"],
            swiftSettings: testSettings
        ),
        .testTarget(
            name: "SyncProtocolTests", dependencies: ["ChangeLog", "Casework", "SyncProtocol", "SamenspelTestSupport"],
            swiftSettings: testSettings
        ),
        .testTarget(
            name: "ReplicaTests",
            dependencies: [
                "ChangeLog", "Casework", "SyncProtocol", "Replica", "SamenspelTestSupport",
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: testSettings
        ),
        .testTarget(
            name: "FieldAppTests",
            dependencies: [
                "ChangeLog", "Casework", "Replica", "FieldApp", "SamenspelTestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            swiftSettings: testSettings
        ),
        .testTarget(
            name: "SyncServerTests",
            dependencies: [
                "ChangeLog", "Casework", "SyncProtocol", "SyncServer", "SamenspelTestSupport", "Conformance",
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            swiftSettings: testSettings
        ),
        .testTarget(
            name: "ProcessTests",
            dependencies: [
                "samenspel", "ChangeLog", "Casework", "Replica", "SyncServer", "SQLiteSupport", "SamenspelTestSupport",
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: testSettings
        ),
        .testTarget(
            name: "SimulationTests",
            dependencies: [
                "ChangeLog", "Casework", "SyncProtocol", "Replica", "SyncServer", "SQLiteSupport", "SamenspelTestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: testSettings
        ),
        .testTarget(
            name: "EndToEndTests",
            dependencies: [
                "ChangeLog", "Casework", "SyncProtocol", "Replica", "SyncServer", "SQLiteSupport", "SamenspelTestSupport",
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: testSettings
        ),
    ]
)
