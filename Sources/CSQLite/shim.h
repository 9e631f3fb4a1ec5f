// SQLite's header (Debian libsqlite3-dev); AutodevSQLite links the static archive, so autodev
// maps no extra shared library at start.
#include <sqlite3.h>

// SQLITE_TRANSIENT is a cast macro Swift cannot import: it makes SQLite copy bound values.
static inline void (*autodev_sqlite_transient(void))(void *) { return SQLITE_TRANSIENT; }
