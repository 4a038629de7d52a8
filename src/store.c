/*
 * store.c: the SQLite store.  Every SQL statement of feedmux is here.
 *
 * Statements are prepared once per connection and bound, never built by
 * formatting.  One fetch is one transaction (store_begin .. store_commit)
 * holding its entries, validators and schedule together.
 */
#include "config.h"

#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <sqlite3.h>

#include "checkpoint.h"
#include "log.h"
#include "store.h"
#include "url.h"
#include "util.h"

/* A tombstone not matched by any fetch for this long is forgotten. */
#define TOMBSTONE_TTL	(180 * 86400)
/* Churn is judged on fetches with at least this many entries. */
#define CHURN_MIN	4

/*
 * Migrations: entry i brings user_version i to i + 1.  Never edit one that
 * has shipped; add a new one.
 */
static const char *const migrations[] = {
	/* 0 -> 1: feeds, entries, digests */
	"CREATE TABLE state(seq INTEGER NOT NULL, generation INTEGER NOT NULL);"
	"INSERT INTO state VALUES(0, 0);"
	"CREATE TABLE feeds("
	" id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE,"
	" conf_url TEXT NOT NULL, url TEXT NOT NULL,"
	" conf_title TEXT, category TEXT, enabled INTEGER NOT NULL DEFAULT 1,"
	" title TEXT, link TEXT, etag TEXT, last_modified TEXT,"
	" last_poll INTEGER NOT NULL DEFAULT 0,"
	" last_success INTEGER NOT NULL DEFAULT 0,"
	" last_new INTEGER NOT NULL DEFAULT 0,"
	" next_poll INTEGER NOT NULL DEFAULT 0, next_reason TEXT,"
	" last_status INTEGER NOT NULL DEFAULT 0,"
	" failures INTEGER NOT NULL DEFAULT 0,"
	" failing_since INTEGER NOT NULL DEFAULT 0, last_error TEXT,"
	" gone INTEGER NOT NULL DEFAULT 0, malformed INTEGER NOT NULL DEFAULT 0,"
	" key_churn INTEGER NOT NULL DEFAULT 0,"
	" ttl INTEGER NOT NULL DEFAULT 0, sy_period INTEGER NOT NULL DEFAULT 0,"
	" sy_frequency INTEGER NOT NULL DEFAULT 0,"
	" skip_hours INTEGER NOT NULL DEFAULT 0,"
	" skip_days INTEGER NOT NULL DEFAULT 0,"
	" max_age INTEGER NOT NULL DEFAULT 0);"
	"CREATE TABLE entries("
	" id INTEGER PRIMARY KEY, feed INTEGER NOT NULL REFERENCES feeds(id),"
	" key TEXT NOT NULL, guid TEXT, gid TEXT, title TEXT, link TEXT,"
	" canon TEXT, author TEXT, summary TEXT, content TEXT,"
	" categories BLOB, enclosures BLOB, published INTEGER, updated INTEGER,"
	" first_seen INTEGER NOT NULL, changed INTEGER NOT NULL,"
	" sort_date INTEGER NOT NULL, seq INTEGER NOT NULL,"
	" hash INTEGER NOT NULL, UNIQUE(feed, key));"
	"CREATE INDEX entries_sort ON entries(sort_date);"
	"CREATE INDEX entries_seq ON entries(seq);"
	"CREATE INDEX entries_canon ON entries(canon) WHERE canon IS NOT NULL;"
	"CREATE INDEX entries_gid ON entries(gid) WHERE gid IS NOT NULL;"
	"CREATE TABLE digests("
	" id INTEGER PRIMARY KEY, slot INTEGER NOT NULL, created INTEGER NOT NULL,"
	" after_seq INTEGER NOT NULL, upto_seq INTEGER NOT NULL,"
	" sent INTEGER NOT NULL DEFAULT 0, attempts INTEGER NOT NULL DEFAULT 0,"
	" next_try INTEGER NOT NULL DEFAULT 0, error TEXT);",

	/* 1 -> 2: tombstones of pruned entries, update tracking */
	"ALTER TABLE entries ADD COLUMN khash INTEGER NOT NULL DEFAULT 0;"
	"UPDATE entries SET khash = fm_hash(key);"
	"ALTER TABLE entries ADD COLUMN changed_seq INTEGER NOT NULL DEFAULT 0;"
	"CREATE TABLE tombstones(feed INTEGER NOT NULL, khash INTEGER NOT NULL,"
	" seen INTEGER NOT NULL, PRIMARY KEY(feed, khash)) WITHOUT ROWID;",

	/*
	 * 2 -> 3: an entry's rowid is its seq, so ranges of seq are rowid
	 * ranges and need no index of their own (one b-tree less to write
	 * per new entry).  Through negatives, as rowids must stay unique.
	 * Changed entries get a small partial index for digests of updates.
	 */
	"DROP INDEX entries_seq;"
	"UPDATE entries SET id = -seq;"
	"UPDATE entries SET id = -id;"
	"UPDATE state SET seq = max(seq,"
	" (SELECT coalesce(max(id), 0) FROM entries));"
	"CREATE INDEX entries_changed ON entries(changed_seq)"
	" WHERE changed_seq > 0;",

	/*
	 * 3 -> 4: the content hash reads eight bytes a step (see
	 * content_hash), over the columns as stored, so it can be
	 * recomputed here and an upgrade marks nothing as changed.
	 */
	"UPDATE entries SET hash = fm_entry_hash(title, link, author, summary,"
	" content, published, updated, categories, enclosures);",

	/* 4 -> 5: when the daily retention pass last ran */
	"ALTER TABLE state ADD COLUMN pruned INTEGER NOT NULL DEFAULT 0;",

	/*
	 * 5 -> 6: an entry's author_email and thumbnail, hashed with the
	 * rest (recomputed: an upgrade marks nothing as changed); a feed's
	 * own date for atom:source; entries of one date in the order they
	 * came (rowid ascending), read from the index without a sort.
	 */
	"ALTER TABLE entries ADD COLUMN author_email TEXT;"
	"ALTER TABLE entries ADD COLUMN thumbnail TEXT;"
	"ALTER TABLE feeds ADD COLUMN updated INTEGER;"
	"UPDATE feeds SET updated = nullif(last_success, 0);"
	"UPDATE entries SET hash = fm_entry_hash(title, link, author, summary,"
	" content, published, updated, categories, enclosures, author_email,"
	" thumbnail);"
	"DROP INDEX entries_sort;"
	"CREATE INDEX entries_sort ON entries(sort_date, id DESC);",

	/*
	 * 6 -> 7: a mark per hook: every entry whose id (= seq) is at or
	 * below it was delivered (or passed over by its filters).
	 */
	"CREATE TABLE hooks(name TEXT PRIMARY KEY, mark INTEGER NOT NULL,"
	" failures INTEGER NOT NULL DEFAULT 0,"
	" failing_since INTEGER NOT NULL DEFAULT 0,"
	" next_try INTEGER NOT NULL DEFAULT 0,"
	" last_success INTEGER NOT NULL DEFAULT 0, last_error TEXT,"
	" delivered INTEGER NOT NULL DEFAULT 0);",
};
#define SCHEMA_VERSION	((int)nitems(migrations))

#define FEED_COLS \
	"id, name, url, conf_url, title, link, etag, last_modified, last_poll," \
	" last_success, last_new, next_poll, next_reason, last_status," \
	" failures, failing_since, last_error, gone, malformed, key_churn," \
	" ttl, sy_period, sy_frequency, skip_hours, skip_days, max_age," \
	" (SELECT count(*) FROM entries e WHERE e.feed = feeds.id)"

#define ENTRY_COLS \
	"e.id, e.seq, f.name, coalesce(f.conf_title, f.title, f.name), f.link," \
	" f.url, f.category, e.guid, e.key, e.title, e.link, e.author," \
	" e.summary, e.content, e.published, e.updated, e.first_seen," \
	" e.sort_date, e.categories, e.enclosures, e.feed, e.canon, e.gid," \
	" e.author_email, e.thumbnail," \
	" f.updated"

enum stmt {
	ST_BEGIN, ST_COMMIT, ST_ROLLBACK, ST_STATE_GET, ST_STATE_SET,
	ST_ENTRY_FIND, ST_FEED_HAS, ST_TOMB_FIND, ST_TOMB_TOUCH, ST_LINK_KNOWN,
	ST_UPSERT, ST_PRUNE_AGE, ST_PRUNE_MAX, ST_TOMB_ADD, ST_TOMB_EXPIRE, ST_FEED_SYNC, ST_FEED_ENABLED, ST_FEED_ALL,
	ST_FEED_DISABLE, ST_FEED_GET, ST_FEED_PUT, ST_FEED_META, ST_FEED_CHURN,
	ST_FEED_LASTNEW, ST_FEED_COUNT, ST_PRUNED_GET, ST_PRUNED_SET, ST_DUPS,
	ST_DIGEST_LAST, ST_DIGEST_ADD,
	ST_DIGEST_UPDATE, ST_TOTAL_FEEDS, ST_TOTAL_ENTRIES, ST_HOOK_GET,
	ST_HOOK_PUT, ST__MAX
};

static const char *const sql[ST__MAX] = {
	[ST_BEGIN] = "BEGIN IMMEDIATE",
	[ST_COMMIT] = "COMMIT",
	[ST_ROLLBACK] = "ROLLBACK",
	[ST_STATE_GET] = "SELECT seq, generation FROM state",
	[ST_STATE_SET] = "UPDATE state SET seq = ?1, generation = generation + ?2",
	[ST_ENTRY_FIND] = "SELECT hash FROM entries WHERE feed = ?1 AND key = ?2",
	[ST_FEED_HAS] = "SELECT EXISTS(SELECT 1 FROM tombstones WHERE feed = ?1),"
	    " EXISTS(SELECT 1 FROM entries WHERE feed = ?1)",
	[ST_TOMB_FIND] = "SELECT seen FROM tombstones WHERE feed = ?1 AND khash = ?2",
	[ST_TOMB_TOUCH] = "UPDATE tombstones SET seen = ?3"
	    " WHERE feed = ?1 AND khash = ?2",
	[ST_LINK_KNOWN] = "SELECT 1 FROM entries WHERE canon = ?2 AND feed = ?1"
	    " LIMIT 1",
	[ST_UPSERT] = "INSERT INTO entries(id, feed, key, khash, guid, gid, title,"
	    " link, canon, author, summary, content, categories, enclosures,"
	    " published, updated, first_seen, changed, sort_date, seq,"
	    " changed_seq, hash, author_email, thumbnail) VALUES(?18, ?1, ?2,"
	    " ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16,"
	    " ?16, ?17, ?18, 0, ?19, ?20, ?21)"
	    " ON CONFLICT(feed, key) DO UPDATE SET guid = excluded.guid,"
	    " gid = excluded.gid, title = excluded.title, link = excluded.link,"
	    " canon = excluded.canon, author = excluded.author,"
	    " author_email = excluded.author_email,"
	    " thumbnail = excluded.thumbnail,"
	    " summary = excluded.summary, content = excluded.content,"
	    " categories = excluded.categories,"
	    " enclosures = excluded.enclosures,"
	    " published = excluded.published, updated = excluded.updated,"
	    " changed = excluded.changed,"
	    " sort_date = min(excluded.sort_date, entries.first_seen),"
	    " changed_seq = excluded.seq, hash = excluded.hash"
	    " WHERE entries.hash != excluded.hash",
	/* One pass each: the rows deleted come back for their tombstones. */
	[ST_PRUNE_AGE] = "DELETE FROM entries WHERE feed = ?1 AND first_seen < ?2"
	    " RETURNING khash",
	[ST_PRUNE_MAX] = "DELETE FROM entries WHERE id IN (SELECT id FROM entries"
	    " WHERE feed = ?1 ORDER BY sort_date DESC, id"
	    " LIMIT -1 OFFSET ?2) RETURNING khash",
	[ST_TOMB_ADD] = "INSERT OR IGNORE INTO tombstones(feed, khash, seen)"
	    " VALUES(?1, ?2, ?3)",
	[ST_TOMB_EXPIRE] = "DELETE FROM tombstones WHERE feed = ?1 AND seen < ?2",
	[ST_FEED_SYNC] = "INSERT INTO feeds(name, conf_url, url, conf_title,"
	    " category, enabled) VALUES(?1, ?2, ?2, ?3, ?4, ?5)"
	    " ON CONFLICT(name) DO UPDATE SET"
	    " url = iif(feeds.conf_url = excluded.conf_url, feeds.url,"
	    "  excluded.url),"
	    " etag = iif(feeds.conf_url = excluded.conf_url, feeds.etag, NULL),"
	    " last_modified = iif(feeds.conf_url = excluded.conf_url,"
	    "  feeds.last_modified, NULL),"
	    " gone = iif(feeds.conf_url = excluded.conf_url, feeds.gone, 0),"
	    " conf_url = excluded.conf_url, conf_title = excluded.conf_title,"
	    " category = excluded.category, enabled = excluded.enabled"
	    " WHERE feeds.conf_url IS NOT excluded.conf_url"
	    " OR feeds.conf_title IS NOT excluded.conf_title"
	    " OR feeds.category IS NOT excluded.category"
	    " OR feeds.enabled IS NOT excluded.enabled",
	[ST_FEED_ENABLED] = "SELECT name FROM feeds WHERE enabled = 1",
	[ST_FEED_ALL] = "SELECT id, name FROM feeds ORDER BY id",
	[ST_FEED_DISABLE] = "UPDATE feeds SET enabled = 0 WHERE name = ?1",
	[ST_FEED_GET] = "SELECT " FEED_COLS " FROM feeds WHERE name = ?1",
	[ST_FEED_PUT] = "UPDATE feeds SET url = ?2, etag = ?3,"
	    " last_modified = ?4, last_poll = ?5, last_success = ?6,"
	    " last_new = max(last_new, ?7), next_poll = ?8, next_reason = ?9,"
	    " last_status = ?10, failures = ?11, failing_since = ?12,"
	    " last_error = ?13, gone = ?14, malformed = ?15, max_age = ?16"
	    " WHERE id = ?1",
	[ST_FEED_META] = "UPDATE feeds SET title = ?2, link = ?3, ttl = ?4,"
	    " sy_period = ?5, sy_frequency = ?6, skip_hours = ?7,"
	    " skip_days = ?8, updated = coalesce(?9, updated)"
	    " WHERE id = ?1 AND (title IS NOT ?2"
	    " OR link IS NOT ?3 OR ttl != ?4 OR sy_period != ?5"
	    " OR sy_frequency != ?6 OR skip_hours != ?7 OR skip_days != ?8"
	    " OR coalesce(?9, updated) IS NOT updated)",
	[ST_FEED_CHURN] = "UPDATE feeds SET key_churn = ?2 WHERE id = ?1",
	[ST_FEED_LASTNEW] = "UPDATE feeds SET last_new = max(last_new, ?2)"
	    " WHERE id = ?1",
	[ST_FEED_COUNT] = "SELECT count(*) FROM entries WHERE feed = ?1",
	[ST_PRUNED_GET] = "SELECT pruned FROM state",
	[ST_PRUNED_SET] = "UPDATE state SET pruned = ?1",
	[ST_DUPS] = "SELECT e.id, e.first_seen, e.seq, f.name FROM entries e"
	    " JOIN feeds f ON f.id = e.feed WHERE f.enabled = 1"
	    " AND e.feed != ?1 AND (e.canon IN (?2, ?3) OR e.gid IN (?2, ?3))",
	[ST_DIGEST_LAST] = "SELECT id, slot, created, after_seq, upto_seq, sent,"
	    " attempts, next_try, error FROM digests ORDER BY id DESC LIMIT 1",
	[ST_DIGEST_ADD] = "INSERT INTO digests(slot, created, after_seq,"
	    " upto_seq, sent, attempts, next_try, error)"
	    " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
	[ST_DIGEST_UPDATE] = "UPDATE digests SET sent = ?2, attempts = ?3,"
	    " next_try = ?4, error = ?5 WHERE id = ?1",
	[ST_TOTAL_FEEDS] = "SELECT count(*), coalesce(sum(failures > 0), 0),"
	    " coalesce(sum(gone), 0) FROM feeds WHERE enabled = 1",
	[ST_TOTAL_ENTRIES] = "SELECT count(*) FROM entries",
	[ST_HOOK_GET] = "SELECT mark, failures, failing_since, next_try,"
	    " last_success, last_error, delivered FROM hooks WHERE name = ?1",
	[ST_HOOK_PUT] = "INSERT INTO hooks(name, mark, failures, failing_since,"
	    " next_try, last_success, last_error, delivered)"
	    " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"
	    " ON CONFLICT(name) DO UPDATE SET mark = excluded.mark,"
	    " failures = excluded.failures,"
	    " failing_since = excluded.failing_since,"
	    " next_try = excluded.next_try,"
	    " last_success = excluded.last_success,"
	    " last_error = excluded.last_error, delivered = excluded.delivered",
};

/* Keys seen in the current transaction: key hash -> link hash. */
struct keyset {
	uint64_t	*k, *v;
	size_t		 n, cap;	/* cap: a power of two */
};

struct store {
	sqlite3		*db;
	struct checkpointer *ckpt;	/* NULL: SQLite's autocheckpoint */
	sqlite3_stmt	*st[ST__MAX];
	char		 err[512];
	int		 in_txn;
	int64_t		 seq;		/* loaded by store_begin */
	int64_t		 seq0;
	int		 dirty;		/* outputs would change */
	int		 pruned;
	/* The feed being written and what its fetch showed so far. */
	int64_t		 feed;
	int		 feed_tombs;	/* the feed has tombstones */
	int		 feed_empty;	/* had no entries when the fetch began */
	int		 nput, nkeynew, nlinkknown, nnew;
	int64_t		 feed_newest;	/* when it last changed, as seen */
	int64_t		 now;
	struct keyset	 batch;
	/* Scratch, reused: no allocation per entry. */
	struct buf	 key, canon, gid, cats, encs;
	/* For reading entries back. */
	const char	**vcats;
	size_t		 nvcats;
	struct enclosure *vencs;
	size_t		 nvencs;
	/* The same, for store_dups_before inside a store_after callback. */
	const char	**dcats;
	size_t		 ndcats;
	struct enclosure *dencs;
	size_t		 ndencs;
	const char	**valso;
	size_t		 nvalso;
	struct buf	 also;
	char		*path;
};

/* FNV-1a, 64 bits: keys and content are hashed to compare them cheaply. */
#define FNV_INIT	UINT64_C(0xcbf29ce484222325)
static uint64_t
fnv(uint64_t h, const void *p, size_t n)
{
	const unsigned char *c = p;

	while (n-- > 0) {
		h ^= *c++;
		h *= UINT64_C(0x100000001b3);
	}
	return h;
}

/* A field and its end, so ("ab","c") and ("a","bc") differ. */
static uint64_t
fnv_str(uint64_t h, const char *s)
{
	if (s != NULL)
		h = fnv(h, s, strlen(s) + 1);
	else
		h = fnv(h, "\xff", 1);
	return h;
}

static uint64_t
fnv_int(uint64_t h, int64_t v)
{
	return fnv(h, &v, sizeof(v));
}

static void
sql_fm_hash(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const unsigned char *s = sqlite3_value_text(argv[0]);

	sqlite3_result_int64(ctx, (int64_t)fnv_str(FNV_INIT, (const char *)s));
}

/*
 * The content hash that tells a changed entry from an unchanged one.  It
 * reads eight bytes a step where FNV-1a reads one: every entry of every
 * fetch is hashed, and summaries run to kilobytes.  Each step is a
 * bijection of the state for a given word, so two inputs that differ in
 * one word never collide.  Words are read little-endian whatever the host,
 * as the hashes are stored.  Keys keep FNV-1a: tombstones store those.
 */
#define CH_MUL	UINT64_C(0x9fb21c651e98df25)

static uint64_t
ch_step(uint64_t h, uint64_t w)
{
	h = (h ^ w) * CH_MUL;
	return h ^ (h >> 32);
}

static uint64_t
ch_bytes(uint64_t h, const void *p, size_t n)
{
	const unsigned char *c = p;
	uint64_t	 w;
	size_t		 i;

	h = ch_step(h, n);		/* lengths keep fields apart */
	for (; n >= 8; c += 8, n -= 8) {
		w = (uint64_t)c[0] | (uint64_t)c[1] << 8 |
		    (uint64_t)c[2] << 16 | (uint64_t)c[3] << 24 |
		    (uint64_t)c[4] << 32 | (uint64_t)c[5] << 40 |
		    (uint64_t)c[6] << 48 | (uint64_t)c[7] << 56;
		h = ch_step(h, w);
	}
	for (w = 0, i = 0; i < n; i++)
		w |= (uint64_t)c[i] << (8 * i);
	return ch_step(h, w);
}

/* A text or blob field; NULL differs from "" by its own length mark. */
static uint64_t
ch_field(uint64_t h, const void *p, size_t n)
{
	return p == NULL ? ch_step(h, UINT64_MAX) : ch_bytes(h, p, n);
}

static uint64_t
ch_int(uint64_t h, int isnull, int64_t v)
{
	return isnull ? ch_step(h, UINT64_MAX - 1) :
	    ch_step(ch_step(h, 0), (uint64_t)v);
}

/*
 * fm_entry_hash(title, link, author, summary, content, published, updated,
 * categories, enclosures[, author_email, thumbnail]): content_hash() of a
 * stored row, for migrations (the two last since version 6).
 */
static void
sql_fm_entry_hash(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	uint64_t	 h = FNV_INIT;
	int		 i;

	for (i = 0; i < argc; i++) {
		switch (sqlite3_value_type(argv[i])) {
		case SQLITE_NULL:
			h = i == 5 || i == 6 ? ch_int(h, 1, 0) :
			    ch_field(h, NULL, 0);
			break;
		case SQLITE_INTEGER:
			h = ch_int(h, 0, sqlite3_value_int64(argv[i]));
			break;
		case SQLITE_BLOB:
			h = ch_field(h, sqlite3_value_blob(argv[i]),
			    (size_t)sqlite3_value_bytes(argv[i]));
			break;
		default:
			h = ch_field(h, sqlite3_value_text(argv[i]),
			    (size_t)sqlite3_value_bytes(argv[i]));
			break;
		}
	}
	sqlite3_result_int64(ctx, (int64_t)h);
}

/* Set when SQLite reports a damaged file, on any connection or thread. */
static volatile sig_atomic_t damaged;

static int
is_damage(int code)
{
	return (code & 0xff) == SQLITE_CORRUPT || (code & 0xff) == SQLITE_NOTADB;
}

/* SQLite's error log sees every failing statement, reported or not. */
static void
sqlite_log(void *arg, int code, const char *msg)
{
	if (is_damage(code))
		damaged = 1;
}

int
store_damaged(void)
{
	return damaged;
}

/*
 * A damaged file gets the same message from every statement and command:
 * one thing to do about it, whatever was being done.
 */
static int
damage_msg(struct store *s)
{
	if (s->db == NULL || !is_damage(sqlite3_errcode(s->db)))
		return 0;
	damaged = 1;
	snprintf(s->err, sizeof(s->err), "%s: %s (%s)", s->path,
	    STORE_DAMAGED, sqlite3_errmsg(s->db));
	return 1;
}

static int
store_fail(struct store *s, const char *what)
{
	if (!damage_msg(s))
		snprintf(s->err, sizeof(s->err), "%s: %s", what,
		    sqlite3_errmsg(s->db));
	return -1;
}

static sqlite3_stmt *
stmt(struct store *s, enum stmt i)
{
	if (s->st[i] == NULL && sqlite3_prepare_v3(s->db, sql[i], -1,
	    SQLITE_PREPARE_PERSISTENT, &s->st[i], NULL) != SQLITE_OK) {
		/* Our own SQL failing to compile is a bug, not a condition. */
		fatalx("store: preparing \"%.40s\": %s", sql[i],
		    sqlite3_errmsg(s->db));
	}
	return s->st[i];
}

/* Run a statement that returns no rows; resets it. */
static int
exec_stmt(struct store *s, sqlite3_stmt *q, const char *what)
{
	int	 rc;

	while ((rc = sqlite3_step(q)) == SQLITE_ROW)
		;
	sqlite3_reset(q);
	sqlite3_clear_bindings(q);
	return rc == SQLITE_DONE ? 0 : store_fail(s, what);
}

static int
exec_sql(struct store *s, const char *text)
{
	char	*msg = NULL;

	if (sqlite3_exec(s->db, text, NULL, NULL, &msg) != SQLITE_OK) {
		if (!damage_msg(s))
			snprintf(s->err, sizeof(s->err), "%s", msg ? msg : "?");
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

static void
bind_text(sqlite3_stmt *q, int i, const char *v)
{
	if (v == NULL)
		sqlite3_bind_null(q, i);
	else
		sqlite3_bind_text(q, i, v, -1, SQLITE_STATIC);
}

static void
bind_date(sqlite3_stmt *q, int i, int64_t t)
{
	if (t == DATE_NONE)
		sqlite3_bind_null(q, i);
	else
		sqlite3_bind_int64(q, i, t);
}

static char *
col_strdup(sqlite3_stmt *q, int i)
{
	const unsigned char *v = sqlite3_column_text(q, i);

	return v != NULL ? xstrdup((const char *)v) : NULL;
}

static int64_t
col_date(sqlite3_stmt *q, int i)
{
	if (sqlite3_column_type(q, i) == SQLITE_NULL)
		return DATE_NONE;
	return sqlite3_column_int64(q, i);
}

/* ---- opening and migrations ---- */

static int
user_version(struct store *s, int *v)
{
	sqlite3_stmt	*q;
	int		 rc;

	if (sqlite3_prepare_v2(s->db, "PRAGMA user_version", -1, &q, NULL) !=
	    SQLITE_OK)
		return store_fail(s, "reading the schema version");
	rc = sqlite3_step(q);
	*v = rc == SQLITE_ROW ? sqlite3_column_int(q, 0) : 0;
	sqlite3_finalize(q);
	return rc == SQLITE_ROW ? 0 : store_fail(s, "reading the schema version");
}

static int
migrate(struct store *s, const char *path, int target)
{
	char	 setv[64];
	int	 v, i;

	if (user_version(s, &v) == -1)
		return -1;
	if (v > SCHEMA_VERSION) {
		snprintf(s->err, sizeof(s->err), "%s: database schema version %d "
		    "is newer than this feedmux supports (version %d); "
		    "use a newer feedmux", path, v, SCHEMA_VERSION);
		return -1;
	}
	if (v >= target)
		return 0;
	if (exec_sql(s, "BEGIN IMMEDIATE") == -1)
		return -1;
	/* Another process may have migrated while we waited for the lock. */
	if (user_version(s, &v) == -1)
		goto fail;
	for (i = v; i < target; i++) {
		if (exec_sql(s, migrations[i]) == -1)
			goto fail;
	}
	/* PRAGMA takes no parameters; target is our own integer. */
	snprintf(setv, sizeof(setv), "PRAGMA user_version = %d", target);
	if (exec_sql(s, setv) == -1 || exec_sql(s, "COMMIT") == -1)
		goto fail;
	if (v > 0)
		log_info("%s: schema migrated from version %d to %d", path, v,
		    target);
	return 0;
fail:
	sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	return -1;
}

int
store_schema_version(void)
{
	return SCHEMA_VERSION;
}

/*
 * Process-wide, before SQLite's first use: its allocation statistics take
 * a global mutex on every malloc, and nothing here reads them.
 */
static void
sqlite_setup(void)
{
	static int	 done;

	if (!done) {
		sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
		sqlite3_config(SQLITE_CONFIG_LOG, sqlite_log, NULL);
		done = 1;
	}
}

/*
 * A read-only open for a database we may not write (a 0444 file, a
 * read-only directory): no pragmas that write, no migration.  Without a
 * -wal file and no way to create one, nobody is writing it, and SQLite
 * is told so (immutable), since it cannot make its -shm file either.
 */
static int
open_readonly(struct store *s, const char *path)
{
	struct buf	 uri = { NULL, 0, 0 };
	char		*dir, *slash, *wal;
	int		 immutable, rc;
	const char	*p;

	dir = xstrdup(path);
	if ((slash = strrchr(dir, '/')) != NULL)
		*(slash == dir ? slash + 1 : slash) = '\0';
	else
		strcpy(dir, ".");
	xasprintf(&wal, "%s-wal", path);
	immutable = access(dir, W_OK) != 0 && access(wal, F_OK) != 0;
	free(wal);
	free(dir);
	/* A URI: '%', '?' and '#' in the path are escaped. */
	buf_adds(&uri, "file:");
	for (p = path; *p != '\0'; p++)
		if (*p == '%' || *p == '?' || *p == '#')
			buf_printf(&uri, "%%%02X", (unsigned char)*p);
		else
			buf_addc(&uri, *p);
	buf_adds(&uri, immutable ? "?mode=ro&immutable=1" : "?mode=ro");
	rc = sqlite3_open_v2(uri.s, &s->db, SQLITE_OPEN_READONLY |
	    SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX, NULL);
	buf_free(&uri);
	return rc;
}

static int
check_readonly_version(struct store *s, const char *path)
{
	int	 v;

	if (user_version(s, &v) == -1)
		return -1;
	if (v > SCHEMA_VERSION)
		snprintf(s->err, sizeof(s->err), "%s: database schema version "
		    "%d is newer than this feedmux supports (version %d); use "
		    "a newer feedmux", path, v, SCHEMA_VERSION);
	else if (v < SCHEMA_VERSION)
		snprintf(s->err, sizeof(s->err), "%s: read-only database at "
		    "schema version %d (this feedmux reads %d): run feedmux "
		    "poll once with write access to migrate it", path, v,
		    SCHEMA_VERSION);
	else
		return 0;
	return -1;
}

static struct store *
open_db(const char *path, int target, int ro, char *err, size_t errlen)
{
	struct store	*s;
	int		 rc;

	sqlite_setup();
	s = xcalloc(1, sizeof(*s));
	s->path = xstrdup(path);
	if (target <= 0 || target > SCHEMA_VERSION)
		target = SCHEMA_VERSION;
	/* One connection per thread of a single-threaded daemon: no mutex. */
	if (ro)
		rc = open_readonly(s, path);
	else
		rc = sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE |
		    SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		snprintf(err, errlen, "%s: %s", path, s->db != NULL ?
		    sqlite3_errmsg(s->db) : "cannot open");
		store_close(s);
		return NULL;
	}
	sqlite3_busy_timeout(s->db, 10000);
	sqlite3_create_function(s->db, "fm_hash", 1, SQLITE_UTF8 |
	    SQLITE_DETERMINISTIC, NULL, sql_fm_hash, NULL, NULL);
	sqlite3_create_function(s->db, "fm_entry_hash", -1, SQLITE_UTF8 |
	    SQLITE_DETERMINISTIC, NULL, sql_fm_entry_hash, NULL, NULL);
	/*
	 * page_size and auto_vacuum only take before the first write.
	 * 8 KiB pages: entries are around 700 bytes, and a fetch's commit
	 * writes half the WAL frames (and system calls) of 4 KiB pages.
	 * A checkpoint every 2000 pages (16 MiB of WAL): each one costs two
	 * fsyncs, and pages rewritten by many commits (the header, the
	 * state row, index interiors) go to the database once per
	 * checkpoint.  With synchronous = NORMAL, a power cut (not a crash)
	 * can lose the commits since the last checkpoint, atomically: their
	 * validators go with them, so those feeds are fetched again in
	 * full.  A WAL grown past 64 MiB (a burst outrunning the checkpoint
	 * thread) is cut back once checkpointed.  Sorts for outputs stay in
	 * memory.
	 */
	if (ro ? (exec_sql(s, "PRAGMA temp_store = MEMORY") == -1 ||
	    check_readonly_version(s, path) == -1) :
	    (exec_sql(s, "PRAGMA page_size = 8192") == -1 ||
	    exec_sql(s, "PRAGMA auto_vacuum = INCREMENTAL") == -1 ||
	    exec_sql(s, "PRAGMA journal_mode = WAL") == -1 ||
	    exec_sql(s, "PRAGMA synchronous = NORMAL") == -1 ||
	    exec_sql(s, "PRAGMA wal_autocheckpoint = 2000") == -1 ||
	    exec_sql(s, "PRAGMA journal_size_limit = 67108864") == -1 ||
	    exec_sql(s, "PRAGMA temp_store = MEMORY") == -1 ||
	    migrate(s, path, target) == -1)) {
		if (strncmp(s->err, path, strlen(path)) == 0)
			snprintf(err, errlen, "%s", s->err);
		else
			snprintf(err, errlen, "%s: %s", path, s->err);
		store_close(s);
		return NULL;
	}
	return s;
}

struct store *
store_open_version(const char *path, int target, char *err, size_t errlen)
{
	return open_db(path, target, 0, err, errlen);
}

struct store *
store_open(const char *path, char *err, size_t errlen)
{
	return open_db(path, 0, 0, err, errlen);
}

/* May we write path, and create files beside it (-wal, -shm)? */
static int
writable(const char *path)
{
	char	*dir, *slash;
	int	 ok;

	if (access(path, F_OK) == 0 && access(path, W_OK) != 0)
		return 0;
	dir = xstrdup(path);
	if ((slash = strrchr(dir, '/')) != NULL)
		*(slash == dir ? slash + 1 : slash) = '\0';
	else
		strcpy(dir, ".");
	ok = access(dir, W_OK) == 0;
	free(dir);
	return ok;
}

struct store *
store_open_reader(const char *path, char *err, size_t errlen)
{
	return open_db(path, 0, !writable(path), err, errlen);
}

void
store_close(struct store *s)
{
	size_t	 i;

	if (s == NULL)
		return;
	if (s->in_txn)
		store_rollback(s);
	if (s->ckpt != NULL) {
		sqlite3_wal_hook(s->db, NULL, NULL);
		checkpointer_stop(s->ckpt);
	}
	for (i = 0; i < ST__MAX; i++)
		sqlite3_finalize(s->st[i]);
	sqlite3_close(s->db);
	free(s->batch.k);
	free(s->batch.v);
	buf_free(&s->key);
	buf_free(&s->canon);
	buf_free(&s->gid);
	buf_free(&s->cats);
	buf_free(&s->encs);
	buf_free(&s->also);
	free(s->vcats);
	free(s->vencs);
	free(s->dcats);
	free(s->dencs);
	free(s->valso);
	free(s->path);
	free(s);
}

/*
 * For the poller: checkpoints move to a thread (checkpoint.c), so a
 * commit never waits for the fsyncs of one.  Other commands keep
 * SQLite's own autocheckpoint.
 */
int
store_checkpoint_thread(struct store *s, int pages, char *err, size_t errlen)
{
	if (s->ckpt == NULL && (s->ckpt = checkpointer_start(s->db,
	    sqlite3_db_filename(s->db, "main"), pages, err, errlen)) == NULL)
		return -1;
	return 0;
}

/*
 * Everything in the WAL into the database file, now.  While another
 * checkpoint runs (the thread's) SQLite answers busy without calling the
 * busy handler, so wait here, as long as the busy timeout would.
 */
int
store_checkpoint(struct store *s)
{
	int	 rc, tries = 0;

	while ((rc = sqlite3_wal_checkpoint_v2(s->db, NULL,
	    SQLITE_CHECKPOINT_FULL, NULL, NULL)) == SQLITE_BUSY &&
	    tries++ < 1000)
		usleep(10000);
	if (rc != SQLITE_OK)
		return store_fail(s, "checkpoint");
	return 0;
}

const char *
store_error(struct store *s)
{
	return s->err;
}

/* ---- feeds ---- */

void
feed_state_free(struct feed_state *fs)
{
	if (fs == NULL)
		return;
	free(fs->name);
	free(fs->url);
	free(fs->conf_url);
	free(fs->title);
	free(fs->link);
	free(fs->etag);
	free(fs->last_modified);
	free(fs->next_reason);
	free(fs->last_error);
	memset(fs, 0, sizeof(*fs));
}

static void
feed_from_row(sqlite3_stmt *q, struct feed_state *fs)
{
	memset(fs, 0, sizeof(*fs));
	fs->id = sqlite3_column_int64(q, 0);
	fs->name = col_strdup(q, 1);
	fs->url = col_strdup(q, 2);
	fs->conf_url = col_strdup(q, 3);
	fs->title = col_strdup(q, 4);
	fs->link = col_strdup(q, 5);
	fs->etag = col_strdup(q, 6);
	fs->last_modified = col_strdup(q, 7);
	fs->last_poll = sqlite3_column_int64(q, 8);
	fs->last_success = sqlite3_column_int64(q, 9);
	fs->last_new = sqlite3_column_int64(q, 10);
	fs->next_poll = sqlite3_column_int64(q, 11);
	fs->next_reason = col_strdup(q, 12);
	fs->last_status = sqlite3_column_int(q, 13);
	fs->failures = sqlite3_column_int(q, 14);
	fs->failing_since = sqlite3_column_int64(q, 15);
	fs->last_error = col_strdup(q, 16);
	fs->gone = sqlite3_column_int(q, 17);
	fs->malformed = sqlite3_column_int(q, 18);
	fs->key_churn = sqlite3_column_int(q, 19);
	fs->ttl = sqlite3_column_int(q, 20);
	fs->sy_period = sqlite3_column_int64(q, 21);
	fs->sy_frequency = sqlite3_column_int(q, 22);
	fs->skip_hours = (uint32_t)sqlite3_column_int64(q, 23);
	fs->skip_days = (uint8_t)sqlite3_column_int(q, 24);
	fs->max_age = sqlite3_column_int64(q, 25);
	fs->entries = sqlite3_column_int64(q, 26);
}

static int
sync_one(struct store *s, const struct feed_conf *fc)
{
	sqlite3_stmt	*q = stmt(s, ST_FEED_SYNC);

	bind_text(q, 1, fc->name);
	bind_text(q, 2, fc->url);
	bind_text(q, 3, fc->title);
	bind_text(q, 4, fc->category);
	sqlite3_bind_int(q, 5, fc->enabled ? 1 : 0);
	if (exec_stmt(s, q, "syncing feeds") == -1)
		return -1;
	if (sqlite3_changes(s->db) > 0)
		s->dirty = 1;
	return 0;
}

/* Feeds enabled in the database but absent from the config. */
static int
disable_unlisted(struct store *s, const struct conf *conf)
{
	sqlite3_stmt	*q = stmt(s, ST_FEED_ENABLED);
	char		**gone = NULL;
	size_t		 ngone = 0, i;
	int		 rc, ret = 0;

	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(q, 0);

		if (conf_feed(conf, name) != NULL)
			continue;
		gone = xreallocarray(gone, ngone + 1, sizeof(*gone));
		gone[ngone++] = xstrdup(name);
	}
	sqlite3_reset(q);
	if (rc != SQLITE_DONE)
		ret = store_fail(s, "listing feeds");
	for (i = 0; i < ngone; i++) {
		q = stmt(s, ST_FEED_DISABLE);
		bind_text(q, 1, gone[i]);
		if (ret == 0 && exec_stmt(s, q, "disabling a feed") == -1)
			ret = -1;
		s->dirty = 1;
		free(gone[i]);
	}
	free(gone);
	return ret;
}

int
store_sync_feeds(struct store *s, const struct conf *conf, char *err,
    size_t errlen)
{
	size_t	 i;

	if (store_begin(s) == -1)
		goto fail;
	for (i = 0; i < conf->nfeeds; i++)
		if (sync_one(s, &conf->feeds[i]) == -1)
			goto fail;
	if (disable_unlisted(s, conf) == -1 || store_commit(s) == -1)
		goto fail;
	return 0;
fail:
	snprintf(err, errlen, "%s", s->err);
	store_rollback(s);
	return -1;
}

int
store_feed_get(struct store *s, const char *name, struct feed_state *fs)
{
	sqlite3_stmt	*q = stmt(s, ST_FEED_GET);
	int		 rc;

	bind_text(q, 1, name);
	rc = sqlite3_step(q);
	if (rc == SQLITE_ROW)
		feed_from_row(q, fs);
	sqlite3_reset(q);
	sqlite3_clear_bindings(q);
	if (rc == SQLITE_ROW)
		return 1;
	return rc == SQLITE_DONE ? 0 : store_fail(s, "loading a feed");
}

int
store_feed_each(struct store *s, int (*cb)(void *, const struct feed_state *),
    void *arg)
{
	sqlite3_stmt		*q;
	struct feed_state	 fs;
	int			 rc, stop = 0;

	/* Not cached: the callback may use the store. */
	if (sqlite3_prepare_v2(s->db, "SELECT " FEED_COLS " FROM feeds"
	    " WHERE enabled = 1 ORDER BY name", -1, &q, NULL) != SQLITE_OK)
		return store_fail(s, "listing feeds");
	while (!stop && (rc = sqlite3_step(q)) == SQLITE_ROW) {
		feed_from_row(q, &fs);
		stop = cb(arg, &fs);
		feed_state_free(&fs);
	}
	if (!stop && rc != SQLITE_DONE)
		stop = -1, store_fail(s, "listing feeds");
	sqlite3_finalize(q);
	return stop < 0 ? -1 : 0;
}

/* ---- a fetch: one transaction ---- */

static void
keyset_reset(struct keyset *ks)
{
	if (ks->n > 0) {
		memset(ks->k, 0, ks->cap * sizeof(*ks->k));
		ks->n = 0;
	}
}

/* Returns the slot for k: ks->k[slot] == k if present, else 0 there. */
static size_t
keyset_slot(const struct keyset *ks, uint64_t k)
{
	size_t	 i = k & (ks->cap - 1);

	while (ks->k[i] != 0 && ks->k[i] != k)
		i = (i + 1) & (ks->cap - 1);
	return i;
}

static void
keyset_put(struct keyset *ks, uint64_t k, uint64_t v)
{
	size_t	 i, ocap = ks->cap;
	uint64_t *ok = ks->k, *ov = ks->v;

	if (2 * (ks->n + 1) > ks->cap) {
		ks->cap = ocap == 0 ? 256 : ocap * 2;
		ks->k = xcalloc(ks->cap, sizeof(*ks->k));
		ks->v = xcalloc(ks->cap, sizeof(*ks->v));
		ks->n = 0;
		for (i = 0; i < ocap; i++)
			if (ok[i] != 0)
				keyset_put(ks, ok[i], ov[i]);
		free(ok);
		free(ov);
	}
	i = keyset_slot(ks, k);
	if (ks->k[i] == 0)
		ks->n++;
	ks->k[i] = k;
	ks->v[i] = v;
}

/* 1 with *v set when k is present. */
static int
keyset_get(const struct keyset *ks, uint64_t k, uint64_t *v)
{
	size_t	 i;

	if (ks->cap == 0)
		return 0;
	i = keyset_slot(ks, k);
	if (ks->k[i] == 0)
		return 0;
	*v = ks->v[i];
	return 1;
}

int
store_begin(struct store *s)
{
	sqlite3_stmt	*q;
	int		 rc;

	if (s->in_txn) {
		snprintf(s->err, sizeof(s->err), "store_begin: already in a "
		    "transaction");
		return -1;
	}
	if (exec_stmt(s, stmt(s, ST_BEGIN), "begin") == -1)
		return -1;
	s->in_txn = 1;
	q = stmt(s, ST_STATE_GET);
	rc = sqlite3_step(q);
	s->seq = s->seq0 = rc == SQLITE_ROW ? sqlite3_column_int64(q, 0) : 0;
	sqlite3_reset(q);
	if (rc != SQLITE_ROW) {
		store_fail(s, "reading state");
		store_rollback(s);
		return -1;
	}
	s->dirty = s->pruned = 0;
	s->feed = 0;
	keyset_reset(&s->batch);
	return 0;
}

/*
 * Most keys of a fetch new while their links are already stored: the
 * feed's guids change on every fetch (and every entry would look new).
 */
static int
feed_done(struct store *s)
{
	sqlite3_stmt	*q;

	if (s->feed == 0)
		return 0;
	if (s->nput >= CHURN_MIN) {
		q = stmt(s, ST_FEED_CHURN);
		sqlite3_bind_int64(q, 1, s->feed);
		sqlite3_bind_int(q, 2, 2 * s->nlinkknown > s->nput);
		if (exec_stmt(s, q, "saving key churn") == -1)
			return -1;
	}
	if (s->nnew > 0) {
		q = stmt(s, ST_FEED_LASTNEW);
		sqlite3_bind_int64(q, 1, s->feed);
		sqlite3_bind_int64(q, 2, s->now);
		if (exec_stmt(s, q, "saving last_new") == -1)
			return -1;
	}
	s->feed = 0;
	return 0;
}

static int
feed_start(struct store *s, int64_t feed)
{
	sqlite3_stmt	*q;
	int		 rc;

	if (feed_done(s) == -1)
		return -1;
	s->feed = feed;
	s->nput = s->nkeynew = s->nlinkknown = s->nnew = 0;
	s->feed_newest = DATE_NONE;
	/*
	 * Most feeds never had an entry pruned: skip the tombstone lookups
	 * then.  A feed's first fetch (no entries yet) has nothing to look
	 * up at all: its keys are new unless repeated, which the batch
	 * keyset sees.
	 */
	q = stmt(s, ST_FEED_HAS);
	sqlite3_bind_int64(q, 1, feed);
	if ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		s->feed_tombs = sqlite3_column_int(q, 0);
		s->feed_empty = !sqlite3_column_int(q, 1);
	}
	sqlite3_reset(q);
	return rc == SQLITE_ROW ? 0 : store_fail(s, "reading the feed");
}

int
store_commit(struct store *s)
{
	sqlite3_stmt	*q;

	if (!s->in_txn) {
		snprintf(s->err, sizeof(s->err), "store_commit: no transaction");
		return -1;
	}
	if (feed_done(s) == -1)
		goto fail;
	if (s->seq != s->seq0 || s->dirty) {
		q = stmt(s, ST_STATE_SET);
		sqlite3_bind_int64(q, 1, s->seq);
		sqlite3_bind_int(q, 2, 1);
		if (exec_stmt(s, q, "saving state") == -1)
			goto fail;
	}
	/* Give the pages freed by pruning back, so the file shrinks. */
	if (s->pruned && exec_sql(s, "PRAGMA incremental_vacuum") == -1)
		goto fail;
	if (exec_stmt(s, stmt(s, ST_COMMIT), "commit") == -1)
		goto fail;
	s->in_txn = 0;
	return 0;
fail:
	store_rollback(s);
	return -1;
}

void
store_rollback(struct store *s)
{
	if (!s->in_txn)
		return;
	/* After some errors SQLite has already rolled back. */
	if (!sqlite3_get_autocommit(s->db)) {
		sqlite3_stmt *q = stmt(s, ST_ROLLBACK);

		sqlite3_step(q);
		sqlite3_reset(q);
	}
	s->in_txn = 0;
	s->feed = 0;
}

/* ---- entries ---- */

static int
empty(const char *v)
{
	if (v == NULL)
		return 1;
	while (*v == ' ' || *v == '\t' || *v == '\n' || *v == '\r')
		v++;
	return *v == '\0';
}

static int
is_web_url(const char *v)
{
	return strncasecmp(v, "http://", 7) == 0 ||
	    strncasecmp(v, "https://", 8) == 0;
}

static int64_t
entry_date(const struct entry *e)
{
	return e->published != DATE_NONE ? e->published : e->updated;
}

static uint64_t
ch_str(uint64_t h, const char *s)
{
	return ch_field(h, s, s != NULL ? strlen(s) : 0);
}

/*
 * Everything a reader sees, as it is stored (the lists encoded by
 * encode_lists first): a different hash is a changed entry.  The same
 * order and marks as sql_fm_entry_hash.
 */
static uint64_t
content_hash(const struct store *s, const struct entry *e)
{
	uint64_t h = FNV_INIT;

	h = ch_str(h, e->title);
	h = ch_str(h, e->link);
	h = ch_str(h, e->author);
	h = ch_str(h, e->summary);
	h = ch_str(h, e->content);
	h = ch_int(h, e->published == DATE_NONE, e->published);
	h = ch_int(h, e->updated == DATE_NONE, e->updated);
	h = ch_field(h, s->cats.len > 0 ? s->cats.s : NULL, s->cats.len);
	h = ch_field(h, s->encs.len > 0 ? s->encs.s : NULL, s->encs.len);
	h = ch_str(h, e->author_email);
	return ch_str(h, e->thumbnail);
}

/* The identity of an entry that has neither guid nor link. */
static void
content_key(struct buf *k, const struct entry *e)
{
	uint64_t h = FNV_INIT;

	h = fnv_str(h, e->title);
	h = fnv_int(h, entry_date(e));
	h = fnv_str(h, e->content != NULL ? e->content : e->summary);
	buf_printf(k, "h:%016" PRIx64, h);
}

static void
guid_key(struct store *s, const char *id)
{
	/* A permalink guid changes with http/https and tracking noise. */
	if (s->gid.len > 0) {
		buf_adds(&s->key, "g:");
		buf_adds(&s->key, s->gid.s);
	} else {
		buf_adds(&s->key, "g:");
		buf_adds(&s->key, id);
	}
}

/*
 * key = guid, else link, else a hash of title, date and content; the
 * policy can force link or content for feeds whose guids are broken.
 */
static void
make_key(struct store *s, enum key_policy pol, const struct entry *e)
{
	int	 has_id = !empty(e->id), has_link = !empty(e->link);

	buf_reset(&s->key);
	if (pol == KEY_CONTENT || (!has_id && !has_link))
		content_key(&s->key, e);
	else if (has_id && (pol != KEY_LINK || !has_link))
		guid_key(s, e->id);
	else {
		url_canon_buf(e->link, &s->canon);
		buf_adds(&s->key, "l:");
		buf_adds(&s->key, s->canon.s);
	}
}

/* Categories and enclosures as NUL-separated fields in a blob. */
static void
encode_lists(struct store *s, const struct entry *e)
{
	size_t	 i;
	char	 len[32];

	buf_reset(&s->cats);
	for (i = 0; i < e->ncategories; i++)
		if (e->categories[i] != NULL)
			buf_add(&s->cats, e->categories[i],
			    strlen(e->categories[i]) + 1);
	buf_reset(&s->encs);
	for (i = 0; i < e->nenclosures; i++) {
		const struct enclosure *en = &e->enclosures[i];

		if (en->url == NULL)
			continue;
		buf_add(&s->encs, en->url, strlen(en->url) + 1);
		buf_add(&s->encs, en->type ? en->type : "",
		    en->type ? strlen(en->type) + 1 : 1);
		snprintf(len, sizeof(len), "%" PRId64, en->length);
		buf_add(&s->encs, len, strlen(len) + 1);
	}
}

static void
bind_blob(sqlite3_stmt *q, int i, const struct buf *b)
{
	if (b->len == 0)
		sqlite3_bind_null(q, i);
	else
		sqlite3_bind_blob(q, i, b->s, (int)b->len, SQLITE_STATIC);
}

/* -1 error, 0 not stored, 1 stored with the same hash, 2 different. */
static int
find_entry(struct store *s, int64_t feed, uint64_t hash)
{
	sqlite3_stmt	*q = stmt(s, ST_ENTRY_FIND);
	int		 rc, ret;

	sqlite3_bind_int64(q, 1, feed);
	sqlite3_bind_text(q, 2, s->key.s, (int)s->key.len, SQLITE_STATIC);
	rc = sqlite3_step(q);
	if (rc == SQLITE_ROW)
		ret = (uint64_t)sqlite3_column_int64(q, 0) == hash ? 1 : 2;
	else
		ret = rc == SQLITE_DONE ? 0 : store_fail(s, "finding an entry");
	sqlite3_reset(q);
	return ret;
}

/* 1 when the key was pruned before (then it is not new), 0, -1. */
static int
find_tombstone(struct store *s, int64_t feed, uint64_t khash)
{
	sqlite3_stmt	*q;
	int64_t		 seen = 0;
	int		 rc;

	if (!s->feed_tombs)
		return 0;
	q = stmt(s, ST_TOMB_FIND);
	sqlite3_bind_int64(q, 1, feed);
	sqlite3_bind_int64(q, 2, (int64_t)khash);
	if ((rc = sqlite3_step(q)) == SQLITE_ROW)
		seen = sqlite3_column_int64(q, 0);
	sqlite3_reset(q);
	if (rc == SQLITE_DONE)
		return 0;
	if (rc != SQLITE_ROW)
		return store_fail(s, "finding a tombstone");
	/* Still in the feed: keep the tombstone alive (once a day). */
	if (seen < s->now - 86400) {
		q = stmt(s, ST_TOMB_TOUCH);
		sqlite3_bind_int64(q, 1, feed);
		sqlite3_bind_int64(q, 2, (int64_t)khash);
		sqlite3_bind_int64(q, 3, s->now);
		if (exec_stmt(s, q, "touching a tombstone") == -1)
			return -1;
	}
	return 1;
}

static int
link_known(struct store *s, int64_t feed)
{
	sqlite3_stmt	*q = stmt(s, ST_LINK_KNOWN);
	int		 rc;

	sqlite3_bind_int64(q, 1, feed);
	sqlite3_bind_text(q, 2, s->canon.s, (int)s->canon.len, SQLITE_STATIC);
	rc = sqlite3_step(q);
	sqlite3_reset(q);
	if (rc == SQLITE_ROW)
		return 1;
	return rc == SQLITE_DONE ? 0 : store_fail(s, "finding a link");
}

static int
upsert(struct store *s, int64_t feed, uint64_t khash, const struct entry *e,
    uint64_t hash, int64_t now)
{
	sqlite3_stmt	*q = stmt(s, ST_UPSERT);
	int64_t		 d = entry_date(e);
	const char	*gid = NULL;

	/* Ids that name something globally can match across feeds. */
	if (!empty(e->id) && strchr(e->id, ':') != NULL)
		gid = s->gid.len > 0 ? s->gid.s : e->id;
	/* A permalink guid equal to the link needs no second index entry. */
	if (gid != NULL && s->canon.len > 0 && strcmp(gid, s->canon.s) == 0)
		gid = NULL;
	sqlite3_bind_int64(q, 1, feed);
	sqlite3_bind_text(q, 2, s->key.s, (int)s->key.len, SQLITE_STATIC);
	sqlite3_bind_int64(q, 3, (int64_t)khash);
	bind_text(q, 4, e->id);
	bind_text(q, 5, gid);
	bind_text(q, 6, e->title);
	bind_text(q, 7, e->link);
	bind_text(q, 8, s->canon.len > 0 ? s->canon.s : NULL);
	bind_text(q, 9, e->author);
	bind_text(q, 10, e->summary);
	bind_text(q, 11, e->content);
	bind_blob(q, 12, &s->cats);
	bind_blob(q, 13, &s->encs);
	bind_date(q, 14, e->published);
	bind_date(q, 15, e->updated);
	sqlite3_bind_int64(q, 16, now);
	/* Never later than first seen: a future date cannot pin an entry. */
	sqlite3_bind_int64(q, 17, d != DATE_NONE && d < now ? d : now);
	sqlite3_bind_int64(q, 18, ++s->seq);
	sqlite3_bind_int64(q, 19, (int64_t)hash);
	bind_text(q, 20, e->author_email);
	bind_text(q, 21, e->thumbnail);
	return exec_stmt(s, q, "storing an entry");
}

/*
 * The same key twice in one document: a feed reusing one guid for
 * several items.  Told apart by link; an exact repeat is the same entry.
 * Returns 1 when this is a repeat to skip.
 */
static int
repeated_key(struct store *s, int64_t feed, const struct entry *e,
    uint64_t *khash)
{
	uint64_t lh = ch_str(FNV_INIT, e->link), prev;
	uint64_t bk = *khash ^ (uint64_t)feed * UINT64_C(0x9e3779b97f4a7c15);

	if (bk == 0)
		bk = 1;
	if (!keyset_get(&s->batch, bk, &prev)) {
		keyset_put(&s->batch, bk, lh);
		return 0;
	}
	if (prev == lh || s->key.s[0] != 'g')
		return 1;
	url_canon_buf(empty(e->link) ? NULL : e->link, &s->canon);
	buf_addc(&s->key, ' ');
	buf_adds(&s->key, s->canon.s);
	*khash = fnv_str(FNV_INIT, s->key.s);
	bk = *khash ^ (uint64_t)feed * UINT64_C(0x9e3779b97f4a7c15);
	if (keyset_get(&s->batch, bk, &prev))
		return 1;
	keyset_put(&s->batch, bk, lh);
	return 0;
}

int
store_put_entry(struct store *s, const struct feed_state *fs,
    enum key_policy pol, const struct entry *e, int64_t now)
{
	uint64_t hash, khash;
	int64_t	 d;
	int	 found, r;

	if (!s->in_txn) {
		snprintf(s->err, sizeof(s->err), "store_put_entry: no "
		    "transaction");
		return -1;
	}
	if (s->feed != fs->id && feed_start(s, fs->id) == -1)
		return -1;
	s->now = now;
	s->nput++;
	buf_reset(&s->canon);
	url_canon_buf(!empty(e->id) && is_web_url(e->id) ? e->id : NULL,
	    &s->gid);
	make_key(s, pol, e);
	d = entry_date(e);
	khash = fnv_str(FNV_INIT, s->key.s);
	if (repeated_key(s, fs->id, e, &khash))
		return STORE_SAME;
	encode_lists(s, e);
	hash = content_hash(s, e);
	if (d != DATE_NONE && d > s->feed_newest)
		s->feed_newest = d < now ? d : now;
	if (s->feed_empty)
		found = 0;
	else if ((found = find_entry(s, fs->id, hash)) == -1)
		return -1;
	if (found == 1)
		return STORE_SAME;
	/* Only now, off the path of unchanged entries. */
	url_canon_buf(empty(e->link) ? NULL : e->link, &s->canon);
	if (found == 0) {
		if ((r = find_tombstone(s, fs->id, khash)) != 0)
			return r == 1 ? STORE_SAME : -1;
		s->nkeynew++;
		/* Churn is judged against earlier fetches only. */
		if (s->canon.len > 0 && s->key.s[0] != 'l' && !s->feed_empty) {
			if ((r = link_known(s, fs->id)) == -1)
				return -1;
			s->nlinkknown += r;
		}
	}
	if (upsert(s, fs->id, khash, e, hash, now) == -1)
		return -1;
	s->dirty = 1;
	if (found == 0)
		s->nnew++;
	if (d == DATE_NONE)	/* the feed changed now, as far as we know */
		s->feed_newest = now;
	return found == 0 ? STORE_NEW : STORE_CHANGED;
}

int
store_put_meta(struct store *s, const struct feed_state *fs,
    const struct feed_meta *m)
{
	sqlite3_stmt	*q = stmt(s, ST_FEED_META);

	sqlite3_bind_int64(q, 1, fs->id);
	bind_text(q, 2, m->title);
	bind_text(q, 3, m->link);
	sqlite3_bind_int(q, 4, m->ttl);
	sqlite3_bind_int64(q, 5, m->sy_period);
	sqlite3_bind_int(q, 6, m->sy_frequency);
	sqlite3_bind_int64(q, 7, m->skip_hours);
	sqlite3_bind_int(q, 8, m->skip_days);
	/*
	 * For atom:source: the feed's own date, else its newest entry's, else
	 * this fetch's time if it brought an undated change; else as it was.
	 */
	bind_date(q, 9, m->updated != DATE_NONE ? m->updated :
	    s->feed == fs->id ? s->feed_newest : DATE_NONE);
	if (exec_stmt(s, q, "storing feed metadata") == -1)
		return -1;
	if (sqlite3_changes(s->db) > 0)
		s->dirty = 1;
	return 0;
}

int
store_put_feed(struct store *s, const struct feed_state *fs)
{
	sqlite3_stmt	*q = stmt(s, ST_FEED_PUT);

	sqlite3_bind_int64(q, 1, fs->id);
	bind_text(q, 2, fs->url != NULL ? fs->url : fs->conf_url);
	bind_text(q, 3, fs->etag);
	bind_text(q, 4, fs->last_modified);
	sqlite3_bind_int64(q, 5, fs->last_poll);
	sqlite3_bind_int64(q, 6, fs->last_success);
	sqlite3_bind_int64(q, 7, fs->last_new);
	sqlite3_bind_int64(q, 8, fs->next_poll);
	bind_text(q, 9, fs->next_reason);
	sqlite3_bind_int(q, 10, fs->last_status);
	sqlite3_bind_int(q, 11, fs->failures);
	sqlite3_bind_int64(q, 12, fs->failing_since);
	bind_text(q, 13, fs->last_error);
	sqlite3_bind_int(q, 14, fs->gone);
	sqlite3_bind_int(q, 15, fs->malformed);
	sqlite3_bind_int64(q, 16, fs->max_age);
	return exec_stmt(s, q, "storing feed state");
}

/* Delete what q (ST_PRUNE_*) selects, leaving a tombstone for each. */
static int
prune_step(struct store *s, enum stmt del, int64_t feed, int64_t arg,
    int64_t now)
{
	sqlite3_stmt	*q = stmt(s, del), *t = stmt(s, ST_TOMB_ADD);
	int		 rc, n = 0;

	sqlite3_bind_int64(q, 1, feed);
	sqlite3_bind_int64(q, 2, arg);
	sqlite3_bind_int64(t, 1, feed);
	sqlite3_bind_int64(t, 3, now);
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		sqlite3_bind_int64(t, 2, sqlite3_column_int64(q, 0));
		rc = sqlite3_step(t);
		sqlite3_reset(t);
		if (rc != SQLITE_DONE)
			break;
		n++;
	}
	sqlite3_reset(q);
	sqlite3_clear_bindings(t);
	if (rc != SQLITE_DONE)
		return store_fail(s, "pruning entries");
	if (n > 0)
		s->pruned = s->dirty = 1;
	return 0;
}

/* The one integer a bound statement q yields; -1 with what in the error. */
static int
one_int(struct store *s, sqlite3_stmt *q, const char *what, int64_t *v)
{
	int	 rc;

	*v = 0;
	if ((rc = sqlite3_step(q)) == SQLITE_ROW)
		*v = sqlite3_column_int64(q, 0);
	sqlite3_reset(q);
	return rc == SQLITE_ROW ? 0 : store_fail(s, what);
}

/* Has the feed more than max entries?  Counted on an index, no rows read. */
static int
over_max(struct store *s, int64_t feed, int max)
{
	sqlite3_stmt	*q = stmt(s, ST_FEED_COUNT);
	int64_t		 n;

	sqlite3_bind_int64(q, 1, feed);
	if (one_int(s, q, "counting entries", &n) == -1)
		return -1;
	return n > max;
}

/*
 * In a poll's transaction, after its entries: only new entries can take a
 * feed over keep_max, so an index count decides whether to sort.  Age and
 * expired tombstones are the daily pass's (store_prune_all): finding them
 * reads every row of the feed, too much for each poll of each feed.
 */
int
store_prune(struct store *s, const struct feed_state *fs,
    const struct feed_opts *o, int64_t now)
{
	int	 over;

	if (s->feed != fs->id || s->nnew == 0 || o->keep_max <= 0)
		return 0;
	if ((over = over_max(s, fs->id, o->keep_max)) <= 0)
		return over;
	if (prune_step(s, ST_PRUNE_MAX, fs->id, o->keep_max, now) == -1)
		return -1;
	s->feed_tombs = 1;
	return 0;
}

/*
 * All of one feed's retention.  Age counts from when feedmux first saw an
 * entry, so that a feed added with old items is not emptied by its first
 * poll; keep_max bounds those.
 */
static int
prune_feed(struct store *s, int64_t feed, const struct feed_opts *o,
    int64_t now)
{
	sqlite3_stmt	*q;
	int		 over;

	if (o->keep > 0 && prune_step(s, ST_PRUNE_AGE, feed, now - o->keep,
	    now) == -1)
		return -1;
	if (o->keep_max > 0 && (over = over_max(s, feed, o->keep_max)) != 0 &&
	    (over == -1 || prune_step(s, ST_PRUNE_MAX, feed, o->keep_max,
	    now) == -1))
		return -1;
	q = stmt(s, ST_TOMB_EXPIRE);
	sqlite3_bind_int64(q, 1, feed);
	sqlite3_bind_int64(q, 2, now - TOMBSTONE_TTL);
	if (exec_stmt(s, q, "expiring tombstones") == -1)
		return -1;
	if (sqlite3_changes(s->db) > 0)
		s->pruned = 1;
	return 0;
}

/* Every feed's id and name, enabled or not. */
static int
feed_list(struct store *s, int64_t **ids, char ***names, size_t *n)
{
	sqlite3_stmt	*q = stmt(s, ST_FEED_ALL);
	int		 rc;

	*ids = NULL;
	*names = NULL;
	*n = 0;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		*ids = xreallocarray(*ids, *n + 1, sizeof(**ids));
		*names = xreallocarray(*names, *n + 1, sizeof(**names));
		(*ids)[*n] = sqlite3_column_int64(q, 0);
		(*names)[(*n)++] = col_strdup(q, 1);
	}
	sqlite3_reset(q);
	return rc == SQLITE_DONE ? 0 : store_fail(s, "listing feeds");
}

/*
 * Retention for every feed in the database, disabled ones too: a feed no
 * longer in the config is never polled, so its poll never prunes it.  A
 * configured feed's keep and keep_max apply, else the [feedmux] defaults.
 * One short transaction per feed, so polls are not held up.
 */
int
store_prune_all(struct store *s, const struct conf *conf, int64_t now)
{
	const struct feed_conf	*fc;
	sqlite3_stmt		*q;
	int64_t			*ids;
	char			**names;
	size_t			 n, i;
	int			 ret;

	if ((ret = feed_list(s, &ids, &names, &n)) == 0) {
		for (i = 0; i < n && ret == 0; i++) {
			fc = conf_feed(conf, names[i]);
			if (store_begin(s) == -1 || prune_feed(s, ids[i],
			    fc != NULL ? &fc->opts : &conf->defaults, now) == -1 ||
			    store_commit(s) == -1) {
				store_rollback(s);
				ret = -1;
			}
		}
	}
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	free(ids);
	if (ret == 0) {
		q = stmt(s, ST_PRUNED_SET);
		sqlite3_bind_int64(q, 1, now);
		ret = exec_stmt(s, q, "recording the retention pass");
	}
	return ret;
}

/* Is the daily pass due: has it not run in the last day? */
int
store_prune_due(struct store *s, int64_t now)
{
	int64_t		 last;

	if (one_int(s, stmt(s, ST_PRUNED_GET), "reading the retention pass",
	    &last) == -1)
		return -1;
	return last <= now - 86400 || last > now;
}

/* ---- reading entries ---- */

static void
decode_lists(struct store *s, sqlite3_stmt *q, struct stored_entry *se)
{
	const char	*p, *end;
	size_t		 n;

	p = sqlite3_column_blob(q, 18);
	end = p + sqlite3_column_bytes(q, 18);
	for (n = 0; p != NULL && p < end; p += strlen(p) + 1, n++) {
		if (n == s->nvcats) {
			s->nvcats = s->nvcats ? s->nvcats * 2 : 16;
			s->vcats = xreallocarray(s->vcats, s->nvcats,
			    sizeof(*s->vcats));
		}
		s->vcats[n] = p;
	}
	se->categories = s->vcats;
	se->ncategories = n;
	p = sqlite3_column_blob(q, 19);
	end = p + sqlite3_column_bytes(q, 19);
	for (n = 0; p != NULL && p < end; n++) {
		if (n == s->nvencs) {
			s->nvencs = s->nvencs ? s->nvencs * 2 : 4;
			s->vencs = xreallocarray(s->vencs, s->nvencs,
			    sizeof(*s->vencs));
		}
		s->vencs[n].url = p;
		p += strlen(p) + 1;
		s->vencs[n].type = *p != '\0' ? p : NULL;
		p += strlen(p) + 1;
		s->vencs[n].length = strtoll(p, NULL, 10);
		p += strlen(p) + 1;
	}
	se->enclosures = s->vencs;
	se->nenclosures = n;
}

#define TXT(i) ((const char *)sqlite3_column_text(q, (i)))
static void
entry_from_row(struct store *s, sqlite3_stmt *q, struct stored_entry *se)
{
	memset(se, 0, sizeof(*se));
	se->rowid = sqlite3_column_int64(q, 0);
	se->seq = sqlite3_column_int64(q, 1);
	se->feed = TXT(2);
	se->feed_title = TXT(3);
	se->feed_link = TXT(4);
	se->feed_url = TXT(5);
	se->category = TXT(6);
	se->id = TXT(7);
	se->key = TXT(8);
	se->title = TXT(9);
	se->link = TXT(10);
	se->author = TXT(11);
	se->summary = TXT(12);
	se->content = TXT(13);
	se->published = col_date(q, 14);
	se->updated = col_date(q, 15);
	se->first_seen = sqlite3_column_int64(q, 16);
	se->sort_date = sqlite3_column_int64(q, 17);
	se->author_email = TXT(23);
	se->thumbnail = TXT(24);
	se->feed_updated = col_date(q, 25);
	decode_lists(s, q, se);
}

enum fold { FOLD_RECENT, FOLD_SINCE, FOLD_NONE };

/*
 * Cross-feed duplicates (same canonical link or same global id in another
 * feed).  Unordered on purpose: the loop compares every row itself, and an
 * ORDER BY made SQLite set up a sorter (tens of KB) for each entry shown.
 * Returns 1 when this row is shown under another one, 0 when it
 * stands (with also_feeds filled), -1 on error.
 */
static int
fold_row(struct store *s, sqlite3_stmt *r, struct stored_entry *se,
    enum fold how, int64_t after, int64_t upto)
{
	sqlite3_stmt	*q;
	size_t		 n = 0, i, off;
	int		 rc, skip = 0;

	if (how == FOLD_NONE) {
		se->also_feeds = NULL;
		se->nalso_feeds = 0;
		return 0;
	}
	buf_reset(&s->also);
	if (sqlite3_column_type(r, 21) == SQLITE_NULL &&
	    sqlite3_column_type(r, 22) == SQLITE_NULL)
		goto done;
	q = stmt(s, ST_DUPS);
	sqlite3_bind_int64(q, 1, sqlite3_column_int64(r, 20));
	sqlite3_bind_value(q, 2, sqlite3_column_value(r, 21));
	sqlite3_bind_value(q, 3, sqlite3_column_value(r, 22));
	while (!skip && (rc = sqlite3_step(q)) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(q, 0);
		int64_t fseen = sqlite3_column_int64(q, 1);
		int64_t seq = sqlite3_column_int64(q, 2);

		if (how == FOLD_RECENT)
			skip = fseen < se->first_seen ||
			    (fseen == se->first_seen && id < se->rowid);
		else if (se->seq > after)
			skip = seq <= after || (seq <= upto && seq < se->seq);
		buf_add(&s->also, sqlite3_column_text(q, 3),
		    sqlite3_column_bytes(q, 3) + 1);
		n++;
	}
	if (!skip && rc != SQLITE_DONE)
		skip = -1, store_fail(s, "finding duplicates");
	sqlite3_reset(q);
	sqlite3_clear_bindings(q);
	if (skip)
		return skip;
done:
	if (n > s->nvalso) {
		s->nvalso = n;
		s->valso = xreallocarray(s->valso, n, sizeof(*s->valso));
	}
	se->nalso_feeds = 0;
	for (i = 0, off = 0; i < n; i++, off += strlen(s->also.s + off) + 1) {
		size_t j;

		/* One name per feed, however many copies it holds. */
		for (j = 0; j < se->nalso_feeds; j++)
			if (strcmp(s->valso[j], s->also.s + off) == 0)
				break;
		if (j == se->nalso_feeds)
			s->valso[se->nalso_feeds++] = s->also.s + off;
	}
	se->also_feeds = s->valso;
	return 0;
}

static int
each_entry(struct store *s, sqlite3_stmt *q, enum fold how, int64_t after,
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
		stop = store_fail(s, "reading entries");
	sqlite3_finalize(q);
	return stop < 0 ? -1 : 0;
}

int
store_recent(struct store *s, store_entry_cb cb, void *arg)
{
	sqlite3_stmt	*q;

	/* Not cached: a callback may use the store in turn. */
	if (sqlite3_prepare_v2(s->db, "SELECT " ENTRY_COLS " FROM entries e"
	    " JOIN feeds f ON f.id = e.feed WHERE f.enabled = 1"
	    " ORDER BY e.sort_date DESC, e.id", -1, &q, NULL) != SQLITE_OK)
		return store_fail(s, "reading entries");
	return each_entry(s, q, FOLD_RECENT, 0, 0, cb, arg);
}

/*
 * New entries are a rowid range (rowid = seq); changed ones come from the
 * partial index of changed_seq, which holds only entries ever updated.
 */
int
store_since(struct store *s, int64_t after, int64_t upto, int updates,
    store_entry_cb cb, void *arg)
{
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
		return store_fail(s, "reading entries");
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
store_after(struct store *s, int64_t after, store_entry_cb cb, void *arg)
{
	sqlite3_stmt	*q;

	if (sqlite3_prepare_v2(s->db, "SELECT " ENTRY_COLS " FROM entries e"
	    " JOIN feeds f ON f.id = e.feed WHERE f.enabled = 1 AND e.id > ?1"
	    " ORDER BY e.id", -1, &q, NULL) != SQLITE_OK)
		return store_fail(s, "reading entries");
	sqlite3_bind_int64(q, 1, after);
	return each_entry(s, q, FOLD_NONE, after, INT64_MAX, cb, arg);
}

static void
swap_lists(struct store *s)
{
	const char	**c = s->vcats;
	struct enclosure *e = s->vencs;
	size_t		 nc = s->nvcats, ne = s->nvencs;

	s->vcats = s->dcats;
	s->nvcats = s->ndcats;
	s->vencs = s->dencs;
	s->nvencs = s->ndencs;
	s->dcats = c;
	s->ndcats = nc;
	s->dencs = e;
	s->ndencs = ne;
}

/*
 * The cross-feed duplicates of entry id stored before it, oldest first.
 * Its own lists, so the entry a store_after callback holds stays valid.
 */
int
store_dups_before(struct store *s, int64_t id, store_entry_cb cb, void *arg)
{
	sqlite3_stmt	*q;
	int		 rc;

	if (sqlite3_prepare_v2(s->db, "SELECT " ENTRY_COLS " FROM entries x"
	    " JOIN entries e ON e.feed != x.feed AND e.id < x.id"
	    " AND (e.canon IN (x.canon, x.gid) OR e.gid IN (x.canon, x.gid))"
	    " JOIN feeds f ON f.id = e.feed WHERE x.id = ?1 AND f.enabled = 1"
	    " ORDER BY e.id", -1, &q, NULL) != SQLITE_OK)
		return store_fail(s, "finding duplicates");
	sqlite3_bind_int64(q, 1, id);
	swap_lists(s);
	rc = each_entry(s, q, FOLD_NONE, 0, 0, cb, arg);
	swap_lists(s);
	return rc;
}

static int64_t
state_col(struct store *s, int col)
{
	sqlite3_stmt	*q = stmt(s, ST_STATE_GET);
	int64_t		 v = -1;

	if (sqlite3_step(q) == SQLITE_ROW)
		v = sqlite3_column_int64(q, col);
	else
		store_fail(s, "reading state");
	sqlite3_reset(q);
	return v;
}

int64_t
store_seq(struct store *s)
{
	return s->in_txn ? s->seq : state_col(s, 0);
}

int64_t
store_generation(struct store *s)
{
	return state_col(s, 1);
}

/* ---- digests ---- */

void
digest_state_free(struct digest_state *ds)
{
	if (ds == NULL)
		return;
	free(ds->error);
	ds->error = NULL;
}

int
store_digest_last(struct store *s, struct digest_state *ds)
{
	sqlite3_stmt	*q = stmt(s, ST_DIGEST_LAST);
	int		 rc;

	memset(ds, 0, sizeof(*ds));
	if ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		ds->id = sqlite3_column_int64(q, 0);
		ds->slot = sqlite3_column_int64(q, 1);
		ds->created = sqlite3_column_int64(q, 2);
		ds->after_seq = sqlite3_column_int64(q, 3);
		ds->upto_seq = sqlite3_column_int64(q, 4);
		ds->sent = sqlite3_column_int64(q, 5);
		ds->attempts = sqlite3_column_int(q, 6);
		ds->next_try = sqlite3_column_int64(q, 7);
		ds->error = col_strdup(q, 8);
	}
	sqlite3_reset(q);
	if (rc == SQLITE_ROW)
		return 1;
	return rc == SQLITE_DONE ? 0 : store_fail(s, "reading digests");
}

int
store_digest_add(struct store *s, struct digest_state *ds)
{
	sqlite3_stmt	*q = stmt(s, ST_DIGEST_ADD);

	sqlite3_bind_int64(q, 1, ds->slot);
	sqlite3_bind_int64(q, 2, ds->created);
	sqlite3_bind_int64(q, 3, ds->after_seq);
	sqlite3_bind_int64(q, 4, ds->upto_seq);
	sqlite3_bind_int64(q, 5, ds->sent);
	sqlite3_bind_int(q, 6, ds->attempts);
	sqlite3_bind_int64(q, 7, ds->next_try);
	bind_text(q, 8, ds->error);
	if (exec_stmt(s, q, "recording a digest") == -1)
		return -1;
	ds->id = sqlite3_last_insert_rowid(s->db);
	return 0;
}

int
store_digest_update(struct store *s, const struct digest_state *ds)
{
	sqlite3_stmt	*q = stmt(s, ST_DIGEST_UPDATE);

	sqlite3_bind_int64(q, 1, ds->id);
	sqlite3_bind_int64(q, 2, ds->sent);
	sqlite3_bind_int(q, 3, ds->attempts);
	sqlite3_bind_int64(q, 4, ds->next_try);
	bind_text(q, 5, ds->error);
	return exec_stmt(s, q, "updating a digest");
}

int
store_totals(struct store *s, struct store_totals *t)
{
	sqlite3_stmt	*q = stmt(s, ST_TOTAL_FEEDS);
	int		 rc;

	memset(t, 0, sizeof(*t));
	if ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		t->feeds = sqlite3_column_int64(q, 0);
		t->failing = sqlite3_column_int64(q, 1);
		t->gone = sqlite3_column_int64(q, 2);
	}
	sqlite3_reset(q);
	if (rc != SQLITE_ROW)
		return store_fail(s, "counting feeds");
	q = stmt(s, ST_TOTAL_ENTRIES);
	if ((rc = sqlite3_step(q)) == SQLITE_ROW)
		t->entries = sqlite3_column_int64(q, 0);
	sqlite3_reset(q);
	return rc == SQLITE_ROW ? 0 : store_fail(s, "counting entries");
}

/* ---- hooks ---- */

void
hook_state_free(struct hook_state *hs)
{
	if (hs == NULL)
		return;
	free(hs->last_error);
	hs->last_error = NULL;
}

int
store_hook_get(struct store *s, const char *name, struct hook_state *hs)
{
	sqlite3_stmt	*q = stmt(s, ST_HOOK_GET);
	int		 rc;

	memset(hs, 0, sizeof(*hs));
	bind_text(q, 1, name);
	if ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		hs->mark = sqlite3_column_int64(q, 0);
		hs->failures = sqlite3_column_int(q, 1);
		hs->failing_since = sqlite3_column_int64(q, 2);
		hs->next_try = sqlite3_column_int64(q, 3);
		hs->last_success = sqlite3_column_int64(q, 4);
		hs->last_error = col_strdup(q, 5);
		hs->delivered = sqlite3_column_int64(q, 6);
	}
	sqlite3_reset(q);
	sqlite3_clear_bindings(q);
	if (rc == SQLITE_ROW)
		return 1;
	return rc == SQLITE_DONE ? 0 : store_fail(s, "reading a hook");
}

int
store_hook_put(struct store *s, const char *name, const struct hook_state *hs)
{
	sqlite3_stmt	*q = stmt(s, ST_HOOK_PUT);

	bind_text(q, 1, name);
	sqlite3_bind_int64(q, 2, hs->mark);
	sqlite3_bind_int(q, 3, hs->failures);
	sqlite3_bind_int64(q, 4, hs->failing_since);
	sqlite3_bind_int64(q, 5, hs->next_try);
	sqlite3_bind_int64(q, 6, hs->last_success);
	bind_text(q, 7, hs->last_error);
	sqlite3_bind_int64(q, 8, hs->delivered);
	return exec_stmt(s, q, "recording a hook");
}
