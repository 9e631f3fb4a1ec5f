// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "autodev",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "autodev", targets: ["autodev"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CLibgit2",
            pkgConfig: "libgit2",
            providers: [.apt(["libgit2-dev"])]
        ),
        .systemLibrary(
            name: "CCmark",
            pkgConfig: "libcmark-gfm",
            providers: [.apt(["libcmark-gfm-dev", "libcmark-gfm-extensions-dev"])]
        ),
        .target(name: "CGitShim", linkerSettings: [.linkedLibrary("dl")]),
        .target(name: "AutodevTrace"),
        .target(name: "AutodevGit", dependencies: ["CLibgit2", "CGitShim", "AutodevTrace"]),
        .target(name: "AutodevMarkdown", dependencies: ["CCmark"]),
        .target(name: "AutodevCore", dependencies: [
            "AutodevGit",
            "AutodevTrace",
            "AutodevMarkdown",
            .product(name: "TOMLKit", package: "TOMLKit"),
        ]),
        .target(name: "AutodevCLI", dependencies: [
            "AutodevCore",
            "AutodevTrace",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .executableTarget(
            name: "autodev",
            dependencies: ["AutodevCLI"],
            // Export the CGitShim symbols so they take precedence over libmbedx509's
            // (see Sources/CGitShim/shim.c for why).
            linkerSettings: [.unsafeFlags(["-Xlinker", "--export-dynamic-symbol=mbedtls_x509_crt_parse_*"])]
        ),
        .target(name: "AutodevTestSupport", dependencies: ["AutodevGit"]),
        .testTarget(name: "AutodevGitTests", dependencies: ["AutodevGit", "AutodevTestSupport"]),
        .testTarget(name: "AutodevMarkdownTests", dependencies: ["AutodevMarkdown"]),
        .testTarget(name: "AutodevCoreTests", dependencies: ["AutodevCore", "AutodevTestSupport"]),
        .testTarget(name: "AutodevCLITests", dependencies: ["AutodevCore", "AutodevTestSupport"]),
    ]
)

for target in package.targets where target.type != .system && target.name != "CGitShim" {
    var settings = target.swiftSettings ?? []
    settings.append(contentsOf: [
        .swiftLanguageMode(.v6),
        .enableUpcomingFeature("ExistentialAny"),
        .enableUpcomingFeature("InternalImportsByDefault"),
        .enableUpcomingFeature("MemberImportVisibility"),
    ])
    target.swiftSettings = settings
}
