// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "songhoti",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "songhoti", targets: ["songhoti"]),
        .library(name: "SonghotiCore", targets: ["SonghotiCore"]),
        .library(name: "SonghotiServer", targets: ["SonghotiServer"]),
    ],
    dependencies: [
        .package(url: "https://github.com/vapor/vapor.git", from: "4.122.3"),
        .package(url: "https://github.com/vapor/fluent.git", from: "4.13.0"),
        .package(url: "https://github.com/vapor/fluent-sqlite-driver.git", from: "4.9.0"),
        .package(url: "https://github.com/vapor/fluent-postgres-driver.git", from: "2.14.0"),
        .package(url: "https://github.com/vapor/leaf.git", from: "4.5.2"),
        .package(url: "https://github.com/vapor/leaf-kit.git", from: "1.14.3"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
    ],
    targets: [
        .target(
            name: "SonghotiCore",
            dependencies: [.product(name: "Crypto", package: "swift-crypto")]
        ),
        .target(
            name: "SonghotiServer",
            dependencies: [
                "SonghotiCore",
                .product(name: "Vapor", package: "vapor"),
                .product(name: "Fluent", package: "fluent"),
                .product(name: "FluentSQLiteDriver", package: "fluent-sqlite-driver"),
                .product(name: "FluentPostgresDriver", package: "fluent-postgres-driver"),
                .product(name: "Leaf", package: "leaf"),
                .product(name: "LeafKit", package: "leaf-kit"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "songhoti",
            dependencies: ["SonghotiServer", .product(name: "Vapor", package: "vapor")]
        ),
        .testTarget(
            name: "SonghotiCoreTests",
            dependencies: ["SonghotiCore"]
        ),
        .testTarget(
            name: "SonghotiServerTests",
            dependencies: [
                "SonghotiServer", "SonghotiCore",
                .product(name: "VaporTesting", package: "vapor"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
    ]
)
