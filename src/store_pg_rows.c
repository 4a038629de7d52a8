/*
 * store_pg_rows.c: the PostgreSQL backend's rows (store_rows.h), for
 * copying a whole store.  Statements name only the tables and columns of
 * store_copy.c's fixed list; values travel as bound parameters or as
 * COPY data, never in SQL text.  A read is one REPEATABLE READ
 * transaction, its rows taken one at a time (libpq's single-row mode), so
 * a large table is never all in memory; a table is written with one COPY.
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

/* A table being written: COPY's text, or the update's parameters. */
struct pgput {
	struct pgstore	*s;
	const struct store_table *t;
	int		 copy;		/* in COPY FROM STDIN */
	struct buf	 line;
	const char	**v;
	int		*len, *fmt;
	char		(*num)[24];
};

static const char *
pgr_where(struct store *st)
{
	return pgs(st)->where;
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
	if (pg_exec_sql(s, write ? "BEGIN" : "BEGIN ISOLATION LEVEL REPEATABLE READ,"
	    " READ ONLY", "begin") == -1)
		return -1;
	s->in_txn = 1;
	if (pg_exec_sql(s, write ? "SELECT seq FROM state FOR UPDATE" :
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
	if (pg_exec_sql(s, "COMMIT", "commit") == -1) {
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
	buf_free(&p->line);
	free(p->v);
	free(p->len);
	free(p->fmt);
	free(p->num);
	free(p);
}

/* The state row is there already, made by the schema: an UPDATE. */
static int
update_begin(struct pgput *p)
{
	const struct store_table *t = p->t;
	struct buf	 sql = { NULL, 0, 0 };
	PGresult	*r;
	size_t		 i;
	int		 ok;

	buf_printf(&sql, "UPDATE %s SET ", t->name);
	for (i = 0; i < t->ncols; i++)
		buf_printf(&sql, "%s%s = $%zu", i > 0 ? ", " : "",
		    t->cols[i].name, i + 1);
	r = PQprepare(p->s->conn, PUT_STMT, sql.s, 0, NULL);
	buf_free(&sql);
	if (!(ok = PQresultStatus(r) == PGRES_COMMAND_OK))
		pg_fail(p->s, r, t->name);
	PQclear(r);
	p->v = xcalloc(t->ncols, sizeof(*p->v));
	p->len = xcalloc(t->ncols, sizeof(*p->len));
	p->fmt = xcalloc(t->ncols, sizeof(*p->fmt));
	p->num = xcalloc(t->ncols, sizeof(*p->num));
	return ok ? 0 : -1;
}

/*
 * The other tables' rows go through COPY: no round trip per row, and
 * the server's error names the line and column it refused.
 */
static int
copy_begin(struct pgput *p)
{
	const struct store_table *t = p->t;
	struct buf	 sql = { NULL, 0, 0 };
	PGresult	*r;
	size_t		 i;
	int		 ok;

	buf_printf(&sql, "COPY %s(", t->name);
	for (i = 0; i < t->ncols; i++)
		buf_printf(&sql, "%s%s", i > 0 ? ", " : "", t->cols[i].name);
	buf_adds(&sql, ") FROM STDIN");
	r = PQexec(p->s->conn, sql.s);
	buf_free(&sql);
	if (!(ok = PQresultStatus(r) == PGRES_COPY_IN))
		pg_fail(p->s, r, t->name);
	PQclear(r);
	p->copy = ok;
	return ok ? 0 : -1;
}

static void *
pgr_put_begin(struct store *st, const struct store_table *t)
{
	struct pgput	*p;

	p = xcalloc(1, sizeof(*p));
	p->s = pgs(st);
	p->t = t;
	if ((t->single ? update_begin(p) : copy_begin(p)) == -1) {
		put_free(p);
		return NULL;
	}
	return p;
}

/* Integers as text; text and bytes as they are (binary parameters). */
static int
update(struct pgput *p, const struct store_value *v)
{
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
	else if (strcmp(PQcmdTuples(r), "1") != 0) {
		snprintf(p->s->base.err, sizeof(p->s->base.err), "%s: no row "
		    "to update", p->t->name);
		ok = 0;
	}
	PQclear(r);
	return ok ? 0 : -1;
}

/* Text as COPY's text format has it: backslash escapes. */
static void
copy_text(struct buf *b, const char *s, size_t n)
{
	size_t	 i, from = 0;
	char	 esc;

	for (i = 0; i < n; i++) {
		switch (s[i]) {
		case '\\':
			esc = '\\';
			break;
		case '\n':
			esc = 'n';
			break;
		case '\r':
			esc = 'r';
			break;
		case '\t':
			esc = 't';
			break;
		default:
			continue;
		}
		buf_add(b, s + from, i - from);
		buf_addc(b, '\\');
		buf_addc(b, esc);
		from = i + 1;
	}
	buf_add(b, s + from, n - from);
}

/* Bytes as bytea's hex form, its backslash escaped for COPY. */
static void
copy_bytes(struct buf *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t	 i;

	buf_adds(b, "\\\\x");
	for (i = 0; i < n; i++) {
		buf_addc(b, hex[(unsigned char)s[i] >> 4]);
		buf_addc(b, hex[(unsigned char)s[i] & 0xf]);
	}
}

static int
copy_flush(struct pgput *p)
{
	if (p->line.len > 0 && PQputCopyData(p->s->conn, p->line.s,
	    (int)p->line.len) != 1)
		return pg_fail(p->s, NULL, p->t->name);
	buf_reset(&p->line);
	return 0;
}

/* A row of COPY text, sent 64 KiB at a time. */
static int
copy_row(struct pgput *p, const struct store_value *v)
{
	struct buf	*b = &p->line;
	size_t		 i;

	for (i = 0; i < p->t->ncols; i++) {
		if (i > 0)
			buf_addc(b, '\t');
		if (v[i].null)
			buf_adds(b, "\\N");
		else if (p->t->cols[i].type == COL_INT)
			buf_printf(b, "%lld", (long long)v[i].i);
		else if (p->t->cols[i].type == COL_TEXT)
			copy_text(b, v[i].p, v[i].len);
		else
			copy_bytes(b, v[i].p, v[i].len);
	}
	buf_addc(b, '\n');
	return b->len >= 65536 ? copy_flush(p) : 0;
}

static int
pgr_put(void *arg, const struct store_value *v)
{
	struct pgput	*p = arg;

	return p->copy ? copy_row(p, v) : update(p, v);
}

/* The end of a COPY, with the server's verdict on all its rows. */
static int
copy_end(struct pgput *p, int ok)
{
	PGresult	*r;
	int		 rc = 0;

	if (ok && copy_flush(p) == -1)
		ok = 0, rc = -1;
	if (PQputCopyEnd(p->s->conn, ok ? NULL : "copy abandoned") != 1)
		rc = pg_fail(p->s, NULL, p->t->name);
	while ((r = PQgetResult(p->s->conn)) != NULL) {
		if (ok && rc == 0 && PQresultStatus(r) != PGRES_COMMAND_OK)
			rc = pg_fail(p->s, r, p->t->name);
		PQclear(r);
	}
	return rc;
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

/*
 * After a failure the transaction refuses everything until its rollback:
 * the update's statement then goes with the connection.
 */
static int
pgr_put_end(void *arg, int ok)
{
	struct pgput	*p = arg;
	int		 rc = 0;

	if (p->copy)
		rc = copy_end(p, ok);
	else if (ok)
		rc = pg_exec_sql(p->s, "DEALLOCATE " PUT_STMT, p->t->name);
	if (ok && rc == 0 && p->t->serial != NULL)
		rc = advance(p->s, p->t);
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
