internal import CCurl

/// libcurl, opened with dlopen on the first HTTP call and kept for the life of the process.
///
/// Why not linked: `libcurl.so.4` needs 32 shared libraries (nghttp2, libssh2, GnuTLS' and
/// OpenSSL's parts, LDAP, Kerberos, …), and the dynamic loader would map and relocate them in
/// every autodev process, including those that never call a model. Measured with hyperfine
/// (100 runs, release build, 2-core machine): `autodev --help` 10.2 ms ± 1.7 without libcurl,
/// 20.3 ms ± 2.5 with libcurl loaded at start-up (LD_PRELOAD, which maps exactly what linking
/// would). Loading it lazily costs those ~10 ms once, in a process about to wait seconds for a
/// model.
final class CurlLibrary: @unchecked Sendable {
    // @unchecked Sendable: the table behind `api` is written once in `init` (under swift_once,
    // through `shared`) and only read afterwards; curl_global_init runs there too, before any
    // handle exists. It is never freed: the library stays loaded until the process ends.

    /// The shared object autodev asks the loader for (Debian's libcurl4 package).
    static let soname = "libcurl.so.4"

    /// The library, or why it could not be loaded.
    static let shared: Result<CurlLibrary, HTTPError> = {
        do throws(HTTPError) { return .success(try CurlLibrary()) } catch { return .failure(error) }
    }()

    /// The entry points, for the typed wrappers in CCurl's shim.h.
    let api: UnsafeMutablePointer<autodev_curl>

    private init() throws(HTTPError) {
        api = .allocate(capacity: 1)
        api.initialize(to: autodev_curl())
        if let failure = autodev_curl_load(api, Self.soname) {
            let detail = String(validatingCString: failure) ?? "unknown loader error"
            throw HTTPError(.libraryUnavailable,
                            "\(Self.soname) could not be loaded (\(detail)): install Debian's libcurl4 package (apt-get install libcurl4)")
        }
        let code = autodev_curl_global_init(api)
        guard code == CURLE_OK else {
            throw HTTPError(.libraryUnavailable, "curl_global_init failed (\(describe(code)))")
        }
    }

    /// libcurl's own text for a result code.
    func describe(_ code: CURLcode) -> String {
        autodev_curl_easy_strerror(api, code).flatMap { String(validatingCString: $0) } ?? "curl error \(code.rawValue)"
    }

    /// `libcurl/7.88.1 OpenSSL/3.0.x …`.
    var version: String {
        autodev_curl_version(api).flatMap { String(validatingCString: $0) } ?? "libcurl"
    }
}
