// Why this file exists
// ---------------------
// Debian's libgit2 is built against mbedTLS, and `git_libgit2_init` eagerly parses the whole
// system CA bundle (/etc/ssl/certs/ca-certificates.crt, ~140 certificates) with mbedTLS. On the
// machines we measured that is about half of the instructions of a one-commit
// `autodev diff-events` and ~5 ms of wall time, spent on certificates that autodev — which only
// reads and writes local repositories — never uses.
//
// We cannot ask libgit2 to skip it, so while `autodev_git_init` runs, the two mbedTLS entry
// points libgit2 uses for that are answered here with "not loaded". At every other time they
// forward to the real mbedTLS functions (found with dlsym(RTLD_NEXT)), so a later
// `git_libgit2_opts(GIT_OPT_SET_SSL_CERT_LOCATIONS, ...)` still loads certificates for real and
// TLS verification is never weakened: with no CA loaded, verification fails closed.
//
// These definitions only take effect in a binary that exports them (the `autodev` executable
// does, see Package.swift); elsewhere — test binaries, for instance — libgit2 behaves exactly as
// shipped.

#define _GNU_SOURCE
#include <dlfcn.h>
#include <git2.h>
#include <stdatomic.h>
#include "CGitShim.h"

static atomic_int deferring_ca = 0;

typedef int (*parse_fn)(void *chain, const char *path);

static int forward(const char *name, void *chain, const char *path) {
    parse_fn real = (parse_fn)dlsym(RTLD_NEXT, name);
    if (real == NULL) {
        return -1;
    }
    return real(chain, path);
}

int mbedtls_x509_crt_parse_file(void *chain, const char *path) {
    if (atomic_load(&deferring_ca)) {
        return -1;
    }
    return forward("mbedtls_x509_crt_parse_file", chain, path);
}

int mbedtls_x509_crt_parse_path(void *chain, const char *path) {
    if (atomic_load(&deferring_ca)) {
        return -1;
    }
    return forward("mbedtls_x509_crt_parse_path", chain, path);
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
