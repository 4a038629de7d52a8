/*
 * store_sqlite_rows.c: the SQLite backend's rows (store_rows.h), for
 * copying a whole store.  Statements name only the tables and columns of
 * store_copy.c's fixed list; every value is bound.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "store.h"
#include "store_int.h"
#include "store_rows.h"
#include "util.h"

/* A table being written. */
struct sqput {
	struct sqlstore	*s;
	const struct store_table *t;
	sqlite3_stmt	*q;
};

static const char *
sqr_where(struct store *st)
{
	return st->path;
}

static int
run(struct sqlstore *s, const char *text, const char *what)
{
	if (sqlite3_exec(s->db, text, NULL, NULL, NULL) != SQLITE_OK)
		return sq_fail(s, what);
	return 0;
}

/*
 * A read transaction sees one snapshot from its first read on (WAL), so
 * the read here starts it at once.  A writer takes the write lock now.
 */
static int
sqr_begin(struct store *st, int write)
{
	struct sqlstore	*s = sq(st);

	if (s->in_txn) {
		snprintf(st->err, sizeof(st->err), "already in a transaction");
		return -1;
	}
	if (run(s, write ? "BEGIN IMMEDIATE" : "BEGIN", "begin") == -1)
		return -1;
	s->in_txn = 1;
	if (!write && run(s, "SELECT count(*) FROM state", "begin") == -1) {
		sq_rollback(st);
		return -1;
	}
	return 0;
}

static int
sqr_end(struct store *st, int ok)
{
	struct sqlstore	*s = sq(st);

	if (!ok) {
		sq_rollback(st);
		return 0;
	}
	if (run(s, "COMMIT", "commit") == -1) {
		sq_rollback(st);
		return -1;
	}
	s->in_txn = 0;
	return 0;
}

static int
prepare(struct sqlstore *s, const struct buf *sql, sqlite3_stmt **q,
    const char *what)
{
	if (sqlite3_prepare_v2(s->db, sql->s, -1, q, NULL) != SQLITE_OK)
		return sq_fail(s, what);
	return 0;
}

static int
sqr_count(struct store *st, const struct store_table *t,
    struct store_tally *n)
{
	struct sqlstore	*s = sq(st);
	struct buf	 sql = { NULL, 0, 0 };
	sqlite3_stmt	*q;
	int		 rc;

	buf_printf(&sql, "SELECT count(*), coalesce(max(%s), 0) FROM %s",
	    t->check != NULL ? t->check : "0", t->name);
	rc = prepare(s, &sql, &q, t->name);
	buf_free(&sql);
	if (rc == -1)
		return -1;
	if ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		n->rows = sqlite3_column_int64(q, 0);
		n->max = sqlite3_column_int64(q, 1);
	}
	sqlite3_finalize(q);
	return rc == SQLITE_ROW ? 0 : sq_fail(s, t->name);
}

/* Column i of the row at q, as its table says it is typed. */
static void
value(sqlite3_stmt *q, int i, enum col_type type, struct store_value *v)
{
	memset(v, 0, sizeof(*v));
	if (sqlite3_column_type(q, i) == SQLITE_NULL) {
		v->null = 1;
		return;
	}
	switch (type) {
	case COL_INT:
		v->i = sqlite3_column_int64(q, i);
		break;
	case COL_BLOB:
		v->p = sqlite3_column_blob(q, i);
		v->len = (size_t)sqlite3_column_bytes(q, i);
		break;
	case COL_TEXT:
	case COL_OCTETS:
		v->p = (const char *)sqlite3_column_text(q, i);
		v->len = (size_t)sqlite3_column_bytes(q, i);
		break;
	}
	if (v->p == NULL)
		v->p = "";	/* an empty blob */
}

static int
sqr_each(struct store *st, const struct store_table *t, store_row_cb cb,
    void *arg)
{
	struct sqlstore		*s = sq(st);
	struct buf		 sql = { NULL, 0, 0 };
	struct store_value	*v;
	sqlite3_stmt		*q;
	size_t			 i;
	int			 rc, stop = 0;

	buf_adds(&sql, "SELECT ");
	for (i = 0; i < t->ncols; i++)
		buf_printf(&sql, "%s%s", i > 0 ? ", " : "", t->cols[i].name);
	buf_printf(&sql, " FROM %s ORDER BY %s", t->name, t->order);
	rc = prepare(s, &sql, &q, t->name);
	buf_free(&sql);
	if (rc == -1)
		return -1;
	v = xcalloc(t->ncols, sizeof(*v));
	while (!stop && (rc = sqlite3_step(q)) == SQLITE_ROW) {
		for (i = 0; i < t->ncols; i++)
			value(q, (int)i, t->cols[i].type, &v[i]);
		stop = cb(arg, v);
	}
	if (!stop && rc != SQLITE_DONE)
		stop = sq_fail(s, t->name);
	sqlite3_finalize(q);
	free(v);
	return stop != 0 ? -1 : 0;
}

static void *
sqr_put_begin(struct store *st, const struct store_table *t)
{
	struct sqlstore	*s = sq(st);
	struct buf	 sql = { NULL, 0, 0 };
	struct sqput	*p;
	size_t		 i;
	int		 rc;

	if (t->single) {
		buf_printf(&sql, "UPDATE %s SET ", t->name);
		for (i = 0; i < t->ncols; i++)
			buf_printf(&sql, "%s%s = ?%zu", i > 0 ? ", " : "",
			    t->cols[i].name, i + 1);
	} else {
		buf_printf(&sql, "INSERT INTO %s(", t->name);
		for (i = 0; i < t->ncols; i++)
			buf_printf(&sql, "%s%s", i > 0 ? ", " : "",
			    t->cols[i].name);
		buf_adds(&sql, ") VALUES(");
		for (i = 0; i < t->ncols; i++)
			buf_printf(&sql, "%s?%zu", i > 0 ? ", " : "", i + 1);
		buf_adds(&sql, ")");
	}
	p = xcalloc(1, sizeof(*p));
	p->s = s;
	p->t = t;
	rc = prepare(s, &sql, &p->q, t->name);
	buf_free(&sql);
	if (rc == -1) {
		free(p);
		return NULL;
	}
	return p;
}

/* Bytes go back as the kind SQLite had them: validators as text. */
static int
sqr_put(void *arg, const struct store_value *v)
{
	struct sqput	*p = arg;
	sqlite3_stmt	*q = p->q;
	size_t		 i;
	int		 n, rc;

	for (i = 0; i < p->t->ncols; i++) {
		n = (int)i + 1;
		if (v[i].null)
			rc = sqlite3_bind_null(q, n);
		else if (p->t->cols[i].type == COL_INT)
			rc = sqlite3_bind_int64(q, n, v[i].i);
		else if (p->t->cols[i].type == COL_BLOB)
			rc = sqlite3_bind_blob64(q, n, v[i].p, v[i].len,
			    SQLITE_STATIC);
		else
			rc = sqlite3_bind_text64(q, n, v[i].p, v[i].len,
			    SQLITE_STATIC, SQLITE_UTF8);
		if (rc != SQLITE_OK)
			return sq_fail(p->s, p->t->name);
	}
	if (sq_exec(p->s, q, p->t->name) == -1)
		return -1;
	if (p->t->single && sqlite3_changes(p->s->db) != 1) {
		snprintf(p->s->base.err, sizeof(p->s->base.err), "%s: no row "
		    "to update", p->t->name);
		return -1;
	}
	return 0;
}

/* SQLite numbers a rowid after the largest there: nothing to advance. */
static int
sqr_put_end(void *arg, int ok)
{
	struct sqput	*p = arg;

	sqlite3_finalize(p->q);
	free(p);
	return 0;
}

const struct store_rows_ops sq_rows = {
	.where = sqr_where,
	.begin = sqr_begin,
	.end = sqr_end,
	.count = sqr_count,
	.each = sqr_each,
	.put_begin = sqr_put_begin,
	.put = sqr_put,
	.put_end = sqr_put_end,
};
