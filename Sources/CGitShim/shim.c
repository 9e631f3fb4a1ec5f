// Why this file exists
// ---------------------
// autodev links libgit2 statically (see Package.swift): loading Debian's libgit2.so maps 16
// shared libraries (Kerberos, OpenSSL, libssh2, mbedTLS...) and costs ~1.5 ms on every start,
// which is most of a one-commit `autodev diff-events`. This file holds what that link needs.
//
// 1. TLS and SSH, set up on first use. `git_libgit2_init` eagerly sets up mbedTLS — parsing the
//    whole system CA bundle (~140 certificates) and seeding a random generator from HAVEGE
//    entropy — and libssh2, which initialises OpenSSL. On the machines we measured that was more
//    than half of the instructions of a one-commit `autodev diff-events` (0.5 ms of wall time
//    even after the CA bundle), for transports autodev — which reads and writes local
//    repositories only — never uses. The link (`-Wl,--wrap=...`, see Package.swift) wraps both
//    set-up functions so that they do nothing at `git_libgit2_init`, and wraps the entry points
//    that need them — opening a TLS stream, setting certificate locations, opening an SSH
//    session — so that the first of those runs the real set-up first, once, thread-safely.
//    Whoever does connect gets exactly libgit2's own set-up, CA bundle included; TLS
//    verification is never weakened.
//
// 2. GSSAPI. Debian's libgit2 uses GSSAPI (Kerberos) for "Negotiate" HTTP authentication, and
//    Debian ships no static Kerberos library. autodev never talks to a remote, so these stand-ins
//    answer every GSSAPI call with GSS_S_FAILURE: Negotiate authentication is unavailable, and
//    nothing else changes.
//
// The prototypes of libgit2's internal functions below are those of libgit2 1.5
// (src/libgit2/streams/mbedtls.h, src/libgit2/transports/ssh.h); pointers to its internal
// types are passed through as `void *`.

#include <git2.h>
#include <pthread.h>
#include <stddef.h>
#include "CGitShim.h"

// --- 1. TLS and SSH set-up on first use ------------------------------------------------------

int __real_git_mbedtls_stream_global_init(void);
int __real_git_mbedtls_stream_new(void **out, const char *host, const char *port);
int __real_git_mbedtls_stream_wrap(void **out, void *in, const char *host);
int __real_git_mbedtls__set_cert_location(const char *file, const char *path);
int __real_git_transport_ssh_global_init(void);
void *__real_libssh2_session_init_ex(void *alloc, void *free_fn, void *realloc_fn, void *abstract);

static pthread_once_t tls_once = PTHREAD_ONCE_INIT;
static int tls_result = 0;
static void tls_setup(void) { tls_result = __real_git_mbedtls_stream_global_init(); }

static int ensure_tls(void) {
    pthread_once(&tls_once, tls_setup);
    return tls_result;
}

static pthread_once_t ssh_once = PTHREAD_ONCE_INIT;
static int ssh_result = 0;
static void ssh_setup(void) { ssh_result = __real_git_transport_ssh_global_init(); }

int __wrap_git_mbedtls_stream_global_init(void) { return 0; }
int __wrap_git_transport_ssh_global_init(void) { return 0; }

int __wrap_git_mbedtls_stream_new(void **out, const char *host, const char *port) {
    int result = ensure_tls();
    return result < 0 ? result : __real_git_mbedtls_stream_new(out, host, port);
}

int __wrap_git_mbedtls_stream_wrap(void **out, void *in, const char *host) {
    int result = ensure_tls();
    return result < 0 ? result : __real_git_mbedtls_stream_wrap(out, in, host);
}

int __wrap_git_mbedtls__set_cert_location(const char *file, const char *path) {
    int result = ensure_tls();
    return result < 0 ? result : __real_git_mbedtls__set_cert_location(file, path);
}

void *__wrap_libssh2_session_init_ex(void *alloc, void *free_fn, void *realloc_fn, void *abstract) {
    pthread_once(&ssh_once, ssh_setup);
    return ssh_result < 0 ? NULL : __real_libssh2_session_init_ex(alloc, free_fn, realloc_fn, abstract);
}

// --- initialisation ---------------------------------------------------------------------------

int autodev_git_init(void) {
    int result = git_libgit2_init();
    if (result >= 0) {
        // libgit2 re-hashes every object it reads to check its id; git itself does not (that is
        // `git fsck`'s job). On a run that reads thousands of blobs and trees this was a fifth of
        // the time. Objects still come from git's own content-addressed store.
        git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, 0);
        // Keep trees up to 1 MiB in libgit2's object cache (the default is 4 KiB): path lookups
        // walk the same large folders of a monorepo again and again.
        git_libgit2_opts(GIT_OPT_SET_CACHE_OBJECT_LIMIT, GIT_OBJECT_TREE, (size_t)1 << 20);
        // libgit2 checks that every entry of a tree it writes exists. In a partial clone
        // (`--filter=blob:limit=...`) the results tree keeps the base tree's entries for blobs
        // the clone never fetched, as git itself does, so that check fails the write. autodev
        // checks instead that the blobs it adds exist (Repository.writeTree), and looks up a
        // commit's tree and parents before creating it.
        git_libgit2_opts(GIT_OPT_ENABLE_STRICT_OBJECT_CREATION, 0);
        // libgit2 1.5 refuses to open a repository that names an extension it does not know.
        // These three change nothing autodev reads or writes, so it accepts them:
        // - worktreeconfig: `config.worktree` files hold per-worktree settings (git
        //   sparse-checkout sets it, as monorepo CI jobs do); libgit2 does not read them, and
        //   none of them is a setting autodev needs.
        // - preciousobjects: objects must never be deleted; autodev only adds objects.
        // - partialclone: objects may be missing, to be fetched from a promisor remote. libgit2
        //   cannot fetch them; autodev reports a missing blob as a note instead (older git
        //   versions set this key in every partial clone).
        // objectformat (SHA-256) and refstorage (reftable) stay refused: libgit2 1.5 cannot read
        // those repositories, and the Swift side says so.
        const char *extensions[] = { "worktreeconfig", "preciousobjects", "partialclone" };
        result = git_libgit2_opts(GIT_OPT_SET_EXTENSIONS, extensions, sizeof extensions / sizeof extensions[0]);
    }
    return result;
}

// --- 2. GSSAPI stand-ins ----------------------------------------------------------------------
// GSS_S_FAILURE is (13 << 16); the minor status is zeroed.

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

int autodev_git_set_certificate_file(const char *file) {
    return git_libgit2_opts(GIT_OPT_SET_SSL_CERT_LOCATIONS, file, NULL);
}

// --- Git LFS pointers ----------------------------------------------------------------------------
// What `git lfs clean` stores for a file: a small pointer naming its SHA-256 and size. A file
// that already is a pointer (LFS not installed when it was checked out) is stored as it is.

#include <fcntl.h>
#include <mbedtls/sha256.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const char lfs_version[] = "version https://git-lfs.github.com/spec/v1\n";

int autodev_lfs_pointer(const char *path, char *out, size_t capacity, size_t *length) {
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    unsigned char buffer[64 * 1024];
    unsigned char first[1024];
    size_t first_length = 0;
    unsigned long long size = 0;
    mbedtls_sha256_context context;
    mbedtls_sha256_init(&context);
    int result = mbedtls_sha256_starts_ret(&context, 0);
    for (;;) {
        ssize_t count = read(fd, buffer, sizeof buffer);
        if (count < 0) {
            result = -1;
            break;
        }
        if (count == 0) break;
        if (first_length < sizeof first) {
            size_t take = (size_t)count < sizeof first - first_length ? (size_t)count : sizeof first - first_length;
            memcpy(first + first_length, buffer, take);
            first_length += take;
        }
        size += (unsigned long long)count;
        if (result == 0) result = mbedtls_sha256_update_ret(&context, buffer, (size_t)count);
    }
    close(fd);
    unsigned char digest[32];
    if (result == 0) result = mbedtls_sha256_finish_ret(&context, digest);
    mbedtls_sha256_free(&context);
    if (result != 0) return -1;

    if (size < sizeof first && first_length >= sizeof lfs_version - 1
        && memcmp(first, lfs_version, sizeof lfs_version - 1) == 0) {
        if (first_length > capacity) return -1;
        memcpy(out, first, first_length);
        *length = first_length;
        return 0;
    }
    char hex[65];
    for (int i = 0; i < 32; i++) snprintf(hex + 2 * i, 3, "%02x", digest[i]);
    int written = snprintf(out, capacity, "%soid sha256:%s\nsize %llu\n", lfs_version, hex, size);
    if (written < 0 || (size_t)written >= capacity) return -1;
    *length = (size_t)written;
    return 0;
}
