#ifndef AUTODEV_CGITSHIM_H
#define AUTODEV_CGITSHIM_H

/// Initialises libgit2, leaving its TLS and SSH set-up to their first use.
///
/// Returns what `git_libgit2_init` returns. See shim.c for the reasoning.
int autodev_git_init(void);

/// Makes libgit2 verify TLS peers against the certificates in `file` (PEM). This is the first
/// use of TLS, so it runs libgit2's TLS set-up first. Returns 0, or a negative libgit2 error.
int autodev_git_set_certificate_file(const char *file);

#include <stddef.h>

/// The Git LFS pointer `git lfs clean` would store for the file at `path` (its SHA-256 and
/// size; a file that already is a pointer, as it is), read in chunks. Returns 0 with the text in
/// `out` and its length in `length`, or -1 when the file cannot be read.
int autodev_lfs_pointer(const char *path, char *out, size_t capacity, size_t *length);

#endif
