/* The SQLite version, read from the linked library rather than the header. */
#include <sqlite3.h>

const char* outpost_sqlite_version(void) { return sqlite3_libversion(); }
