/*
 * store_pg_read.c: the PostgreSQL backend's reads, as store_read.c's:
 * entries for outputs with cross-feed duplicates folded, the sequence and
 * generation, totals, and the digest and hook marks.
 *
 * Entries come a page at a time (PAGE rows in store_pg.c), each page a
 * complete result: the connection is free for the duplicate lookups and
 * for whatever the callback asks of the store, and a large store is not
 * read into memory at once.  The next page starts after the last row's
 * place in the order, which is total (the entry id breaks ties).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "store.h"
#include "store_int.h"
#include "store_pg.h"
#include "util.h"

/* The columns of ENTRY_COLS (store_pg.c), in order. */
enum ec {
	EC_ID, EC_SEQ, EC_FEED, EC_FEED_TITLE, EC_FEED_LINK,
	EC_FEED_URL, EC_CATEGORY, EC_GUID, EC_KEY, EC_TITLE, EC_LINK,
	EC_AUTHOR, EC_SUMMARY, EC_CONTENT, EC_PUBLISHED, EC_UPDATED,
	EC_FIRST_SEEN, EC_SORT_DATE, EC_CATEGORIES, EC_ENCLOSURES, EC_FEED_ID,
	EC_CANON, EC_GID, EC_AUTHOR_EMAIL, EC_THUMBNAIL,
	EC_FEED_UPDATED
};

static void
entry_from_row(struct pgrow *w, const PGresult *r, int i,
    struct stored_entry *se)
{
	memset(se, 0, sizeof(*se));
	se->rowid = pg_int(r, i, EC_ID);
	se->seq = pg_int(r, i, EC_SEQ);
	se->feed = pg_text(r, i, EC_FEED);
	se->feed_title = pg_text(r, i, EC_FEED_TITLE);
	se->feed_link = pg_text(r, i, EC_FEED_LINK);
	se->feed_url = pg_text(r, i, EC_FEED_URL);
	se->category = pg_text(r, i, EC_CATEGORY);
	se->id = pg_text(r, i, EC_GUID);
	se->key = pg_text(r, i, EC_KEY);
	se->title = pg_text(r, i, EC_TITLE);
	se->link = pg_text(r, i, EC_LINK);
	se->author = pg_text(r, i, EC_AUTHOR);
	se->summary = pg_text(r, i, EC_SUMMARY);
	se->content = pg_text(r, i, EC_CONTENT);
	se->published = pg_date(r, i, EC_PUBLISHED);
	se->updated = pg_date(r, i, EC_UPDATED);
	se->first_seen = pg_int(r, i, EC_FIRST_SEEN);
	se->sort_date = pg_int(r, i, EC_SORT_DATE);
	se->author_email = pg_text(r, i, EC_AUTHOR_EMAIL);
	se->thumbnail = pg_text(r, i, EC_THUMBNAIL);
	se->feed_updated = pg_date(r, i, EC_FEED_UPDATED);
	pg_bytes(r, i, EC_CATEGORIES, &w->cats);
	pg_bytes(r, i, EC_ENCLOSURES, &w->encs);
	key_decode_lists(&w->lists, w->cats.len > 0 ? w->cats.s : NULL,
	    w->cats.len, w->encs.len > 0 ? w->encs.s : NULL, w->encs.len, se);
}

/*
 * Cross-feed duplicates, folded by store_key.c's rules: 1 when this row
 * is shown under another one, 0 when it stands (with also_feeds filled),
 * -1 on error.
 */
static int
fold_row(struct pgstore *s, const PGresult *row, int i,
    struct stored_entry *se, enum fold how, int64_t after, int64_t upto)
{
	struct pgargs	 a;
	PGresult	*r;
	size_t		 n = 0;
	int		 j, skip = 0;

	se->also_feeds = NULL;
	se->nalso_feeds = 0;
	if (how == FOLD_NONE)
		return 0;
	buf_reset(&s->also);
	if (!PQgetisnull(row, i, EC_CANON) || !PQgetisnull(row, i, EC_GID)) {
		pg_args(&a);
		pg_arg_int(&a, pg_int(row, i, EC_FEED_ID));
		pg_arg_text(&a, pg_text(row, i, EC_CANON));
		pg_arg_text(&a, pg_text(row, i, EC_GID));
		if ((r = pg_run(s, PS_DUPS, &a, "finding duplicates")) == NULL)
			return -1;
		for (j = 0; j < PQntuples(r) && !skip; j++, n++) {
			skip = key_fold_under(how, se, pg_int(r, j, 0),
			    pg_int(r, j, 1), pg_int(r, j, 2), after, upto);
			buf_add(&s->also, PQgetvalue(r, j, 3),
			    strlen(PQgetvalue(r, j, 3)) + 1);
		}
		PQclear(r);
		if (skip)
			return 1;
	}
	key_also_feeds(&s->also, n, &s->valso, &s->nvalso, se);
	return 0;
}

/* Each row of r to cb; 1 when cb stopped, 0 to go on, -1 on error. */
static int
each_row(struct pgstore *s, struct pgrow *w, const PGresult *r,
    enum fold how, int64_t after, int64_t upto, store_entry_cb cb,
    void *arg)
{
	struct stored_entry se;
	int		 i, f;

	for (i = 0; i < PQntuples(r); i++) {
		entry_from_row(w, r, i, &se);
		if ((f = fold_row(s, r, i, &se, how, after, upto)) == -1)
			return -1;
		if (f == 0 && cb(arg, &se) != 0)
			return 1;
	}
	return 0;
}

int
pg_recent(struct store *st, store_entry_cb cb, void *arg)
{
	struct pgstore	*s = pgs(st);
	struct pgargs	 a;
	PGresult	*r;
	int64_t		 sort = INT64_MAX, id = 0;
	int		 n, rc;

	do {
		pg_args(&a);
		pg_arg_int(&a, sort);
		pg_arg_int(&a, id);
		if ((r = pg_run(s, PS_RECENT, &a, "reading entries")) == NULL)
			return -1;
		if ((n = PQntuples(r)) > 0) {
			sort = pg_int(r, n - 1, EC_SORT_DATE);
			id = pg_int(r, n - 1, EC_ID);
		}
		rc = each_row(s, &s->row, r, FOLD_RECENT, 0, 0, cb, arg);
		PQclear(r);
	} while (rc == 0 && n > 0);
	return rc < 0 ? -1 : 0;
}

/* New entries in (after, upto], and with updates the changed ones. */
int
pg_since(struct store *st, int64_t after, int64_t upto, int updates,
    store_entry_cb cb, void *arg)
{
	struct pgstore	*s = pgs(st);
	struct pgargs	 a;
	PGresult	*r, *prev = NULL;
	const char	*name = "";
	int64_t		 sort = INT64_MAX, id = 0;
	int		 n, rc;

	do {
		pg_args(&a);
		pg_arg_int(&a, after);
		pg_arg_int(&a, upto);
		pg_arg_int(&a, updates != 0);
		pg_arg_text(&a, name);
		pg_arg_int(&a, sort);
		pg_arg_int(&a, id);
		r = pg_run(s, PS_SINCE, &a, "reading entries");
		PQclear(prev);		/* name pointed into it */
		if ((prev = r) == NULL)
			return -1;
		if ((n = PQntuples(r)) > 0) {
			name = PQgetvalue(r, n - 1, EC_FEED);
			sort = pg_int(r, n - 1, EC_SORT_DATE);
			id = pg_int(r, n - 1, EC_ID);
		}
		rc = each_row(s, &s->row, r, FOLD_SINCE, after, upto, cb, arg);
	} while (rc == 0 && n > 0);
	PQclear(prev);
	return rc < 0 ? -1 : 0;
}

/* Entries above after, oldest first, each alone (see store_read.c). */
int
pg_after(struct store *st, int64_t after, store_entry_cb cb, void *arg)
{
	struct pgstore	*s = pgs(st);
	struct pgargs	 a;
	PGresult	*r;
	int		 n, rc;

	do {
		pg_args(&a);
		pg_arg_int(&a, after);
		if ((r = pg_run(s, PS_AFTER, &a, "reading entries")) == NULL)
			return -1;
		if ((n = PQntuples(r)) > 0)
			after = pg_int(r, n - 1, EC_ID);
		rc = each_row(s, &s->row, r, FOLD_NONE, 0, 0, cb, arg);
		PQclear(r);
	} while (rc == 0 && n > 0);
	return rc < 0 ? -1 : 0;
}

/* Its own row buffers: the entry a store_after callback holds stays valid. */
int
pg_dups_before(struct store *st, int64_t id, store_entry_cb cb, void *arg)
{
	struct pgstore	*s = pgs(st);
	struct pgargs	 a;
	PGresult	*r;
	int		 rc;

	pg_args(&a);
	pg_arg_int(&a, id);
	if ((r = pg_run(s, PS_DUPS_BEFORE, &a, "finding duplicates")) == NULL)
		return -1;
	rc = each_row(s, &s->drow, r, FOLD_NONE, 0, 0, cb, arg);
	PQclear(r);
	return rc < 0 ? -1 : 0;
}

static int64_t
state_col(struct pgstore *s, int col)
{
	PGresult	*r;
	int64_t		 v = -1;

	if ((r = pg_run(s, PS_STATE_GET, NULL, "reading state")) == NULL)
		return -1;
	if (PQntuples(r) > 0)
		v = pg_int(r, 0, col);
	PQclear(r);
	return v;
}

int64_t
pg_seq(struct store *st)
{
	struct pgstore	*s = pgs(st);

	return s->in_txn ? s->seq : state_col(s, 0);
}

int64_t
pg_generation(struct store *st)
{
	return state_col(pgs(st), 1);
}

int
pg_totals(struct store *st, struct store_totals *t)
{
	struct pgstore	*s = pgs(st);
	PGresult	*r;

	memset(t, 0, sizeof(*t));
	if ((r = pg_run(s, PS_TOTAL_FEEDS, NULL, "counting feeds")) == NULL)
		return -1;
	t->feeds = pg_int(r, 0, 0);
	t->failing = pg_int(r, 0, 1);
	t->gone = pg_int(r, 0, 2);
	PQclear(r);
	if ((r = pg_run(s, PS_TOTAL_ENTRIES, NULL, "counting entries")) ==
	    NULL)
		return -1;
	t->entries = pg_int(r, 0, 0);
	PQclear(r);
	return 0;
}

/* ---- digests ---- */

int
pg_digest_last(struct store *st, const char *name, struct digest_state *ds)
{
	struct pgstore	*s = pgs(st);
	struct pgargs	 a;
	PGresult	*r;
	int		 found;

	memset(ds, 0, sizeof(*ds));
	pg_args(&a);
	pg_arg_text(&a, name);
	if ((r = pg_run(s, PS_DIGEST_LAST, &a, "reading digests")) == NULL)
		return -1;
	if ((found = PQntuples(r) > 0)) {
		ds->id = pg_int(r, 0, 0);
		ds->slot = pg_int(r, 0, 1);
		ds->created = pg_int(r, 0, 2);
		ds->after_seq = pg_int(r, 0, 3);
		ds->upto_seq = pg_int(r, 0, 4);
		ds->sent = pg_int(r, 0, 5);
		ds->attempts = (int)pg_int(r, 0, 6);
		ds->next_try = pg_int(r, 0, 7);
		ds->error = pg_strdup(r, 0, 8);
	}
	PQclear(r);
	return found;
}

int
pg_digest_add(struct store *st, const char *name, struct digest_state *ds)
{
	struct pgstore	*s = pgs(st);
	struct pgargs	 a;
	PGresult	*r;

	pg_args(&a);
	pg_arg_int(&a, ds->slot);
	pg_arg_int(&a, ds->created);
	pg_arg_int(&a, ds->after_seq);
	pg_arg_int(&a, ds->upto_seq);
	pg_arg_int(&a, ds->sent);
	pg_arg_int(&a, ds->attempts);
	pg_arg_int(&a, ds->next_try);
	pg_arg_text(&a, ds->error);
	pg_arg_text(&a, name);
	if ((r = pg_run(s, PS_DIGEST_ADD, &a, "recording a digest")) == NULL)
		return -1;
	ds->id = pg_int(r, 0, 0);
	PQclear(r);
	return 0;
}

int
pg_digest_update(struct store *st, const struct digest_state *ds)
{
	struct pgstore	*s = pgs(st);
	struct pgargs	 a;

	pg_args(&a);
	pg_arg_int(&a, ds->id);
	pg_arg_int(&a, ds->sent);
	pg_arg_int(&a, ds->attempts);
	pg_arg_int(&a, ds->next_try);
	pg_arg_text(&a, ds->error);
	return pg_exec(s, PS_DIGEST_UPDATE, &a, "updating a digest", NULL);
}

/* ---- hooks ---- */

int
pg_hook_get(struct store *st, const char *name, struct hook_state *hs)
{
	struct pgstore	*s = pgs(st);
	struct pgargs	 a;
	PGresult	*r;
	int		 found;

	memset(hs, 0, sizeof(*hs));
	pg_args(&a);
	pg_arg_text(&a, name);
	if ((r = pg_run(s, PS_HOOK_GET, &a, "reading a hook")) == NULL)
		return -1;
	if ((found = PQntuples(r) > 0)) {
		hs->mark = pg_int(r, 0, 0);
		hs->failures = (int)pg_int(r, 0, 1);
		hs->failing_since = pg_int(r, 0, 2);
		hs->next_try = pg_int(r, 0, 3);
		hs->last_success = pg_int(r, 0, 4);
		hs->last_error = pg_strdup(r, 0, 5);
		hs->delivered = pg_int(r, 0, 6);
	}
	PQclear(r);
	return found;
}

int
pg_hook_put(struct store *st, const char *name, const struct hook_state *hs)
{
	struct pgstore	*s = pgs(st);
	struct pgargs	 a;

	pg_args(&a);
	pg_arg_text(&a, name);
	pg_arg_int(&a, hs->mark);
	pg_arg_int(&a, hs->failures);
	pg_arg_int(&a, hs->failing_since);
	pg_arg_int(&a, hs->next_try);
	pg_arg_int(&a, hs->last_success);
	pg_arg_text(&a, hs->last_error);
	pg_arg_int(&a, hs->delivered);
	return pg_exec(s, PS_HOOK_PUT, &a, "recording a hook", NULL);
}
