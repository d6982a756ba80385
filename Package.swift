// swift-tools-version:6.0
import PackageDescription

/// Upcoming features from STYLE.md: explicit existentials, imports that do not
/// leak by default, and member visibility that follows the imports a file makes.
let strictSettings: [SwiftSetting] = [
  .enableUpcomingFeature("ExistentialAny"),
  .enableUpcomingFeature("InternalImportsByDefault"),
  .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
  name: "fathom",
  platforms: [.macOS(.v15)],
  products: [
    .executable(name: "fathom", targets: ["fathom"]),
    .library(name: "Model", targets: ["Model"]),
    .library(name: "Plot", targets: ["Plot"]),
    .library(name: "Server", targets: ["Server"]),
    .library(name: "Notebook", targets: ["Notebook"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
    .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
    .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
    .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
    .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
    .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
    .package(url: "https://github.com/mattpolzin/OpenAPIKit", from: "6.4.0"),
    .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
    .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.0"),
    .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.2.0"),
  ],
  targets: [
    .target(
      name: "Model",
      dependencies: [.product(name: "SwiftProtobuf", package: "swift-protobuf")],
      resources: [.copy("Resources/DefaultModels")],
      swiftSettings: strictSettings
    ),
    .target(name: "Plot", swiftSettings: strictSettings),
    .target(
      name: "Server",
      dependencies: [
        "Model",
        .product(name: "Hummingbird", package: "hummingbird"),
        .product(name: "HummingbirdCore", package: "hummingbird"),
        .product(name: "Logging", package: "swift-log"),
        .product(name: "Metrics", package: "swift-metrics"),
        .product(name: "Prometheus", package: "swift-prometheus"),
        .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        .product(name: "UnixSignals", package: "swift-service-lifecycle"),
        .product(name: "OpenAPIKit", package: "OpenAPIKit"),
        .product(name: "HTTPTypes", package: "swift-http-types"),
        .product(name: "NIOCore", package: "swift-nio"),
        .product(name: "NIOHTTP1", package: "swift-nio"),
      ],
      // The web app's files are compiled in (WebApp/WebAppAsset+Embedded.swift), not bundled.
      exclude: ["WebApp/Assets"],
      swiftSettings: strictSettings
    ),
    .systemLibrary(
      name: "CLibedit",
      pkgConfig: "libedit",
      providers: [.apt(["libedit-dev"])]
    ),
    .target(
      name: "Notebook",
      dependencies: [
        "Model", "Plot", "Server", "CLibedit",
        .product(name: "Histogram", package: "hdrhistogram-swift"),
        .product(name: "NIOCore", package: "swift-nio"),
        .product(name: "NIOPosix", package: "swift-nio"),
        .product(name: "NIOSSL", package: "swift-nio-ssl"),
      ],
      swiftSettings: strictSettings
    ),
    .executableTarget(
      name: "fathom",
      dependencies: [
        "Notebook", "Server", "Model",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ],
      swiftSettings: strictSettings
    ),
    .testTarget(
      name: "ModelTests",
      dependencies: ["Model", .product(name: "SwiftProtobuf", package: "swift-protobuf")],
      swiftSettings: strictSettings
    ),
    .testTarget(
      name: "PlotTests",
      dependencies: ["Plot"],
      swiftSettings: strictSettings
    ),
    .testTarget(
      name: "ServerTests",
      dependencies: [
        "Server", "Model",
        .product(name: "HummingbirdTesting", package: "hummingbird"),
        .product(name: "AsyncHTTPClient", package: "async-http-client"),
        .product(name: "Logging", package: "swift-log"),
        .product(name: "NIOCore", package: "swift-nio"),
        .product(name: "NIOHTTP1", package: "swift-nio"),
      ],
      swiftSettings: strictSettings
    ),
    .testTarget(
      name: "NotebookTests",
      dependencies: ["Notebook", "Model", "Plot"],
      swiftSettings: strictSettings
    ),
  ],
  swiftLanguageModes: [.v6]
)
