// Why this file exists
// ---------------------
// autodev links libgit2 statically (see Package.swift): loading Debian's libgit2.so maps 16
// shared libraries (Kerberos, OpenSSL, libssh2, mbedTLS...) and costs ~1.5 ms on every start,
// which is most of a one-commit `autodev diff-events`. This file holds what that link needs.
//
// 1. The CA bundle. Debian's libgit2 is built against mbedTLS, and `git_libgit2_init` eagerly
//    parses the whole system CA bundle (/etc/ssl/certs/ca-certificates.crt, ~140 certificates).
//    On the machines we measured that was about half of the instructions of a one-commit
//    `autodev diff-events`, spent on certificates that autodev — which only reads and writes
//    local repositories — never uses. The link wraps the two mbedTLS entry points libgit2 uses
//    for that (`-Wl,--wrap=...`): while `autodev_git_init` runs they answer "not loaded"; at
//    every other time they call the real functions, so a later
//    `git_libgit2_opts(GIT_OPT_SET_SSL_CERT_LOCATIONS, ...)` still loads certificates and TLS
//    verification is never weakened: with no CA loaded, verification fails closed.
//
// 2. GSSAPI. Debian's libgit2 uses GSSAPI (Kerberos) for "Negotiate" HTTP authentication, and
//    Debian ships no static Kerberos library. autodev never talks to a remote, so these stand-ins
//    answer every GSSAPI call with GSS_S_FAILURE: Negotiate authentication is unavailable, and
//    nothing else changes.

#include <git2.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include "CGitShim.h"

static atomic_int deferring_ca = 0;

int __real_mbedtls_x509_crt_parse_file(void *chain, const char *path);
int __real_mbedtls_x509_crt_parse_path(void *chain, const char *path);

int __wrap_mbedtls_x509_crt_parse_file(void *chain, const char *path) {
    if (atomic_load(&deferring_ca)) {
        return -1;
    }
    return __real_mbedtls_x509_crt_parse_file(chain, path);
}

int __wrap_mbedtls_x509_crt_parse_path(void *chain, const char *path) {
    if (atomic_load(&deferring_ca)) {
        return -1;
    }
    return __real_mbedtls_x509_crt_parse_path(chain, path);
}

int autodev_git_init(void) {
    atomic_store(&deferring_ca, 1);
    int result = git_libgit2_init();
    atomic_store(&deferring_ca, 0);
    if (result >= 0) {
        // libgit2 re-hashes every object it reads to check its id; git itself does not (that is
        // `git fsck`'s job). On a run that reads thousands of blobs and trees this was a fifth of
        // the time. Objects still come from git's own content-addressed store.
        git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, 0);
        // Keep trees up to 1 MiB in libgit2's object cache (the default is 4 KiB): path lookups
        // walk the same large folders of a monorepo again and again.
        git_libgit2_opts(GIT_OPT_SET_CACHE_OBJECT_LIMIT, GIT_OBJECT_TREE, (size_t)1 << 20);
    }
    return result;
}

// GSSAPI stand-ins (see 2. above). GSS_S_FAILURE is (13 << 16); the minor status is zeroed.
typedef unsigned int autodev_gss_uint32;
#define AUTODEV_GSS_FAILURE ((autodev_gss_uint32)13 << 16)
#define AUTODEV_GSS_UNAVAILABLE(name)                                   \
    autodev_gss_uint32 name(autodev_gss_uint32 *minor, ...) {           \
        if (minor != NULL) {                                            \
            *minor = 0;                                                 \
        }                                                               \
        return AUTODEV_GSS_FAILURE;                                     \
    }

void *GSS_C_NT_HOSTBASED_SERVICE = NULL;
AUTODEV_GSS_UNAVAILABLE(gss_delete_sec_context)
AUTODEV_GSS_UNAVAILABLE(gss_display_status)
AUTODEV_GSS_UNAVAILABLE(gss_import_name)
AUTODEV_GSS_UNAVAILABLE(gss_indicate_mechs)
AUTODEV_GSS_UNAVAILABLE(gss_init_sec_context)
AUTODEV_GSS_UNAVAILABLE(gss_release_buffer)
AUTODEV_GSS_UNAVAILABLE(gss_release_name)
AUTODEV_GSS_UNAVAILABLE(gss_release_oid_set)
