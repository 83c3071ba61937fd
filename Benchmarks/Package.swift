// swift-tools-version:6.2
import PackageDescription

// Benchmarks and fuzz targets live apart from the main package so that it never depends on
// what they compare against (swift-mustache). Build with `swift build -c release` here.
let package = Package(
    name: "tally-benchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "tally", path: ".."),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1", traits: ["FullFoundation"]),
    ],
    targets: [
        // Renders a customer dashboard with Templating, swift-mustache and a hand-written builder.
        .executableTarget(
            name: "TemplateBenchmark",
            dependencies: [
                .product(name: "Templating", package: "tally"),
                .product(name: "Mustache", package: "swift-mustache"),
            ]
        ),
        // Draws the customer dashboard's six charts, as one page view does.
        .executableTarget(
            name: "ChartsBenchmark",
            dependencies: [.product(name: "SVGCharts", package: "tally")]
        ),
        // The dashboard's chart drawings per view: drawn directly, or found in ChartDrawings.
        .executableTarget(
            name: "ChartDrawingsBenchmark",
            dependencies: [
                .product(name: "SVGCharts", package: "tally"),
                .product(name: "TallyWeb", package: "tally"),
            ]
        ),
        // libFuzzer entry point for parse + render.
        .executableTarget(
            name: "TemplateFuzz",
            dependencies: [.product(name: "Templating", package: "tally")]
        ),
        // libFuzzer entry point for the ingest's parser and validation.
        .executableTarget(
            name: "IngestFuzz",
            dependencies: [.product(name: "MeteringStore", package: "tally")]
        ),
        // libFuzzer entry point for the form decoding and parsers (debug builds: @testable).
        .executableTarget(
            name: "FormFuzz",
            dependencies: [
                .product(name: "TallyWeb", package: "tally"),
                .product(name: "Hummingbird", package: "hummingbird"),
            ]
        ),
        // Ingest events/s with the threshold-alert check on and off.
        .executableTarget(
            name: "AlertsBenchmark",
            dependencies: [
                .product(name: "Alerting", package: "tally"),
                .product(name: "MeteringStore", package: "tally"),
                .product(name: "TallyTestSupport", package: "tally"),
            ]
        ),
        // Pool round trips and COPY against pgbench and psql on the same cluster.
        .executableTarget(
            name: "PostgresBenchmark",
            dependencies: [
                .product(name: "Postgres", package: "tally"),
                .product(name: "EmbeddedPostgres", package: "tally"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
