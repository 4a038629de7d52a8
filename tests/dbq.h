/*
 * dbq.h: one integer read by SQL from a database (a file, or with libpq a
 * postgresql:// URI), through a connection of its own, for the store's
 * tests; -1 when that fails.
 */
#ifndef FEEDMUX_TESTS_DBQ_H
#define FEEDMUX_TESTS_DBQ_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <sqlite3.h>
#ifdef HAVE_LIBPQ
#include <libpq-fe.h>
#endif

#include "store.h"

#ifdef HAVE_LIBPQ
static inline int64_t
db_int_pg(const char *uri, const char *sql)
{
	PGconn		*c = PQconnectdb(uri);
	PGresult	*r;
	int64_t		 n = -1;

	if (PQstatus(c) != CONNECTION_OK) {
		printf("# %s: %s", uri, PQerrorMessage(c));
		PQfinish(c);
		return -1;
	}
	r = PQexec(c, sql);
	if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) > 0)
		n = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
	else if (PQresultStatus(r) != PGRES_TUPLES_OK)
		printf("# %s: %s", sql, PQresultErrorMessage(r));
	PQclear(r);
	PQfinish(c);
	return n;
}
#endif

static inline int64_t
db_int(const char *path, const char *sql)
{
	sqlite3		*db;
	sqlite3_stmt	*q;
	int64_t		 n = -1;

#ifdef HAVE_LIBPQ
	if (store_is_server(path))
		return db_int_pg(path, sql);
#endif
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
