// swift-tools-version:6.2
import PackageDescription

// Imports point one way:
//   C shims (CLibPQ, CArgon2, COpenSSL)
//     → TallyCrypto, Passwords, Postgres, EmbeddedPostgres
//     → TallyDatabase (migrations, roles, database setup, the audit trail)
//     → TallyAccess, MeteringStore (the domains and their SQL)
//     → Reporting (read models for pages)
//     → Alerting (rules, the scheduler, webhooks; its low-margin rule reads Reporting's margins)
//     → TallyWeb (the Hummingbird application)
//     → tally (the command)
// Templating, SVGCharts and Metering depend on nothing but the standard library and Foundation.

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "tally",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "tally", targets: ["tally"]),
        .library(name: "Templating", targets: ["Templating"]),
        .library(name: "SVGCharts", targets: ["SVGCharts"]),
        .library(name: "TallyWeb", targets: ["TallyWeb"]),
        .library(name: "TallyTestSupport", targets: ["TallyTestSupport"]),
        .library(name: "Postgres", targets: ["Postgres"]),
        .library(name: "EmbeddedPostgres", targets: ["EmbeddedPostgres"]),
        .library(name: "TallyDatabase", targets: ["TallyDatabase"]),
        .library(name: "MeteringStore", targets: ["MeteringStore"]),
        .library(name: "Alerting", targets: ["Alerting"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1", traits: ["FullFoundation"]),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        // Hummingbird's own dependency; `tally`'s one-shot commands use its UnixSignals to stop
        // the embedded cluster on SIGINT and SIGTERM.
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
    ],
    targets: [
        // C libraries from Debian's -dev packages.
        .systemLibrary(name: "CLibPQ", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),
        .systemLibrary(name: "CArgon2", pkgConfig: "libargon2", providers: [.apt(["libargon2-dev"])]),
        .systemLibrary(name: "COpenSSL", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),

        // Randomness, SHA-256, HMAC and constant-time comparison from libcrypto.
        .target(name: "TallyCrypto", dependencies: ["COpenSSL"], swiftSettings: swiftSettings),
        // argon2id password hashing and the password policy.
        .target(
            name: "Passwords",
            dependencies: [
                "CArgon2", "TallyCrypto",
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            resources: [.copy("Resources/common-passwords.txt")],
            swiftSettings: swiftSettings
        ),
        // The libpq wrapper: binds, typed rows, transactions, the pool, COPY.
        .target(
            name: "Postgres",
            dependencies: [
                "CLibPQ",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        // A private PostgreSQL cluster in a data folder: initdb, pg_ctl, the Unix socket.
        .target(
            name: "EmbeddedPostgres",
            dependencies: [.product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings
        ),
        // Migrations, database roles and the connection settings of a Tally database.
        .target(
            name: "TallyDatabase",
            dependencies: [
                "Postgres", "EmbeddedPostgres", "TallyCrypto",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // Users, sessions, logins and their throttling: the access domain and its SQL.
        .target(
            name: "TallyAccess",
            dependencies: [
                "Metering", "Postgres", "Passwords", "TallyCrypto", "TallyDatabase",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // Money, credits, model prices, billing periods and the entitlement decision: pure rules, Foundation only.
        .target(name: "Metering", swiftSettings: swiftSettings),
        // Metering persistence and services: catalog, API keys, ingest, entitlement checks (the only metering SQL).
        .target(
            name: "MeteringStore",
            dependencies: [
                "Metering", "Postgres", "TallyDatabase", "TallyCrypto",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // Read models for the portal and admin pages: dashboards, usage, margins (SQL over rollups).
        .target(
            name: "Reporting",
            dependencies: [
                "Metering", "MeteringStore", "Postgres", "TallyDatabase",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // Alerts: threshold crossings at ingest, the scheduled rules, webhook deliveries.
        .target(
            name: "Alerting",
            dependencies: [
                "Metering", "MeteringStore", "Reporting", "Postgres", "TallyDatabase", "TallyCrypto", "TallyAccess",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            swiftSettings: swiftSettings
        ),
        // The SVG chart renderer: standard library and Foundation only.
        .target(name: "SVGCharts", swiftSettings: swiftSettings),
        // The Mustache template engine.
        .target(name: "Templating", swiftSettings: swiftSettings),
        // The web application.
        .target(
            name: "TallyWeb",
            dependencies: [
                "TallyDatabase", "Postgres", "Templating",
                "TallyAccess", "Passwords",
                "Metering", "MeteringStore", "Reporting", "Alerting", "SVGCharts",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: swiftSettings
        ),
        // The `tally` command.
        .executableTarget(
            name: "tally",
            dependencies: [
                "TallyWeb", "TallyDatabase", "Postgres", "EmbeddedPostgres",
                "TallyAccess", "Passwords",
                "Metering", "MeteringStore", "Alerting",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // Throwaway migrated databases for tests.
        .target(
            name: "TallyTestSupport",
            dependencies: ["TallyDatabase", "EmbeddedPostgres", "Postgres"],
            swiftSettings: swiftSettings
        ),

        // A signed-in browser against the whole app, for web tests.
        .target(
            name: "TallyWebTestSupport",
            dependencies: [
                "TallyWeb", "TallyTestSupport", "TallyAccess", "Passwords", "Postgres", "TallyDatabase",
                "Metering", "MeteringStore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ],
            swiftSettings: swiftSettings
        ),

        .testTarget(name: "TallyCryptoTests", dependencies: ["TallyCrypto"], swiftSettings: swiftSettings),
        .testTarget(name: "PasswordsTests", dependencies: ["Passwords"], swiftSettings: swiftSettings),
        .testTarget(
            name: "PostgresTests",
            dependencies: ["Postgres", "EmbeddedPostgres", "TallyTestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "EmbeddedPostgresTests", dependencies: ["EmbeddedPostgres"], swiftSettings: swiftSettings),
        .testTarget(
            name: "TallyDatabaseTests",
            dependencies: ["TallyDatabase", "EmbeddedPostgres", "TallyTestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "TemplatingTests", dependencies: ["Templating"], swiftSettings: swiftSettings),
        .testTarget(name: "MeteringTests", dependencies: ["Metering"], swiftSettings: swiftSettings),
        .testTarget(name: "SVGChartsTests", dependencies: ["SVGCharts"], exclude: ["Golden"], swiftSettings: swiftSettings),
        .testTarget(
            name: "TallyWebTests",
            dependencies: [
                "TallyWeb", "TallyTestSupport", "SVGCharts", "Metering", "MeteringStore",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "MeteringStoreTests",
            dependencies: [
                "MeteringStore", "Metering", "TallyWeb", "TallyTestSupport", "Postgres", "TallyDatabase", "TallyAccess",
                "TallyCrypto", .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "AccessTests",
            dependencies: [
                "TallyAccess", "TallyWeb", "TallyTestSupport", "TallyWebTestSupport", "Passwords", "Postgres",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ],
            swiftSettings: swiftSettings
        ),
        // The customer portal: dashboard, usage, billing, team, settings.
        .testTarget(name: "PortalTests", dependencies: [
                "TallyWeb", "TallyWebTestSupport", "TallyTestSupport", "TallyAccess", "TallyDatabase", "Postgres",
                "Metering", "MeteringStore", "Reporting", "Alerting", "SVGCharts",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
        ], swiftSettings: swiftSettings),
        // The admin area: overview, accounts, plans, features, prices, margins, staff, audit.
        .testTarget(name: "AdminTests", dependencies: [
                "TallyWeb", "TallyWebTestSupport", "TallyTestSupport", "TallyAccess", "TallyDatabase", "Postgres",
                "Metering", "MeteringStore", "Reporting", "Alerting", "SVGCharts",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
        ], swiftSettings: swiftSettings),
        // Alerts, budgets and webhooks.
        .testTarget(name: "AlertingTests", dependencies: [
                "TallyWeb", "TallyWebTestSupport", "TallyTestSupport", "TallyAccess", "TallyDatabase", "Postgres",
                "Metering", "MeteringStore", "Reporting", "Alerting", "SVGCharts",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
        ], swiftSettings: swiftSettings),
    ],
    swiftLanguageModes: [.v6]
)
