/*
 * store_read.c: the SQLite backend's reads: entries for outputs (recent,
 * since, after) with cross-feed duplicates folded, the sequence and
 * generation, totals, and the digest and hook marks.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "store.h"
#include "store_int.h"
#include "util.h"

/* The columns of an entry as outputs read it, in the order of enum ec. */
#define ENTRY_COLS \
	"e.id, e.seq, f.name, coalesce(f.conf_title, f.title, f.name), f.link," \
	" f.url, f.category, e.guid, e.key, e.title, e.link, e.author," \
	" e.summary, e.content, e.published, e.updated, e.first_seen," \
	" e.sort_date, e.categories, e.enclosures, e.feed, e.canon, e.gid," \
	" e.author_email, e.thumbnail," \
	" f.updated"
enum ec {
	EC_ID, EC_SEQ, EC_FEED, EC_FEED_TITLE, EC_FEED_LINK,
	EC_FEED_URL, EC_CATEGORY, EC_GUID, EC_KEY, EC_TITLE, EC_LINK,
	EC_AUTHOR, EC_SUMMARY, EC_CONTENT, EC_PUBLISHED, EC_UPDATED,
	EC_FIRST_SEEN, EC_SORT_DATE, EC_CATEGORIES, EC_ENCLOSURES, EC_FEED_ID,
	EC_CANON, EC_GID, EC_AUTHOR_EMAIL, EC_THUMBNAIL,
	EC_FEED_UPDATED
};

static int64_t
col_date(sqlite3_stmt *q, int i)
{
	if (sqlite3_column_type(q, i) == SQLITE_NULL)
		return DATE_NONE;
	return sqlite3_column_int64(q, i);
}

/* ---- reading entries ---- */

static void
decode_lists(struct sqlstore *s, sqlite3_stmt *q, struct stored_entry *se)
{
	key_decode_lists(&s->lists, sqlite3_column_blob(q, EC_CATEGORIES),
	    (size_t)sqlite3_column_bytes(q, EC_CATEGORIES),
	    sqlite3_column_blob(q, EC_ENCLOSURES),
	    (size_t)sqlite3_column_bytes(q, EC_ENCLOSURES), se);
}

#define TXT(i) ((const char *)sqlite3_column_text(q, (i)))
static void
entry_from_row(struct sqlstore *s, sqlite3_stmt *q, struct stored_entry *se)
{
	memset(se, 0, sizeof(*se));
	se->rowid = sqlite3_column_int64(q, EC_ID);
	se->seq = sqlite3_column_int64(q, EC_SEQ);
	se->feed = TXT(EC_FEED);
	se->feed_title = TXT(EC_FEED_TITLE);
	se->feed_link = TXT(EC_FEED_LINK);
	se->feed_url = TXT(EC_FEED_URL);
	se->category = TXT(EC_CATEGORY);
	se->id = TXT(EC_GUID);
	se->key = TXT(EC_KEY);
	se->title = TXT(EC_TITLE);
	se->link = TXT(EC_LINK);
	se->author = TXT(EC_AUTHOR);
	se->summary = TXT(EC_SUMMARY);
	se->content = TXT(EC_CONTENT);
	se->published = col_date(q, EC_PUBLISHED);
	se->updated = col_date(q, EC_UPDATED);
	se->first_seen = sqlite3_column_int64(q, EC_FIRST_SEEN);
	se->sort_date = sqlite3_column_int64(q, EC_SORT_DATE);
	se->author_email = TXT(EC_AUTHOR_EMAIL);
	se->thumbnail = TXT(EC_THUMBNAIL);
	se->feed_updated = col_date(q, EC_FEED_UPDATED);
	decode_lists(s, q, se);
}

/*
 * Cross-feed duplicates (same canonical link or same global id in another
 * feed).  Unordered on purpose: the loop compares every row itself, and an
 * ORDER BY made SQLite set up a sorter (tens of KB) for each entry shown.
 * Returns 1 when this row is shown under another one, 0 when it
 * stands (with also_feeds filled), -1 on error.
 */
static int
fold_row(struct sqlstore *s, sqlite3_stmt *r, struct stored_entry *se,
    enum fold how, int64_t after, int64_t upto)
{
	sqlite3_stmt	*q;
	size_t		 n = 0;
	int		 rc, skip = 0;

	if (how == FOLD_NONE) {
		se->also_feeds = NULL;
		se->nalso_feeds = 0;
		return 0;
	}
	buf_reset(&s->also);
	if (sqlite3_column_type(r, EC_CANON) == SQLITE_NULL &&
	    sqlite3_column_type(r, EC_GID) == SQLITE_NULL)
		goto done;
	q = sq_stmt(s, ST_DUPS);
	sqlite3_bind_int64(q, 1, sqlite3_column_int64(r, EC_FEED_ID));
	sqlite3_bind_value(q, 2, sqlite3_column_value(r, EC_CANON));
	sqlite3_bind_value(q, 3, sqlite3_column_value(r, EC_GID));
	while (!skip && (rc = sqlite3_step(q)) == SQLITE_ROW) {
		skip = key_fold_under(how, se, sqlite3_column_int64(q, 0),
		    sqlite3_column_int64(q, 1), sqlite3_column_int64(q, 2),
		    after, upto);
		buf_add(&s->also, sqlite3_column_text(q, 3),
		    sqlite3_column_bytes(q, 3) + 1);
		n++;
	}
	if (!skip && rc != SQLITE_DONE)
		skip = -1, sq_fail(s, "finding duplicates");
	sqlite3_reset(q);
	sqlite3_clear_bindings(q);
	if (skip)
		return skip;
done:
	key_also_feeds(&s->also, n, &s->valso, &s->nvalso, se);
	return 0;
}

static int
each_entry(struct sqlstore *s, sqlite3_stmt *q, enum fold how, int64_t after,
    int64_t upto, store_entry_cb cb, void *arg)
{
	struct stored_entry se;
	int		 rc, f, stop = 0;

	while (!stop && (rc = sqlite3_step(q)) == SQLITE_ROW) {
		entry_from_row(s, q, &se);
		if ((f = fold_row(s, q, &se, how, after, upto)) == -1) {
			stop = -1;
			break;
		}
		if (f == 0)
			stop = cb(arg, &se);
	}
	if (stop == 0 && rc != SQLITE_DONE)
		stop = sq_fail(s, "reading entries");
	sqlite3_finalize(q);
	return stop < 0 ? -1 : 0;
}

int
sq_recent(struct store *st, store_entry_cb cb, void *arg)
{
	struct sqlstore	*s = sq(st);
	sqlite3_stmt	*q;

	/* Not cached: a callback may use the store in turn. */
	if (sqlite3_prepare_v2(s->db, "SELECT " ENTRY_COLS " FROM entries e"
	    " JOIN feeds f ON f.id = e.feed WHERE f.enabled = 1"
	    " ORDER BY e.sort_date DESC, e.id", -1, &q, NULL) != SQLITE_OK)
		return sq_fail(s, "reading entries");
	return each_entry(s, q, FOLD_RECENT, 0, 0, cb, arg);
}

/*
 * New entries are a rowid range (rowid = seq); changed ones come from the
 * partial index of changed_seq, which holds only entries ever updated.
 */
int
sq_since(struct store *st, int64_t after, int64_t upto, int updates,
    store_entry_cb cb, void *arg)
{
	struct sqlstore	*s = sq(st);
	sqlite3_stmt	*q;

	if (sqlite3_prepare_v2(s->db, "SELECT * FROM ("
	    "SELECT " ENTRY_COLS " FROM entries e JOIN feeds f ON f.id = e.feed"
	    " WHERE f.enabled = 1 AND e.id > ?1 AND e.id <= ?2"
	    " UNION ALL SELECT " ENTRY_COLS " FROM entries e"
	    " JOIN feeds f ON f.id = e.feed WHERE ?3 AND f.enabled = 1"
	    " AND e.changed_seq > 0 AND e.changed_seq > ?1"
	    " AND e.changed_seq <= ?2 AND NOT (e.id > ?1 AND e.id <= ?2))"
	    " ORDER BY name, sort_date DESC, id", -1, &q, NULL) !=
	    SQLITE_OK)
		return sq_fail(s, "reading entries");
	sqlite3_bind_int64(q, 1, after);
	sqlite3_bind_int64(q, 2, upto);
	sqlite3_bind_int(q, 3, updates != 0);
	return each_entry(s, q, FOLD_SINCE, after, upto, cb, arg);
}

/*
 * Entries whose id is above after, in the order they were first stored,
 * each as its own feed has it: no folding, since whether a duplicate was
 * delivered depends on the reader's filters (see store_dups_before).
 */
int
sq_after(struct store *st, int64_t after, store_entry_cb cb, void *arg)
{
	struct sqlstore	*s = sq(st);
	sqlite3_stmt	*q;

	if (sqlite3_prepare_v2(s->db, "SELECT " ENTRY_COLS " FROM entries e"
	    " JOIN feeds f ON f.id = e.feed WHERE f.enabled = 1 AND e.id > ?1"
	    " ORDER BY e.id", -1, &q, NULL) != SQLITE_OK)
		return sq_fail(s, "reading entries");
	sqlite3_bind_int64(q, 1, after);
	return each_entry(s, q, FOLD_NONE, after, INT64_MAX, cb, arg);
}

static void
swap_lists(struct sqlstore *s)
{
	struct entry_lists l = s->lists;

	s->lists = s->dlists;
	s->dlists = l;
}

/*
 * The cross-feed duplicates of entry id stored before it, oldest first.
 * Its own lists, so the entry a store_after callback holds stays valid.
 */
int
sq_dups_before(struct store *st, int64_t id, store_entry_cb cb, void *arg)
{
	struct sqlstore	*s = sq(st);
	sqlite3_stmt	*q;
	int		 rc;

	if (sqlite3_prepare_v2(s->db, "SELECT " ENTRY_COLS " FROM entries x"
	    " JOIN entries e ON e.feed != x.feed AND e.id < x.id"
	    " AND (e.canon IN (x.canon, x.gid) OR e.gid IN (x.canon, x.gid))"
	    " JOIN feeds f ON f.id = e.feed WHERE x.id = ?1 AND f.enabled = 1"
	    " ORDER BY e.id", -1, &q, NULL) != SQLITE_OK)
		return sq_fail(s, "finding duplicates");
	sqlite3_bind_int64(q, 1, id);
	swap_lists(s);
	rc = each_entry(s, q, FOLD_NONE, 0, 0, cb, arg);
	swap_lists(s);
	return rc;
}

static int64_t
state_col(struct sqlstore *s, int col)
{
	sqlite3_stmt	*q = sq_stmt(s, ST_STATE_GET);
	int64_t		 v = -1;

	if (sqlite3_step(q) == SQLITE_ROW)
		v = sqlite3_column_int64(q, col);
	else
		sq_fail(s, "reading state");
	sqlite3_reset(q);
	return v;
}

int64_t
sq_seq(struct store *st)
{
	struct sqlstore	*s = sq(st);

	return s->in_txn ? s->seq : state_col(s, 0);
}

int64_t
sq_generation(struct store *st)
{
	return state_col(sq(st), 1);
}

/* ---- digests ---- */

int
sq_digest_last(struct store *st, const char *name, struct digest_state *ds)
{
	struct sqlstore	*s = sq(st);
	sqlite3_stmt	*q = sq_stmt(s, ST_DIGEST_LAST);
	int		 rc;

	memset(ds, 0, sizeof(*ds));
	sq_bind_text(q, 1, name);
	if ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		ds->id = sqlite3_column_int64(q, 0);
		ds->slot = sqlite3_column_int64(q, 1);
		ds->created = sqlite3_column_int64(q, 2);
		ds->after_seq = sqlite3_column_int64(q, 3);
		ds->upto_seq = sqlite3_column_int64(q, 4);
		ds->sent = sqlite3_column_int64(q, 5);
		ds->attempts = sqlite3_column_int(q, 6);
		ds->next_try = sqlite3_column_int64(q, 7);
		ds->error = sq_col_strdup(q, 8);
	}
	sqlite3_reset(q);
	if (rc == SQLITE_ROW)
		return 1;
	return rc == SQLITE_DONE ? 0 : sq_fail(s, "reading digests");
}

int
sq_digest_add(struct store *st, const char *name, struct digest_state *ds)
{
	struct sqlstore	*s = sq(st);
	sqlite3_stmt	*q = sq_stmt(s, ST_DIGEST_ADD);

	sqlite3_bind_int64(q, 1, ds->slot);
	sqlite3_bind_int64(q, 2, ds->created);
	sqlite3_bind_int64(q, 3, ds->after_seq);
	sqlite3_bind_int64(q, 4, ds->upto_seq);
	sqlite3_bind_int64(q, 5, ds->sent);
	sqlite3_bind_int(q, 6, ds->attempts);
	sqlite3_bind_int64(q, 7, ds->next_try);
	sq_bind_text(q, 8, ds->error);
	sq_bind_text(q, 9, name);
	if (sq_exec(s, q, "recording a digest") == -1)
		return -1;
	ds->id = sqlite3_last_insert_rowid(s->db);
	return 0;
}

int
sq_digest_update(struct store *st, const struct digest_state *ds)
{
	struct sqlstore	*s = sq(st);
	sqlite3_stmt	*q = sq_stmt(s, ST_DIGEST_UPDATE);

	sqlite3_bind_int64(q, 1, ds->id);
	sqlite3_bind_int64(q, 2, ds->sent);
	sqlite3_bind_int(q, 3, ds->attempts);
	sqlite3_bind_int64(q, 4, ds->next_try);
	sq_bind_text(q, 5, ds->error);
	return sq_exec(s, q, "updating a digest");
}

int
sq_totals(struct store *st, struct store_totals *t)
{
	struct sqlstore	*s = sq(st);
	sqlite3_stmt	*q = sq_stmt(s, ST_TOTAL_FEEDS);
	int		 rc;

	memset(t, 0, sizeof(*t));
	if ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		t->feeds = sqlite3_column_int64(q, 0);
		t->failing = sqlite3_column_int64(q, 1);
		t->gone = sqlite3_column_int64(q, 2);
	}
	sqlite3_reset(q);
	if (rc != SQLITE_ROW)
		return sq_fail(s, "counting feeds");
	q = sq_stmt(s, ST_TOTAL_ENTRIES);
	if ((rc = sqlite3_step(q)) == SQLITE_ROW)
		t->entries = sqlite3_column_int64(q, 0);
	sqlite3_reset(q);
	return rc == SQLITE_ROW ? 0 : sq_fail(s, "counting entries");
}

/* ---- hooks ---- */

int
sq_hook_get(struct store *st, const char *name, struct hook_state *hs)
{
	struct sqlstore	*s = sq(st);
	sqlite3_stmt	*q = sq_stmt(s, ST_HOOK_GET);
	int		 rc;

	memset(hs, 0, sizeof(*hs));
	sq_bind_text(q, 1, name);
	if ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		hs->mark = sqlite3_column_int64(q, 0);
		hs->failures = sqlite3_column_int(q, 1);
		hs->failing_since = sqlite3_column_int64(q, 2);
		hs->next_try = sqlite3_column_int64(q, 3);
		hs->last_success = sqlite3_column_int64(q, 4);
		hs->last_error = sq_col_strdup(q, 5);
		hs->delivered = sqlite3_column_int64(q, 6);
	}
	sqlite3_reset(q);
	sqlite3_clear_bindings(q);
	if (rc == SQLITE_ROW)
		return 1;
	return rc == SQLITE_DONE ? 0 : sq_fail(s, "reading a hook");
}

int
sq_hook_put(struct store *st, const char *name, const struct hook_state *hs)
{
	struct sqlstore	*s = sq(st);
	sqlite3_stmt	*q = sq_stmt(s, ST_HOOK_PUT);

	sq_bind_text(q, 1, name);
	sqlite3_bind_int64(q, 2, hs->mark);
	sqlite3_bind_int(q, 3, hs->failures);
	sqlite3_bind_int64(q, 4, hs->failing_since);
	sqlite3_bind_int64(q, 5, hs->next_try);
	sqlite3_bind_int64(q, 6, hs->last_success);
	sq_bind_text(q, 7, hs->last_error);
	sqlite3_bind_int64(q, 8, hs->delivered);
	return sq_exec(s, q, "recording a hook");
}
