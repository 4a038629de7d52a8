/*
 * store_sqlite.c: the SQLite backend (struct store_backend store_sqlite):
 * schema and migrations, opening, transactions, feeds.  Entries are
 * written in store_put.c, read in store_read.c, pruned in store_prune.c;
 * store_checkpoint.c runs WAL checkpoints.  These files hold every SQL
 * statement of feedmux.
 *
 * Statements are prepared once per connection and bound, never built by
 * formatting.  One fetch is one transaction (begin .. commit) holding its
 * entries, validators and schedule together.
 */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "log.h"
#include "store.h"
#include "store_int.h"
#include "store_rows.h"
#include "util.h"

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

	/*
	 * 7 -> 8: several digests, each with its own rows and so its own
	 * "sent up to" mark; the rows so far are the default digest's.
	 */
	"ALTER TABLE digests ADD COLUMN name TEXT NOT NULL DEFAULT '';"
	"CREATE INDEX digests_name ON digests(name, id);",
};
#define SCHEMA_VERSION	((int)nitems(migrations))

static void	sq_close(struct store *);

/* A feed's columns, in the order of enum fc. */
#define FEED_COLS \
	"id, name, url, conf_url, title, link, etag, last_modified, last_poll," \
	" last_success, last_new, next_poll, next_reason, last_status," \
	" failures, failing_since, last_error, gone, malformed, key_churn," \
	" ttl, sy_period, sy_frequency, skip_hours, skip_days, max_age," \
	" (SELECT count(*) FROM entries e WHERE e.feed = feeds.id)"
enum fc {
	FC_ID, FC_NAME, FC_URL, FC_CONF_URL, FC_TITLE, FC_LINK, FC_ETAG,
	FC_LAST_MODIFIED, FC_LAST_POLL, FC_LAST_SUCCESS, FC_LAST_NEW,
	FC_NEXT_POLL, FC_NEXT_REASON, FC_LAST_STATUS, FC_FAILURES,
	FC_FAILING_SINCE, FC_LAST_ERROR, FC_GONE, FC_MALFORMED, FC_KEY_CHURN,
	FC_TTL, FC_SY_PERIOD, FC_SY_FREQUENCY, FC_SKIP_HOURS, FC_SKIP_DAYS,
	FC_MAX_AGE, FC_ENTRIES
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
	/* ORs, not "IN (?2, ?3)": an IN list is a temporary b-tree a run. */
	[ST_DUPS] = "SELECT e.id, e.first_seen, e.seq, f.name FROM entries e"
	    " JOIN feeds f ON f.id = e.feed WHERE f.enabled = 1 AND e.feed != ?1"
	    " AND (e.canon = ?2 OR e.canon = ?3 OR e.gid = ?2 OR e.gid = ?3)",
	[ST_DIGEST_LAST] = "SELECT id, slot, created, after_seq, upto_seq, sent,"
	    " attempts, next_try, error FROM digests WHERE name = ?1"
	    " ORDER BY id DESC LIMIT 1",
	[ST_DIGEST_ADD] = "INSERT INTO digests(slot, created, after_seq,"
	    " upto_seq, sent, attempts, next_try, error, name)"
	    " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
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

static int
sq_damaged(void)
{
	return damaged;
}

/*
 * A damaged file gets the same message from every statement and command:
 * one thing to do about it, whatever was being done.
 */
static int
damage_msg(struct sqlstore *s)
{
	if (s->db == NULL || !is_damage(sqlite3_errcode(s->db)))
		return 0;
	damaged = 1;
	snprintf(s->base.err, sizeof(s->base.err), "%s: %s (%s)",
	    s->base.path, STORE_DAMAGED, sqlite3_errmsg(s->db));
	return 1;
}

int
sq_fail(struct sqlstore *s, const char *what)
{
	if (!damage_msg(s))
		snprintf(s->base.err, sizeof(s->base.err), "%s: %s", what,
		    sqlite3_errmsg(s->db));
	return -1;
}

sqlite3_stmt *
sq_stmt(struct sqlstore *s, enum stmt i)
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
int
sq_exec(struct sqlstore *s, sqlite3_stmt *q, const char *what)
{
	int	 rc;

	while ((rc = sqlite3_step(q)) == SQLITE_ROW)
		;
	sqlite3_reset(q);
	sqlite3_clear_bindings(q);
	return rc == SQLITE_DONE ? 0 : sq_fail(s, what);
}

static int
exec_sql(struct sqlstore *s, const char *text)
{
	char	*msg = NULL;

	if (sqlite3_exec(s->db, text, NULL, NULL, &msg) != SQLITE_OK) {
		if (!damage_msg(s))
			snprintf(s->base.err, sizeof(s->base.err), "%s",
			    msg ? msg : "?");
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

void
sq_bind_text(sqlite3_stmt *q, int i, const char *v)
{
	if (v == NULL)
		sqlite3_bind_null(q, i);
	else
		sqlite3_bind_text(q, i, v, -1, SQLITE_STATIC);
}

char *
sq_col_strdup(sqlite3_stmt *q, int i)
{
	const unsigned char *v = sqlite3_column_text(q, i);

	return v != NULL ? xstrdup((const char *)v) : NULL;
}

/* ---- opening and migrations ---- */

static int
user_version(struct sqlstore *s, int *v)
{
	sqlite3_stmt	*q;
	int		 rc;

	if (sqlite3_prepare_v2(s->db, "PRAGMA user_version", -1, &q, NULL) !=
	    SQLITE_OK)
		return sq_fail(s, "reading the schema version");
	rc = sqlite3_step(q);
	*v = rc == SQLITE_ROW ? sqlite3_column_int(q, 0) : 0;
	sqlite3_finalize(q);
	return rc == SQLITE_ROW ? 0 : sq_fail(s, "reading the schema version");
}

static int
migrate(struct sqlstore *s, const char *path, int target)
{
	char	 setv[64];
	int	 v, i;

	if (user_version(s, &v) == -1)
		return -1;
	if (v > SCHEMA_VERSION) {
		snprintf(s->base.err, sizeof(s->base.err), "%s: database "
		    "schema version %d is newer than this feedmux supports "
		    "(version %d); use a newer feedmux", path, v,
		    SCHEMA_VERSION);
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

static int
sq_schema_version(void)
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
open_readonly(struct sqlstore *s, const char *path)
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
check_readonly_version(struct sqlstore *s, const char *path)
{
	int	 v;

	if (user_version(s, &v) == -1)
		return -1;
	if (v > SCHEMA_VERSION)
		snprintf(s->base.err, sizeof(s->base.err), "%s: database "
		    "schema version %d is newer than this feedmux supports "
		    "(version %d); use a newer feedmux", path, v,
		    SCHEMA_VERSION);
	else if (v < SCHEMA_VERSION)
		snprintf(s->base.err, sizeof(s->base.err), "%s: read-only "
		    "database at schema version %d (this feedmux reads %d): "
		    "run feedmux poll once with write access to migrate it",
		    path, v, SCHEMA_VERSION);
	else
		return 0;
	return -1;
}

static struct sqlstore *
open_db(const char *path, int target, int ro, char *err, size_t errlen)
{
	struct sqlstore	*s;
	int		 rc;

	sqlite_setup();
	s = xcalloc(1, sizeof(*s));
	s->base.path = xstrdup(path);
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
		sq_close(&s->base);
		return NULL;
	}
	sqlite3_busy_timeout(s->db, 10000);
	sqlite3_create_function(s->db, "fm_hash", 1, SQLITE_UTF8 |
	    SQLITE_DETERMINISTIC, NULL, sq_fm_hash, NULL, NULL);
	sqlite3_create_function(s->db, "fm_entry_hash", -1, SQLITE_UTF8 |
	    SQLITE_DETERMINISTIC, NULL, sq_fm_entry_hash, NULL, NULL);
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
		if (strncmp(s->base.err, path, strlen(path)) == 0)
			snprintf(err, errlen, "%s", s->base.err);
		else
			snprintf(err, errlen, "%s: %s", path, s->base.err);
		sq_close(&s->base);
		return NULL;
	}
	return s;
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

/* A reader opens read-only a database it may not write. */
static struct store *
sq_open(const char *path, int version, int reader, char *err, size_t errlen)
{
	struct sqlstore	*s;

	s = open_db(path, version, reader && !writable(path), err, errlen);
	return s != NULL ? &s->base : NULL;
}

static void
sq_close(struct store *st)
{
	struct sqlstore	*s = sq(st);
	size_t		 i;

	if (s->in_txn)
		sq_rollback(st);
	if (s->ckpt != NULL) {
		sqlite3_wal_hook(s->db, NULL, NULL);
		checkpointer_stop(s->ckpt);
	}
	for (i = 0; i < ST__MAX; i++)
		sqlite3_finalize(s->st[i]);
	sqlite3_close(s->db);
	key_free(&s->k);
	buf_free(&s->also);
	key_lists_free(&s->lists);
	key_lists_free(&s->dlists);
	free(s->valso);
	free(s->base.path);
	free(s);
}

/*
 * For the poller: checkpoints move to a thread (store_checkpoint.c), so
 * a commit never waits for the fsyncs of one.  Other commands keep
 * SQLite's own autocheckpoint.
 */
static int
sq_checkpoint_thread(struct store *st, int pages, char *err, size_t errlen)
{
	struct sqlstore	*s = sq(st);

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
static int
sq_checkpoint(struct store *st)
{
	struct sqlstore	*s = sq(st);
	int		 rc, tries = 0;

	while ((rc = sqlite3_wal_checkpoint_v2(s->db, NULL,
	    SQLITE_CHECKPOINT_FULL, NULL, NULL)) == SQLITE_BUSY &&
	    tries++ < 1000)
		usleep(10000);
	if (rc != SQLITE_OK)
		return sq_fail(s, "checkpoint");
	return 0;
}

/* ---- feeds ---- */

static void
feed_from_row(sqlite3_stmt *q, struct feed_state *fs)
{
	memset(fs, 0, sizeof(*fs));
	fs->id = sqlite3_column_int64(q, FC_ID);
	fs->name = sq_col_strdup(q, FC_NAME);
	fs->url = sq_col_strdup(q, FC_URL);
	fs->conf_url = sq_col_strdup(q, FC_CONF_URL);
	fs->title = sq_col_strdup(q, FC_TITLE);
	fs->link = sq_col_strdup(q, FC_LINK);
	fs->etag = sq_col_strdup(q, FC_ETAG);
	fs->last_modified = sq_col_strdup(q, FC_LAST_MODIFIED);
	fs->last_poll = sqlite3_column_int64(q, FC_LAST_POLL);
	fs->last_success = sqlite3_column_int64(q, FC_LAST_SUCCESS);
	fs->last_new = sqlite3_column_int64(q, FC_LAST_NEW);
	fs->next_poll = sqlite3_column_int64(q, FC_NEXT_POLL);
	fs->next_reason = sq_col_strdup(q, FC_NEXT_REASON);
	fs->last_status = sqlite3_column_int(q, FC_LAST_STATUS);
	fs->failures = sqlite3_column_int(q, FC_FAILURES);
	fs->failing_since = sqlite3_column_int64(q, FC_FAILING_SINCE);
	fs->last_error = sq_col_strdup(q, FC_LAST_ERROR);
	fs->gone = sqlite3_column_int(q, FC_GONE);
	fs->malformed = sqlite3_column_int(q, FC_MALFORMED);
	fs->key_churn = sqlite3_column_int(q, FC_KEY_CHURN);
	fs->ttl = sqlite3_column_int(q, FC_TTL);
	fs->sy_period = sqlite3_column_int64(q, FC_SY_PERIOD);
	fs->sy_frequency = sqlite3_column_int(q, FC_SY_FREQUENCY);
	fs->skip_hours = (uint32_t)sqlite3_column_int64(q, FC_SKIP_HOURS);
	fs->skip_days = (uint8_t)sqlite3_column_int(q, FC_SKIP_DAYS);
	fs->max_age = sqlite3_column_int64(q, FC_MAX_AGE);
	fs->entries = sqlite3_column_int64(q, FC_ENTRIES);
}

static int
sync_one(struct sqlstore *s, const struct feed_conf *fc)
{
	sqlite3_stmt	*q = sq_stmt(s, ST_FEED_SYNC);

	sq_bind_text(q, 1, fc->name);
	sq_bind_text(q, 2, fc->url);
	sq_bind_text(q, 3, fc->title);
	sq_bind_text(q, 4, fc->category);
	sqlite3_bind_int(q, 5, fc->enabled ? 1 : 0);
	if (sq_exec(s, q, "syncing feeds") == -1)
		return -1;
	if (sqlite3_changes(s->db) > 0)
		s->dirty = 1;
	return 0;
}

/* Feeds enabled in the database but absent from the config. */
static int
disable_unlisted(struct sqlstore *s, const struct conf *conf)
{
	sqlite3_stmt	*q = sq_stmt(s, ST_FEED_ENABLED);
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
		ret = sq_fail(s, "listing feeds");
	for (i = 0; i < ngone; i++) {
		q = sq_stmt(s, ST_FEED_DISABLE);
		sq_bind_text(q, 1, gone[i]);
		if (ret == 0 && sq_exec(s, q, "disabling a feed") == -1)
			ret = -1;
		s->dirty = 1;
		free(gone[i]);
	}
	free(gone);
	return ret;
}

static int
sq_sync_feeds(struct store *st, const struct conf *conf, char *err,
    size_t errlen)
{
	struct sqlstore	*s = sq(st);
	size_t		 i;

	if (sq_begin(st) == -1)
		goto fail;
	for (i = 0; i < conf->nfeeds; i++)
		if (sync_one(s, &conf->feeds[i]) == -1)
			goto fail;
	if (disable_unlisted(s, conf) == -1 || sq_commit(st) == -1)
		goto fail;
	return 0;
fail:
	snprintf(err, errlen, "%s", s->base.err);
	sq_rollback(st);
	return -1;
}

static int
sq_feed_get(struct store *st, const char *name, struct feed_state *fs)
{
	struct sqlstore	*s = sq(st);
	sqlite3_stmt	*q = sq_stmt(s, ST_FEED_GET);
	int		 rc;

	sq_bind_text(q, 1, name);
	rc = sqlite3_step(q);
	if (rc == SQLITE_ROW)
		feed_from_row(q, fs);
	sqlite3_reset(q);
	sqlite3_clear_bindings(q);
	if (rc == SQLITE_ROW)
		return 1;
	return rc == SQLITE_DONE ? 0 : sq_fail(s, "loading a feed");
}

static int
sq_feed_each(struct store *st, int (*cb)(void *, const struct feed_state *),
    void *arg)
{
	struct sqlstore		*s = sq(st);
	sqlite3_stmt		*q;
	struct feed_state	 fs;
	int			 rc, stop = 0;

	/* Not cached: the callback may use the store. */
	if (sqlite3_prepare_v2(s->db, "SELECT " FEED_COLS " FROM feeds"
	    " WHERE enabled = 1 ORDER BY name", -1, &q, NULL) != SQLITE_OK)
		return sq_fail(s, "listing feeds");
	while (!stop && (rc = sqlite3_step(q)) == SQLITE_ROW) {
		feed_from_row(q, &fs);
		stop = cb(arg, &fs);
		feed_state_free(&fs);
	}
	if (!stop && rc != SQLITE_DONE)
		stop = -1, sq_fail(s, "listing feeds");
	sqlite3_finalize(q);
	return stop < 0 ? -1 : 0;
}

/* ---- transactions ---- */

int
sq_begin(struct store *st)
{
	struct sqlstore	*s = sq(st);
	sqlite3_stmt	*q;
	int		 rc;

	if (s->in_txn) {
		snprintf(s->base.err, sizeof(s->base.err), "store_begin: "
		    "already in a transaction");
		return -1;
	}
	if (sq_exec(s, sq_stmt(s, ST_BEGIN), "begin") == -1)
		return -1;
	s->in_txn = 1;
	q = sq_stmt(s, ST_STATE_GET);
	rc = sqlite3_step(q);
	s->seq = s->seq0 = rc == SQLITE_ROW ? sqlite3_column_int64(q, 0) : 0;
	sqlite3_reset(q);
	if (rc != SQLITE_ROW) {
		sq_fail(s, "reading state");
		sq_rollback(st);
		return -1;
	}
	s->dirty = s->pruned = 0;
	s->fp.feed = 0;
	key_batch_reset(&s->k);
	return 0;
}

int
sq_commit(struct store *st)
{
	struct sqlstore	*s = sq(st);
	sqlite3_stmt	*q;

	if (!s->in_txn) {
		snprintf(s->base.err, sizeof(s->base.err), "store_commit: no "
		    "transaction");
		return -1;
	}
	if (sq_feed_done(s) == -1)
		goto fail;
	if (s->seq != s->seq0 || s->dirty) {
		q = sq_stmt(s, ST_STATE_SET);
		sqlite3_bind_int64(q, 1, s->seq);
		sqlite3_bind_int(q, 2, 1);
		if (sq_exec(s, q, "saving state") == -1)
			goto fail;
	}
	/* Give the pages freed by pruning back, so the file shrinks. */
	if (s->pruned && exec_sql(s, "PRAGMA incremental_vacuum") == -1)
		goto fail;
	if (sq_exec(s, sq_stmt(s, ST_COMMIT), "commit") == -1)
		goto fail;
	s->in_txn = 0;
	return 0;
fail:
	sq_rollback(st);
	return -1;
}

void
sq_rollback(struct store *st)
{
	struct sqlstore	*s = sq(st);

	if (!s->in_txn)
		return;
	/* After some errors SQLite has already rolled back. */
	if (!sqlite3_get_autocommit(s->db)) {
		sqlite3_stmt *q = sq_stmt(s, ST_ROLLBACK);

		sqlite3_step(q);
		sqlite3_reset(q);
	}
	s->in_txn = 0;
	s->fp.feed = 0;
}


const struct store_backend store_sqlite = {
	.name = "sqlite",
	.schemes = NULL,
	.open = sq_open,
	.close = sq_close,
	.schema_version = sq_schema_version,
	.damaged = sq_damaged,
	.checkpoint_thread = sq_checkpoint_thread,
	.checkpoint = sq_checkpoint,
	.begin = sq_begin,
	.commit = sq_commit,
	.rollback = sq_rollback,
	.sync_feeds = sq_sync_feeds,
	.feed_get = sq_feed_get,
	.feed_each = sq_feed_each,
	.put_entry = sq_put_entry,
	.put_meta = sq_put_meta,
	.put_feed = sq_put_feed,
	.prune = sq_prune,
	.prune_all = sq_prune_all,
	.prune_due = sq_prune_due,
	.recent = sq_recent,
	.since = sq_since,
	.after = sq_after,
	.dups_before = sq_dups_before,
	.seq = sq_seq,
	.generation = sq_generation,
	.totals = sq_totals,
	.digest_last = sq_digest_last,
	.digest_add = sq_digest_add,
	.digest_update = sq_digest_update,
	.hook_get = sq_hook_get,
	.hook_put = sq_hook_put,
	.rows = &sq_rows,
};
