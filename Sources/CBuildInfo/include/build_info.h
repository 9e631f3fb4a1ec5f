#ifndef AUTODEV_BUILD_INFO_H
#define AUTODEV_BUILD_INFO_H
/// The commit autodev was built from: scripts/install passes it with
/// -Xcc -DAUTODEV_COMMIT="<sha>" (read from git, or from BUILD_COMMIT in a git archive tarball);
/// "unknown" for a plain swift build.
const char *autodev_build_commit(void);
#endif
