// swift-tools-version: 6.0
import PackageDescription

/// Linker arguments for libgit2 and its dependencies from Debian's static archives, in one
/// group so their order does not matter (`-l:` names the archive itself), and the functions
/// Sources/CGitShim/shim.c wraps (see there).
let staticLibgit2: [String] = {
    let archives = ["git2", "mbedtls", "mbedx509", "mbedcrypto", "http_parser", "ssh2", "ssl", "crypto", "pcre2-8", "z"]
    let wrapped = [
        "git_mbedtls_stream_global_init", "git_mbedtls_stream_new", "git_mbedtls_stream_wrap",
        "git_mbedtls__set_cert_location", "git_transport_ssh_global_init", "libssh2_session_init_ex",
    ]
    var flags = wrapped.map { "--wrap=" + $0 } + ["--start-group"]
    flags += archives.map { "-l:lib\($0).a" }
    flags += ["--end-group", "-ldl", "-lrt", "-lpthread"]
    return flags.flatMap { ["-Xlinker", $0] }
}()

let package = Package(
    name: "autodev",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "autodev", targets: ["autodev"]),
    ],
    dependencies: [
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
    ],
    targets: [
        // Headers only (Debian puts git2.h in /usr/include); the library is linked by CGitShim.
        .systemLibrary(name: "CLibgit2"),
        // Headers only; the static archives are linked by AutodevMarkdown.
        .systemLibrary(name: "CCmark"),
        // libgit2 and what it needs are linked from Debian's static archives: see
        // Sources/CGitShim/shim.c for why, and for the functions it wraps.
        .target(name: "CGitShim", dependencies: ["CLibgit2"], linkerSettings: [
            .unsafeFlags(staticLibgit2),
        ]),
        // PCRE2 for users' regular expressions, with match limits (Tiers/UserRegex.swift); the
        // static archive is linked by CGitShim with libgit2's.
        .systemLibrary(name: "CPCRE2"),
        // Expat for JUnit XML reports (Events/JUnitParser.swift): headers only; AutodevCore links
        // Debian's static archive, so the binary needs no libexpat at run time.
        .systemLibrary(name: "CExpat"),
        // Starts generator commands in their own process group, under a supervisor that kills
        // the group when autodev dies (Tiers/Generator.swift).
        .target(name: "CSpawn"),
        .target(name: "AutodevSupport"),
        // libcurl's headers only (Debian libcurl4-openssl-dev): AutodevLLM loads libcurl.so.4
        // with dlopen on the first HTTP call, so commands that never call a model do not load
        // it (Sources/CCurl/shim.h says why, with the figures).
        .systemLibrary(name: "CCurl"),
        // The HTTP providers (OpenAI-compatible, Anthropic) over libcurl; only the CLI imports it.
        .target(name: "AutodevLLM", dependencies: ["AutodevCore", "CCurl"]),
        // Reads pack files without libgit2's locks (see its header), inflating with libdeflate.
        .target(name: "CGitPack", linkerSettings: [.unsafeFlags(["-Xlinker", "-l:libdeflate.a"])]),
        .target(name: "AutodevGit", dependencies: ["CLibgit2", "CGitShim", "CGitPack", "AutodevSupport"]),
        .target(name: "AutodevMarkdown", dependencies: ["CCmark"], linkerSettings: [
            .unsafeFlags(["-Xlinker", "-l:libcmark-gfm-extensions.a", "-Xlinker", "-l:libcmark-gfm.a"]),
        ]),
        // SQLite's header (Debian libsqlite3-dev); the static archive is linked by AutodevSQLite.
        .systemLibrary(name: "CSQLite"),
        // The only module that imports CSQLite: the answer cache's store (Store/SQLiteAnswerCache).
        .target(name: "AutodevSQLite", dependencies: ["CSQLite"], linkerSettings: [
            .unsafeFlags(["-Xlinker", "-l:libsqlite3.a", "-Xlinker", "-lm"]),
        ]),
        // libpq's header (Debian libpq-dev); AutodevPostgres loads libpq.so.5 with dlopen on the
        // first connection, so a repository without `[store] url` never maps it (see shim.h).
        .systemLibrary(name: "CLibpq"),
        // The only module that imports CLibpq: the organisation's shared store (Store/Postgres*).
        .target(name: "AutodevPostgres", dependencies: ["CLibpq"]),
        // libcrypto's SHA-256 (Sources/CCrypto/shim.h): headers only; the static archive is in
        // CGitShim's link group.
        .systemLibrary(name: "CCrypto"),
        .target(name: "AutodevCore", dependencies: [
            "AutodevGit",
            "AutodevSQLite",
            "AutodevPostgres",
            "AutodevSupport",
            "AutodevMarkdown",
            "CPCRE2",
            "CSpawn",
            "CExpat",
            "CCrypto",
            .product(name: "TOMLKit", package: "TOMLKit"),
        ], linkerSettings: [.unsafeFlags(["-Xlinker", "-l:libexpat.a"])]),
        // The commit autodev was built from (scripts/install defines it).
        .target(name: "CBuildInfo"),
        .target(name: "AutodevCLI", dependencies: [
            "AutodevCore",
            "AutodevLLM",
            "AutodevSupport",
            "CBuildInfo",
        ]),
        .executableTarget(
            name: "autodev",
            dependencies: ["AutodevCLI"]
        ),
        .target(name: "AutodevTestSupport", dependencies: ["AutodevGit"]),
        .testTarget(name: "AutodevGitTests", dependencies: ["AutodevGit", "AutodevTestSupport", "CGitShim"]),
        .testTarget(name: "AutodevMarkdownTests", dependencies: ["AutodevMarkdown"]),
        .testTarget(name: "AutodevCoreTests", dependencies: ["AutodevCore", "AutodevTestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "AutodevCLITests", dependencies: ["AutodevCLI", "AutodevCore", "AutodevTestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "AutodevLLMTests", dependencies: ["AutodevLLM", "AutodevCore", "AutodevTestSupport"]),
    ]
)

for target in package.targets where target.type != .system && !["CGitShim", "CGitPack", "CSpawn", "CBuildInfo"].contains(target.name) {
    var settings = target.swiftSettings ?? []
    settings.append(contentsOf: [
        .swiftLanguageMode(.v6),
        .enableUpcomingFeature("ExistentialAny"),
        .enableUpcomingFeature("InternalImportsByDefault"),
        .enableUpcomingFeature("MemberImportVisibility"),
    ])
    target.swiftSettings = settings
}
