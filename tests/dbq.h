/*
 * dbq.h: one integer read by SQL from a database file, through a
 * connection of its own, for the store's tests; -1 when that fails.
 */
#ifndef FEEDMUX_TESTS_DBQ_H
#define FEEDMUX_TESTS_DBQ_H

#include <stdint.h>
#include <stdio.h>

#include <sqlite3.h>

static inline int64_t
db_int(const char *path, const char *sql)
{
	sqlite3		*db;
	sqlite3_stmt	*q;
	int64_t		 n = -1;

	if (sqlite3_open(path, &db) != SQLITE_OK)
		return -1;
	sqlite3_busy_timeout(db, 5000);
	if (sqlite3_prepare_v2(db, sql, -1, &q, NULL) == SQLITE_OK) {
		if (sqlite3_step(q) == SQLITE_ROW)
			n = sqlite3_column_int64(q, 0);
		sqlite3_finalize(q);
	} else
		printf("# %s: %s\n", sql, sqlite3_errmsg(db));
	sqlite3_close(db);
	return n;
}

#endif
