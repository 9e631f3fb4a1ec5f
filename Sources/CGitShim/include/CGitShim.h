#ifndef AUTODEV_CGITSHIM_H
#define AUTODEV_CGITSHIM_H

/// Initialises libgit2 without letting it parse the system CA bundle.
///
/// Returns what `git_libgit2_init` returns. See shim.c for the reasoning.
int autodev_git_init(void);

#endif
