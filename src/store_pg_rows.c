/*
 * store_pg_rows.c: the PostgreSQL backend's rows (store_rows.h), for
 * copying a whole store.  Statements name only the tables and columns of
 * store_copy.c's fixed list; every value is bound.  A read is one
 * REPEATABLE READ transaction, its rows taken one at a time (libpq's
 * single-row mode), so a large table is never all in memory.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "store.h"
#include "store_int.h"
#include "store_pg.h"
#include "store_rows.h"
#include "util.h"

#define PUT_STMT	"fmcopy"

/* A table being written: its parameters, reused row after row. */
struct pgput {
	struct pgstore	*s;
	const struct store_table *t;
	const char	**v;
	int		*len, *fmt;
	char		(*num)[24];
};

static const char *
pgr_where(struct store *st)
{
	return pgs(st)->where;
}

/* Text SQL without parameters: transaction control, our own names. */
static int
run(struct pgstore *s, const char *text, const char *what)
{
	PGresult	*r = PQexec(s->conn, text);
	int		 st = PQresultStatus(r);

	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
		pg_fail(s, r, what);
		PQclear(r);
		return -1;
	}
	PQclear(r);
	return 0;
}

/*
 * A reader sees one snapshot throughout.  A writer takes the state row's
 * lock first, as every writer of the store does (pg_begin): no other
 * feedmux writes until the copy commits or rolls back.
 */
static int
pgr_begin(struct store *st, int write)
{
	struct pgstore	*s = pgs(st);

	if (s->in_txn) {
		snprintf(st->err, sizeof(st->err), "already in a transaction");
		return -1;
	}
	if (run(s, write ? "BEGIN" : "BEGIN ISOLATION LEVEL REPEATABLE READ,"
	    " READ ONLY", "begin") == -1)
		return -1;
	s->in_txn = 1;
	if (run(s, write ? "SELECT seq FROM state FOR UPDATE" :
	    "SELECT seq FROM state", "begin") == -1) {
		pg_rollback(st);
		return -1;
	}
	return 0;
}

static int
pgr_end(struct store *st, int ok)
{
	struct pgstore	*s = pgs(st);

	if (!ok) {
		pg_rollback(st);
		return 0;
	}
	if (run(s, "COMMIT", "commit") == -1) {
		pg_rollback(st);
		return -1;
	}
	s->in_txn = 0;
	return 0;
}

static int
pgr_count(struct store *st, const struct store_table *t,
    struct store_tally *n)
{
	struct pgstore	*s = pgs(st);
	struct buf	 sql = { NULL, 0, 0 };
	PGresult	*r;
	int		 ok;

	buf_printf(&sql, "SELECT count(*), coalesce(max(%s), 0) FROM %s",
	    t->check != NULL ? t->check : "0", t->name);
	r = PQexec(s->conn, sql.s);
	buf_free(&sql);
	ok = PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1;
	if (ok) {
		n->rows = pg_int(r, 0, 0);
		n->max = pg_int(r, 0, 1);
	} else
		pg_fail(s, r, t->name);
	PQclear(r);
	return ok ? 0 : -1;
}

/* Column i of row r, as its table says it is typed; bytes into b. */
static void
value(const PGresult *r, int i, enum col_type type, struct buf *b,
    struct store_value *v)
{
	memset(v, 0, sizeof(*v));
	if (PQgetisnull(r, 0, i)) {
		v->null = 1;
		return;
	}
	switch (type) {
	case COL_INT:
		v->i = pg_int(r, 0, i);
		break;
	case COL_TEXT:
		v->p = PQgetvalue(r, 0, i);
		v->len = (size_t)PQgetlength(r, 0, i);
		break;
	case COL_OCTETS:
	case COL_BLOB:
		pg_bytes(r, 0, i, b);
		v->p = buf_cstr(b);
		v->len = b->len;
		break;
	}
}

/* What is left of a query stopped early, read and dropped. */
static void
drain(PGconn *conn)
{
	PGresult	*r;

	while ((r = PQgetResult(conn)) != NULL)
		PQclear(r);
}

static int
pgr_each(struct store *st, const struct store_table *t, store_row_cb cb,
    void *arg)
{
	struct pgstore		*s = pgs(st);
	struct buf		 sql = { NULL, 0, 0 }, *b;
	struct store_value	*v;
	PGresult		*r;
	size_t			 i;
	int			 stop = 0, rs;

	buf_adds(&sql, "SELECT ");
	for (i = 0; i < t->ncols; i++)
		buf_printf(&sql, "%s%s", i > 0 ? ", " : "", t->cols[i].name);
	buf_printf(&sql, " FROM %s ORDER BY %s", t->name, t->order);
	rs = PQsendQueryParams(s->conn, sql.s, 0, NULL, NULL, NULL, NULL, 0);
	buf_free(&sql);
	if (!rs || !PQsetSingleRowMode(s->conn)) {
		pg_fail(s, NULL, t->name);
		drain(s->conn);
		return -1;
	}
	v = xcalloc(t->ncols, sizeof(*v));
	b = xcalloc(t->ncols, sizeof(*b));
	while (!stop && (r = PQgetResult(s->conn)) != NULL) {
		rs = PQresultStatus(r);
		if (rs == PGRES_SINGLE_TUPLE) {
			for (i = 0; i < t->ncols; i++)
				value(r, (int)i, t->cols[i].type, &b[i], &v[i]);
			stop = cb(arg, v);
		} else if (rs != PGRES_TUPLES_OK)
			stop = pg_fail(s, r, t->name);
		PQclear(r);
	}
	drain(s->conn);
	for (i = 0; i < t->ncols; i++)
		buf_free(&b[i]);
	free(b);
	free(v);
	return stop != 0 ? -1 : 0;
}

static void
put_free(struct pgput *p)
{
	free(p->v);
	free(p->len);
	free(p->fmt);
	free(p->num);
	free(p);
}

static void *
pgr_put_begin(struct store *st, const struct store_table *t)
{
	struct pgstore	*s = pgs(st);
	struct buf	 sql = { NULL, 0, 0 };
	struct pgput	*p;
	PGresult	*r;
	size_t		 i;
	int		 ok;

	if (t->single) {
		buf_printf(&sql, "UPDATE %s SET ", t->name);
		for (i = 0; i < t->ncols; i++)
			buf_printf(&sql, "%s%s = $%zu", i > 0 ? ", " : "",
			    t->cols[i].name, i + 1);
	} else {
		buf_printf(&sql, "INSERT INTO %s(", t->name);
		for (i = 0; i < t->ncols; i++)
			buf_printf(&sql, "%s%s", i > 0 ? ", " : "",
			    t->cols[i].name);
		buf_adds(&sql, ") VALUES(");
		for (i = 0; i < t->ncols; i++)
			buf_printf(&sql, "%s$%zu", i > 0 ? ", " : "", i + 1);
		buf_adds(&sql, ")");
	}
	r = PQprepare(s->conn, PUT_STMT, sql.s, 0, NULL);
	buf_free(&sql);
	if (!(ok = PQresultStatus(r) == PGRES_COMMAND_OK))
		pg_fail(s, r, t->name);
	PQclear(r);
	if (!ok)
		return NULL;
	p = xcalloc(1, sizeof(*p));
	p->s = s;
	p->t = t;
	p->v = xcalloc(t->ncols, sizeof(*p->v));
	p->len = xcalloc(t->ncols, sizeof(*p->len));
	p->fmt = xcalloc(t->ncols, sizeof(*p->fmt));
	p->num = xcalloc(t->ncols, sizeof(*p->num));
	return p;
}

/* Integers as text; text and bytes as they are (binary parameters). */
static int
pgr_put(void *arg, const struct store_value *v)
{
	struct pgput	*p = arg;
	PGresult	*r;
	size_t		 i;
	int		 ok;

	for (i = 0; i < p->t->ncols; i++) {
		p->len[i] = 0;
		p->fmt[i] = 0;
		if (v[i].null)
			p->v[i] = NULL;
		else if (p->t->cols[i].type == COL_INT) {
			snprintf(p->num[i], sizeof(p->num[i]), "%lld",
			    (long long)v[i].i);
			p->v[i] = p->num[i];
		} else {
			p->v[i] = v[i].p;
			p->len[i] = (int)v[i].len;
			p->fmt[i] = 1;
		}
	}
	r = PQexecPrepared(p->s->conn, PUT_STMT, (int)p->t->ncols, p->v,
	    p->len, p->fmt, 0);
	ok = PQresultStatus(r) == PGRES_COMMAND_OK;
	if (!ok)
		pg_fail(p->s, r, p->t->name);
	else if (p->t->single && strcmp(PQcmdTuples(r), "1") != 0) {
		snprintf(p->s->base.err, sizeof(p->s->base.err), "%s: no row "
		    "to update", p->t->name);
		ok = 0;
	}
	PQclear(r);
	return ok ? 0 : -1;
}

/*
 * An identity column's sequence goes on after the largest value copied,
 * so that the next row the store adds does not collide with one.
 */
static int
advance(struct pgstore *s, const struct store_table *t)
{
	struct buf	 sql = { NULL, 0, 0 };
	const char	*v[2];
	PGresult	*r;
	int		 ok;

	buf_printf(&sql, "SELECT setval(pg_get_serial_sequence($1, $2),"
	    " coalesce(max(%s), 0) + 1, false) FROM %s", t->serial, t->name);
	v[0] = t->name;
	v[1] = t->serial;
	r = PQexecParams(s->conn, sql.s, 2, NULL, v, NULL, NULL, 0);
	buf_free(&sql);
	if (!(ok = PQresultStatus(r) == PGRES_TUPLES_OK))
		pg_fail(s, r, t->name);
	PQclear(r);
	return ok ? 0 : -1;
}

static int
pgr_put_end(void *arg, int ok)
{
	struct pgput	*p = arg;
	int		 rc = 0;

	/* After a failure the transaction refuses everything until its
	 * rollback; the statement then goes with the connection. */
	if (ok && ((p->t->serial != NULL && advance(p->s, p->t) == -1) ||
	    run(p->s, "DEALLOCATE " PUT_STMT, p->t->name) == -1))
		rc = -1;
	put_free(p);
	return rc;
}

const struct store_rows_ops pg_rows = {
	.where = pgr_where,
	.begin = pgr_begin,
	.end = pgr_end,
	.count = pgr_count,
	.each = pgr_each,
	.put_begin = pgr_put_begin,
	.put = pgr_put,
	.put_end = pgr_put_end,
};
