#include "build_info.h"
#ifndef AUTODEV_COMMIT
#define AUTODEV_COMMIT "unknown"
#endif
const char *autodev_build_commit(void) { return AUTODEV_COMMIT; }
