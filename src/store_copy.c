/*
 * store_copy.c: copy a whole store into an empty one, whatever the two
 * backends (include/store.h store_copy).
 *
 * The tables and their columns are listed here once, explicitly: what
 * a store is, not what a daemon keeps while it runs (PostgreSQL's leases,
 * claims and renderings are not copied).  Ids are kept, since digest and
 * hook marks and tombstones refer to them.  The source is read in one
 * snapshot and the destination written in one transaction, checked
 * table by table (rows and the largest id or mark) before it commits; a
 * failure leaves the destination as it was.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "store.h"
#include "store_int.h"
#include "store_rows.h"
#include "util.h"

static const struct store_col state_cols[] = {
	{ "seq", COL_INT }, { "generation", COL_INT }, { "pruned", COL_INT },
};

static const struct store_col feed_cols[] = {
	{ "id", COL_INT }, { "name", COL_TEXT }, { "conf_url", COL_TEXT },
	{ "url", COL_TEXT }, { "conf_title", COL_TEXT },
	{ "category", COL_TEXT }, { "enabled", COL_INT },
	{ "title", COL_TEXT }, { "link", COL_TEXT }, { "etag", COL_OCTETS },
	{ "last_modified", COL_OCTETS }, { "last_poll", COL_INT },
	{ "last_success", COL_INT }, { "last_new", COL_INT },
	{ "next_poll", COL_INT }, { "next_reason", COL_TEXT },
	{ "last_status", COL_INT }, { "failures", COL_INT },
	{ "failing_since", COL_INT }, { "last_error", COL_TEXT },
	{ "gone", COL_INT }, { "malformed", COL_INT },
	{ "key_churn", COL_INT }, { "ttl", COL_INT },
	{ "sy_period", COL_INT }, { "sy_frequency", COL_INT },
	{ "skip_hours", COL_INT }, { "skip_days", COL_INT },
	{ "max_age", COL_INT }, { "updated", COL_INT },
};

static const struct store_col entry_cols[] = {
	{ "id", COL_INT }, { "feed", COL_INT }, { "key", COL_TEXT },
	{ "khash", COL_INT }, { "guid", COL_TEXT }, { "gid", COL_TEXT },
	{ "title", COL_TEXT }, { "link", COL_TEXT }, { "canon", COL_TEXT },
	{ "author", COL_TEXT }, { "author_email", COL_TEXT },
	{ "thumbnail", COL_TEXT }, { "summary", COL_TEXT },
	{ "content", COL_TEXT }, { "categories", COL_BLOB },
	{ "enclosures", COL_BLOB }, { "published", COL_INT },
	{ "updated", COL_INT }, { "first_seen", COL_INT },
	{ "changed", COL_INT }, { "sort_date", COL_INT }, { "seq", COL_INT },
	{ "changed_seq", COL_INT }, { "hash", COL_INT },
};

static const struct store_col tomb_cols[] = {
	{ "feed", COL_INT }, { "khash", COL_INT }, { "seen", COL_INT },
};

static const struct store_col digest_cols[] = {
	{ "id", COL_INT }, { "name", COL_TEXT }, { "slot", COL_INT },
	{ "created", COL_INT }, { "after_seq", COL_INT },
	{ "upto_seq", COL_INT }, { "sent", COL_INT }, { "attempts", COL_INT },
	{ "next_try", COL_INT }, { "error", COL_TEXT },
};

static const struct store_col hook_cols[] = {
	{ "name", COL_TEXT }, { "mark", COL_INT }, { "failures", COL_INT },
	{ "failing_since", COL_INT }, { "next_try", COL_INT },
	{ "last_success", COL_INT }, { "last_error", COL_TEXT },
	{ "delivered", COL_INT },
};

#define COLS(c)	c, nitems(c)

/* In the order they are written: feeds before the entries naming them. */
enum { T_STATE, T_FEEDS, T_ENTRIES, T_TOMBSTONES, T_DIGESTS, T_HOOKS };
static const struct store_table tables[] = {
	[T_STATE] = { "state", "state", COLS(state_cols), "seq", "seq", NULL,
	    1 },
	[T_FEEDS] = { "feeds", "feed", COLS(feed_cols), "id", "id", "id", 0 },
	[T_ENTRIES] = { "entries", "entry", COLS(entry_cols), "id", "id",
	    NULL, 0 },
	[T_TOMBSTONES] = { "tombstones", "tombstone", COLS(tomb_cols),
	    "feed, khash", NULL, NULL, 0 },
	[T_DIGESTS] = { "digests", "digest", COLS(digest_cols), "id", "id",
	    "id", 0 },
	[T_HOOKS] = { "hooks", "hook", COLS(hook_cols), "name", "mark", NULL,
	    0 },
};

struct copy {
	struct store	*from, *to;
	void		*put;
	int		 put_failed;
};

static const struct store_rows_ops *
rows(struct store *s)
{
	return s->be->rows;
}

const char *
store_where(struct store *s)
{
	return rows(s) != NULL ? rows(s)->where(s) : s->path;
}

/* "WHERE: what failed", from the store's own error. */
static int
fail(struct store *s, int code, char *err, size_t errlen)
{
	snprintf(err, errlen, "%s: %s", store_where(s), s->err);
	return code;
}

/* Into a store that holds nothing: a copy never merges. */
static int
check_empty(struct store *to, char *err, size_t errlen)
{
	struct store_tally	 n;
	struct buf		 held = { NULL, 0, 0 };
	size_t			 i;

	for (i = 0; i < nitems(tables); i++) {
		if (tables[i].single)
			continue;
		if (rows(to)->count(to, &tables[i], &n) == -1) {
			buf_free(&held);
			return fail(to, STORE_COPY_WRITE, err, errlen);
		}
		if (n.rows > 0)
			buf_printf(&held, "%s%lld %s", held.len > 0 ? ", " :
			    "", (long long)n.rows, n.rows == 1 ? tables[i].one :
			    tables[i].name);
	}
	if (held.len == 0)
		return 0;
	snprintf(err, errlen, "%s: not empty (it holds %s); copy only into a "
	    "new database", store_where(to), held.s);
	buf_free(&held);
	return STORE_COPY_NOT_EMPTY;
}

static int
put_row(void *arg, const struct store_value *v)
{
	struct copy	*c = arg;

	if (rows(c->to)->put(c->put, v) == -1) {
		c->put_failed = 1;
		return -1;
	}
	return 0;
}

static int
copy_table(struct copy *c, const struct store_table *t, char *err,
    size_t errlen)
{
	int	 rc;

	if ((c->put = rows(c->to)->put_begin(c->to, t)) == NULL)
		return fail(c->to, STORE_COPY_WRITE, err, errlen);
	c->put_failed = 0;
	rc = rows(c->from)->each(c->from, t, put_row, c);
	if (rows(c->to)->put_end(c->put, rc == 0) == -1 && rc == 0) {
		c->put_failed = 1;
		rc = -1;
	}
	if (rc == -1)
		return c->put_failed ? fail(c->to, STORE_COPY_WRITE, err,
		    errlen) : fail(c->from, STORE_COPY_READ, err, errlen);
	return 0;
}

/* Every table, on both sides: the same rows, the same largest id. */
static int
verify(struct copy *c, struct store_copy_counts *counts, char *err,
    size_t errlen)
{
	const struct store_table *t;
	struct store_tally	 a, b;
	size_t			 i;

	for (i = 0; i < nitems(tables); i++) {
		t = &tables[i];
		if (rows(c->from)->count(c->from, t, &a) == -1)
			return fail(c->from, STORE_COPY_READ, err, errlen);
		if (rows(c->to)->count(c->to, t, &b) == -1)
			return fail(c->to, STORE_COPY_WRITE, err, errlen);
		if (a.rows != b.rows) {
			snprintf(err, errlen, "copy not verified: table %s: "
			    "%lld rows in %s, %lld in %s", t->name,
			    (long long)a.rows, store_where(c->from),
			    (long long)b.rows, store_where(c->to));
			return STORE_COPY_MISMATCH;
		}
		if (a.max != b.max) {
			snprintf(err, errlen, "copy not verified: table %s: "
			    "largest %s %lld in %s, %lld in %s", t->name,
			    t->check, (long long)a.max, store_where(c->from),
			    (long long)b.max, store_where(c->to));
			return STORE_COPY_MISMATCH;
		}
		switch (i) {
		case T_FEEDS:
			counts->feeds = b.rows;
			break;
		case T_ENTRIES:
			counts->entries = b.rows;
			break;
		case T_TOMBSTONES:
			counts->tombstones = b.rows;
			break;
		case T_DIGESTS:
			counts->digests = b.rows;
			break;
		case T_HOOKS:
			counts->hooks = b.rows;
			break;
		}
	}
	return 0;
}

static int
copy_all(struct copy *c, struct store_copy_counts *counts, char *err,
    size_t errlen)
{
	size_t	 i;
	int	 rc;

	if ((rc = check_empty(c->to, err, errlen)) != 0)
		return rc;
	for (i = 0; i < nitems(tables); i++)
		if ((rc = copy_table(c, &tables[i], err, errlen)) != 0)
			return rc;
	return verify(c, counts, err, errlen);
}

int
store_copy(struct store *from, struct store *to,
    struct store_copy_counts *counts, char *err, size_t errlen)
{
	struct copy	 c;
	int		 rc;

	memset(counts, 0, sizeof(*counts));
	if (rows(from) == NULL || rows(to) == NULL) {
		snprintf(err, errlen, "%s: this backend cannot copy a store",
		    rows(from) == NULL ? from->path : to->path);
		return STORE_COPY_READ;
	}
	memset(&c, 0, sizeof(c));
	c.from = from;
	c.to = to;
	if (rows(from)->begin(from, 0) == -1)
		return fail(from, STORE_COPY_READ, err, errlen);
	if (rows(to)->begin(to, 1) == -1) {
		rows(from)->end(from, 0);
		return fail(to, STORE_COPY_WRITE, err, errlen);
	}
	rc = copy_all(&c, counts, err, errlen);
	if (rows(to)->end(to, rc == 0) == -1 && rc == 0)
		rc = fail(to, STORE_COPY_WRITE, err, errlen);
	rows(from)->end(from, 0);
	return rc;
}
