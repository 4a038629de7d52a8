/*
 * test_store.c: every rule of the store, on real SQLite files; with a
 * PostgreSQL URI in FEEDMUX_TEST_PG (or as the argument), the same rules
 * on a real server, a new database per case (tests/t-store-pg.sh).  The
 * cases about SQLite's file (pragmas, WAL, its migrations) have their
 * PostgreSQL counterparts here.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>
#ifdef HAVE_LIBPQ
#include <libpq-fe.h>
#endif

#include "conf.h"
#include "dbq.h"
#include "store.h"
#include "tap.h"
#include "util.h"

#define NOW	INT64_C(1700000000)
#define DAY	86400

static char	 dir[] = "/tmp/test_store.XXXXXX";
static int	 ndb;
/* The PostgreSQL cluster's URI, postgresql://[AUTHORITY]/DB[?PARAMS]. */
static const char *pg_base;

#ifdef HAVE_LIBPQ
/* Database name made by a CREATE DATABASE statement, and its URI. */
static char *
pg_createdb(const char *name, const char *sql)
{
	const char	*auth, *db, *params;
	char		*uri;
	PGconn		*c = PQconnectdb(pg_base);
	PGresult	*r;

	r = PQexec(c, sql);
	if (PQresultStatus(r) != PGRES_COMMAND_OK) {
		printf("Bail out! %s: %s", sql, PQerrorMessage(c));
		exit(1);
	}
	PQclear(r);
	PQfinish(c);
	auth = strstr(pg_base, "://") + 3;
	db = auth + strcspn(auth, "/");
	params = db + strcspn(db, "?");
	xasprintf(&uri, "%.*s%s%s", (int)(db + 1 - pg_base), pg_base, name,
	    params);
	return uri;
}

/* A fresh database beside pg_base's, and its URI. */
static char *
pg_newdb(int n)
{
	char	 name[32], sql[64];

	/* Our own integer: identifiers take no parameters. */
	snprintf(name, sizeof(name), "fm_test_%d", n);
	snprintf(sql, sizeof(sql), "CREATE DATABASE %s", name);
	return pg_createdb(name, sql);
}
#endif

static char *
dbpath(void)
{
	char	*p;

#ifdef HAVE_LIBPQ
	if (pg_base != NULL)
		return pg_newdb(++ndb);
#endif
	xasprintf(&p, "%s/db%d.sqlite", dir, ++ndb);
	return p;
}

static struct conf *
mkconf(const char *names[], const char *urls[], size_t n)
{
	struct conf	*c = xcalloc(1, sizeof(*c));
	size_t		 i;

	c->feeds = xcalloc(n ? n : 1, sizeof(*c->feeds));
	for (i = 0; i < n; i++) {
		c->feeds[i].name = (char *)names[i];
		c->feeds[i].url = (char *)urls[i];
		c->feeds[i].enabled = 1;
	}
	c->nfeeds = n;
	return c;
}

static void
freeconf(struct conf *c)
{
	free(c->feeds);
	free(c);
}

/* A store with feeds "a" and "b" (and "c"). */
static struct store *
mkstore(char **pathp)
{
	const char	*names[] = { "a", "b", "c" };
	const char	*urls[] = { "http://127.0.0.1/a", "http://127.0.0.1/b",
			    "http://127.0.0.1/c" };
	struct conf	*c = mkconf(names, urls, 3);
	char		 err[512], *path = dbpath();
	struct store	*s = store_open(path, err, sizeof(err));

	if (s == NULL || store_sync_feeds(s, c, err, sizeof(err)) == -1) {
		printf("Bail out! %s\n", err);
		exit(1);
	}
	freeconf(c);
	if (pathp)
		*pathp = path;
	else
		free(path);
	return s;
}

static struct feed_state
feed(struct store *s, const char *name)
{
	struct feed_state fs;

	if (store_feed_get(s, name, &fs) != 1) {
		printf("Bail out! no feed %s\n", name);
		exit(1);
	}
	return fs;
}

static struct entry
ent(const char *id, const char *title, const char *link, const char *content,
    int64_t published)
{
	struct entry e;

	memset(&e, 0, sizeof(e));
	e.id = id;
	e.title = title;
	e.link = link;
	e.content = content;
	e.published = published;
	e.updated = DATE_NONE;
	return e;
}

/* Put one entry in its own transaction. */
static int
put1(struct store *s, const char *f, enum key_policy pol, struct entry e,
    int64_t now)
{
	struct feed_state fs = feed(s, f);
	int		 r;

	store_begin(s);
	r = store_put_entry(s, &fs, pol, &e, now);
	store_commit(s);
	feed_state_free(&fs);
	return r;
}

static int64_t
count(struct store *s, const char *path, const char *sql)
{
	(void)s;
	return db_int(path, sql);
}

/* store_recent / store_since collected as "feed:title[+also]" lines. */
static int
collect(void *arg, const struct stored_entry *e)
{
	struct buf	*b = arg;
	size_t		 i;

	buf_printf(b, "%s:%s", e->feed, e->title ? e->title : "");
	for (i = 0; i < e->nalso_feeds; i++)
		buf_printf(b, "+%s", e->also_feeds[i]);
	buf_addc(b, '\n');
	return 0;
}

static char *
recent(struct store *s)
{
	struct buf	 b = { 0 };

	buf_adds(&b, "");
	if (store_recent(s, collect, &b) == -1)
		buf_adds(&b, "ERROR");
	return b.s;
}

static char *
since(struct store *s, int64_t after, int64_t upto, int updates)
{
	struct buf	 b = { 0 };

	buf_adds(&b, "");
	if (store_since(s, after, upto, updates, collect, &b) == -1)
		buf_adds(&b, "ERROR");
	return b.s;
}

static void
test_open(void)
{
	char		*path, err[512];
	struct store	*s = mkstore(&path);

	{
		sqlite3 *db; sqlite3_stmt *q; const char *m = NULL;
		sqlite3_open(path, &db);
		sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &q, NULL);
		if (sqlite3_step(q) == SQLITE_ROW)
			m = (const char *)sqlite3_column_text(q, 0);
		is_str(m, "wal", "database in WAL mode");
		sqlite3_finalize(q);
		sqlite3_close(db);
	}
	is_int(count(s, path, "PRAGMA auto_vacuum"), 2, "auto_vacuum incremental");
	is_int(count(s, path, "PRAGMA page_size"), 8192, "8 KiB pages");
	is_int(count(s, path, "PRAGMA user_version"), store_schema_version(),
	    "user_version is the schema version");
	store_close(s);
	s = store_open(path, err, sizeof(err));
	ok(s != NULL, "reopened");
	store_close(s);
	free(path);
}

static void
test_newer_refused(void)
{
	char		*path, err[512], want[64];
	struct store	*s = mkstore(&path);
	sqlite3		*db;

	store_close(s);
	sqlite3_open(path, &db);
	sqlite3_exec(db, "PRAGMA user_version = 99", NULL, NULL, NULL);
	sqlite3_close(db);
	err[0] = '\0';
	s = store_open(path, err, sizeof(err));
	ok(s == NULL, "newer database refused");
	ok(strstr(err, "99") != NULL, "message names its version: %s", err);
	snprintf(want, sizeof(want), "version %d", store_schema_version());
	ok(strstr(err, want) != NULL, "message names ours");
	ok(strstr(err, path) != NULL, "message names the file");
	store_close(s);
	free(path);
}

#ifdef HAVE_LIBPQ
/* The PostgreSQL schema this feedmux writes (store_pg.c's migrations). */
#define PG_VERSION	2

/* PostgreSQL: a schema_version table, a UTF8 database, no password shown. */
static void
test_open_pg(void)
{
	char		*path, err[512];
	struct store	*s = mkstore(&path);

	is_int(count(s, path, "SELECT count(*) FROM schema_version"), 1,
	    "one schema_version row");
	is_int(count(s, path, "SELECT version FROM schema_version"), PG_VERSION,
	    "at the latest version");
	store_close(s);
	s = store_open(path, err, sizeof(err));
	ok(s != NULL, "reopened");
	is_int(count(s, path, "SELECT version FROM schema_version"), PG_VERSION,
	    "still at the latest version");
	store_close(s);
	free(path);
	path = pg_createdb("fm_latin1", "CREATE DATABASE fm_latin1 ENCODING"
	    " 'LATIN1' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0");
	s = store_open(path, err, sizeof(err));
	ok(s == NULL, "a LATIN1 database refused");
	ok(strstr(err, "encoding is LATIN1; feedmux needs UTF8") != NULL,
	    "and why: %s", err);
	store_close(s);
	s = store_open("postgresql://me:secret@/nodb?host=/nonexistent", err,
	    sizeof(err));
	ok(s == NULL, "no server: refused");
	ok(strstr(err, "secret") == NULL && strstr(err, "me:***@") != NULL,
	    "the message hides the password: %s", err);
	free(path);
}

/*
 * A connection the server ends: the call then fails with a message, the
 * next one connects again (statements prepared anew) and works.
 */
static void
test_reconnect_pg(void)
{
	char		*path;
	struct store	*s = mkstore(&path);
	struct feed_state fs;

	fs = feed(s, "a");
	feed_state_free(&fs);
	is_int(count(NULL, path, "SELECT count(pg_terminate_backend(pid))"
	    " FROM pg_stat_activity WHERE datname = current_database()"
	    " AND pid <> pg_backend_pid()"), 1, "the store's connection ended");
	is_int(store_feed_get(s, "a", &fs), -1, "the next call fails");
	ok(strstr(store_error(s), "loading a feed: ") != NULL,
	    "and says so: %s", store_error(s));
	is_int(store_feed_get(s, "a", &fs), 1, "the one after connects again");
	feed_state_free(&fs);
	is_int(put1(s, "a", KEY_AUTO, ent("r-1", "R", NULL, NULL, NOW), NOW),
	    STORE_NEW, "and writes");
	store_close(s);
	free(path);
}

static void
test_newer_refused_pg(void)
{
	char		*path, err[512], want[32];
	struct store	*s = mkstore(&path);

	store_close(s);
	ok(count(NULL, path, "UPDATE schema_version SET version = 99"
	    " RETURNING version") == 99, "schema_version set to 99");
	err[0] = '\0';
	s = store_open(path, err, sizeof(err));
	ok(s == NULL, "newer database refused");
	ok(strstr(err, "version 99 is newer") != NULL,
	    "message names its version: %s", err);
	snprintf(want, sizeof(want), "(version %d)", PG_VERSION);
	ok(strstr(err, want) != NULL, "message names ours");
	ok(strstr(err, path) != NULL, "message names the database");
	store_close(s);
	free(path);
}
#endif

static void
test_migration(void)
{
	char		 err[512], *path = dbpath();
	struct store	*s = store_open_version(path, 1, err, sizeof(err));
	sqlite3		*db;
	struct feed_state fs;
	struct entry	 e;
	int		 rc;

	ok(s != NULL, "opened at version 1");
	store_close(s);
	is_int(count(NULL, path, "PRAGMA user_version"), 1, "at version 1");
	sqlite3_open(path, &db);
	rc = sqlite3_exec(db, "INSERT INTO feeds(name, conf_url, url) VALUES"
	    "('a', 'http://127.0.0.1/a', 'http://127.0.0.1/a');"
	    "INSERT INTO entries(feed, key, guid, title, first_seen, changed,"
	    " sort_date, seq, hash) VALUES(1, 'g:old-1', 'old-1', 'Old', 5, 5,"
	    " 5, 1, 0); UPDATE state SET seq = 1;"
	    "INSERT INTO digests(slot, created, after_seq, upto_seq, sent)"
	    " VALUES(100, 100, 0, 1, 101);", NULL, NULL, NULL);
	sqlite3_close(db);
	is_int(rc, SQLITE_OK, "version 1 rows written");
	s = store_open(path, err, sizeof(err));
	ok(s != NULL, "older database opened and migrated");
	is_int(count(NULL, path, "PRAGMA user_version"), store_schema_version(),
	    "migrated to the current version");
	is_int(count(NULL, path, "SELECT count(*) FROM entries WHERE khash != 0"),
	    1, "existing keys hashed by the migration");
	store_feed_get(s, "a", &fs);
	e = ent("old-1", "Old", NULL, NULL, DATE_NONE);
	store_begin(s);
	rc = store_put_entry(s, &fs, KEY_AUTO, &e, NOW);
	store_commit(s);
	ok(rc == STORE_CHANGED || rc == STORE_SAME, "migrated entry still known");
	{
		struct digest_state ds;

		ok(store_digest_last(s, "", &ds) == 1 && ds.upto_seq == 1 &&
		    ds.sent == 101, "an old digest row is the default digest's");
		digest_state_free(&ds);
		is_int(store_digest_last(s, "news", &ds), 0,
		    "a named digest starts with none");
	}
	is_int(count(NULL, path, "SELECT count(*) FROM entries"), 1,
	    "no duplicate after migration");
	feed_state_free(&fs);
	store_close(s);
	free(path);
}

/*
 * Version 3 makes an entry's rowid its seq.  Rows of a version 2 database
 * whose rowids differ from their seqs keep their seqs, and digests of a
 * seq range still find them.
 */
static void
test_migration_rowid(void)
{
	char		 err[512], *path = dbpath(), *r;
	struct store	*s = store_open_version(path, 2, err, sizeof(err));
	sqlite3		*db;
	int		 rc;

	store_close(s);
	sqlite3_open(path, &db);
	rc = sqlite3_exec(db, "INSERT INTO feeds(name, conf_url, url) VALUES"
	    "('a', 'http://127.0.0.1/a', 'http://127.0.0.1/a');"
	    "INSERT INTO entries(id, feed, key, title, first_seen, changed,"
	    " sort_date, seq, hash, khash) VALUES"
	    " (1, 1, 'g:x', 'X', 5, 5, 5, 2, 0, 1),"
	    " (2, 1, 'g:y', 'Y', 6, 6, 6, 1, 0, 2),"
	    " (3, 1, 'g:z', 'Z', 7, 7, 7, 7, 0, 3);"
	    "UPDATE state SET seq = 7;", NULL, NULL, NULL);
	sqlite3_close(db);
	is_int(rc, SQLITE_OK, "version 2 rows written");
	s = store_open(path, err, sizeof(err));
	ok(s != NULL, "version 2 database migrated");
	is_int(count(NULL, path, "SELECT count(*) FROM entries WHERE id = seq"),
	    3, "rowids are seqs after the migration");
	is_int(count(NULL, path, "SELECT count(*) FROM sqlite_schema"
	    " WHERE name = 'entries_seq'"), 0, "seq index dropped");
	r = since(s, 1, 2, 0);
	is_str(r, "a:X\n", "a seq range finds its entry");
	free(r);
	r = since(s, 0, 7, 0);
	is_str(r, "a:Z\na:Y\na:X\n", "all of them, newest first");
	free(r);
	is_int(put1(s, "a", KEY_AUTO, ent("w", "W", NULL, NULL, 8), NOW),
	    STORE_NEW, "a new entry after the migration");
	is_int(count(NULL, path, "SELECT id FROM entries WHERE key = 'g:w'"), 8,
	    "takes the next seq as its rowid");
	store_close(s);
	free(path);
}

/*
 * A database of the current version taken back to an older one, as that
 * version made it: its entries written by today's code, every hash an
 * older feedmux's (stood in for by 12345).  Only 3 and 5 are needed.
 */
static void
rewind_to(const char *path, int version)
{
	sqlite3		*db;
	char		 sql[64];
	int		 rc;

	sqlite3_open(path, &db);
	rc = sqlite3_exec(db, "DROP TABLE IF EXISTS hooks;"
	    "DROP INDEX digests_name;"
	    "ALTER TABLE digests DROP COLUMN name;"
	    "ALTER TABLE entries DROP COLUMN author_email;"
	    "ALTER TABLE entries DROP COLUMN thumbnail;"
	    "ALTER TABLE feeds DROP COLUMN updated;"
	    "DROP INDEX entries_sort;"
	    "CREATE INDEX entries_sort ON entries(sort_date);"
	    "UPDATE entries SET hash = 12345;", NULL, NULL, NULL);
	if (rc == SQLITE_OK && version < 5)
		rc = sqlite3_exec(db, "ALTER TABLE state DROP COLUMN pruned",
		    NULL, NULL, NULL);
	snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", version);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
	sqlite3_close(db);
	is_int(rc, SQLITE_OK, "database taken back to an older version");
}

/*
 * Versions 4 and 6 change the content hash and recompute it in SQL from
 * the stored columns.  Rows written with another hash are, after the
 * migrations, unchanged to the new code: an upgrade must not mark every
 * entry updated.  Covers NULL and empty fields, lists, dates.
 */
static void
test_migration_hash(void)
{
	const char	*names[] = { "a" };
	const char	*urls[] = { "http://127.0.0.1/a" };
	const char	*cats[] = { "politics", "", "économie" };
	struct enclosure encs[] = { { "https://x.example/a.mp3", "audio/mpeg",
			    12345 }, { "https://x.example/b", NULL, -1 } };
	struct conf	*c = mkconf(names, urls, 1);
	char		 err[512], *path = dbpath();
	struct store	*s = store_open(path, err, sizeof(err));
	struct feed_state fs;
	struct entry	 e[5];
	size_t		 i;
	int		 same;

	ok(s != NULL && store_sync_feeds(s, c, err, sizeof(err)) == 0,
	    "opened");
	e[0] = ent("m-0", "Plain", "https://x.example/0", "<p>body</p>", NOW);
	e[1] = ent("m-1", "", NULL, NULL, DATE_NONE);
	e[1].summary = "only a summary, \u201cquoted\u201d";
	e[2] = ent(NULL, "Lists", "https://x.example/2", NULL, NOW - DAY);
	e[2].categories = cats;
	e[2].ncategories = nitems(cats);
	e[2].enclosures = encs;
	e[2].nenclosures = nitems(encs);
	e[2].author = "A. Writer";
	e[3] = ent("m-3", NULL, "https://x.example/3", "1234567", NOW);
	e[3].updated = NOW + 60;
	e[4] = ent("m-4", "Twelve chars", NULL, "", DATE_NONE);
	fs = feed(s, "a");
	store_begin(s);
	for (i = 0; i < nitems(e); i++)
		store_put_entry(s, &fs, KEY_AUTO, &e[i], NOW);
	store_commit(s);
	feed_state_free(&fs);
	store_close(s);
	is_int(count(NULL, path, "SELECT count(*) FROM entries"), 5,
	    "five entries");
	rewind_to(path, 3);
	s = store_open(path, err, sizeof(err));
	ok(s != NULL, "version 3 database migrated");
	is_int(count(NULL, path, "SELECT count(*) FROM entries"
	    " WHERE hash = 12345"), 0, "every hash recomputed");
	fs = feed(s, "a");
	store_begin(s);
	for (i = 0, same = 0; i < nitems(e); i++)
		same += store_put_entry(s, &fs, KEY_AUTO, &e[i], NOW + DAY) ==
		    STORE_SAME;
	store_commit(s);
	is_int(same, 5, "all five unchanged to the new code");
	e[2].ncategories = 2;
	store_begin(s);
	is_int(store_put_entry(s, &fs, KEY_AUTO, &e[2], NOW + DAY),
	    STORE_CHANGED, "a dropped category is still a change");
	store_commit(s);
	is_int(count(NULL, path, "SELECT count(*) FROM entries"
	    " WHERE changed_seq > 0"), 1, "only the changed one marked");
	feed_state_free(&fs);
	store_close(s);
	freeconf(c);
	free(path);
}

/* store_recent as "title author_email thumbnail feed_updated" lines. */
static int
collect_new(void *arg, const struct stored_entry *e)
{
	struct buf	*b = arg;

	buf_printf(b, "%s %s %s ", e->title ? e->title : "",
	    e->author_email ? e->author_email : "-",
	    e->thumbnail ? e->thumbnail : "-");
	if (e->feed_updated == DATE_NONE)
		buf_adds(b, "none\n");
	else
		buf_printf(b, "%lld\n", (long long)e->feed_updated);
	return 0;
}

static char *
recent_new(struct store *s)
{
	struct buf	 b = { 0 };

	buf_adds(&b, "");
	if (store_recent(s, collect_new, &b) == -1)
		buf_adds(&b, "ERROR");
	return b.s;
}

/*
 * Version 6 adds author_email and thumbnail: a version 5 database keeps
 * its entries, unchanged to the new code, and the new fields are stored
 * and read back.
 */
static void
test_migration_6(void)
{
	char		 err[512], *path, *r;
	struct store	*s = mkstore(&path);
	struct entry	 e;

	e = ent("m-1", "One", "https://x.example/1", "<p>1</p>", NOW - DAY);
	put1(s, "a", KEY_AUTO, e, NOW);
	e = ent("m-2", "Two", NULL, NULL, DATE_NONE);
	put1(s, "a", KEY_AUTO, e, NOW);
	store_close(s);
	rewind_to(path, 5);
	s = store_open(path, err, sizeof(err));
	ok(s != NULL, "version 5 database migrated");
	is_int(count(NULL, path, "PRAGMA user_version"), store_schema_version(),
	    "at the current version");
	is_int(count(NULL, path, "SELECT count(*) FROM hooks"), 0,
	    "a table of hook marks, empty");
	is_int(count(NULL, path, "SELECT count(*) FROM sqlite_schema WHERE"
	    " name = 'entries_sort' AND sql LIKE '%id DESC%'"), 1,
	    "the order index has the rowid ascending within a date");
	e = ent("m-1", "One", "https://x.example/1", "<p>1</p>", NOW - DAY);
	is_int(put1(s, "a", KEY_AUTO, e, NOW + DAY), STORE_SAME,
	    "a migrated entry is unchanged");
	e.author_email = "one@example.com";
	e.thumbnail = "https://x.example/1.png";
	is_int(put1(s, "a", KEY_AUTO, e, NOW + DAY), STORE_CHANGED,
	    "an author_email and a thumbnail are a change");
	is_int(put1(s, "a", KEY_AUTO, e, NOW + DAY), STORE_SAME,
	    "and then the same");
	r = recent_new(s);
	is_str(r, "Two - - none\n"
	    "One one@example.com https://x.example/1.png none\n",
	    "author_email and thumbnail read back");
	free(r);
	store_close(s);
	free(path);
}

/*
 * Undated entries first seen in one fetch keep the feed's order: newest
 * first as the feed lists them, not reversed by their rowids.  Entries of
 * a later fetch come before them.
 */
static void
test_undated_order(void)
{
	struct store	*s = mkstore(NULL);
	struct feed_state fs = feed(s, "a");
	struct entry	 e;
	struct buf	 want = { 0 };
	char		 id[16], *r;
	int		 i;

	store_begin(s);
	for (i = 0; i < 60; i++) {
		snprintf(id, sizeof(id), "u%d", i);
		e = ent(id, id, NULL, NULL, DATE_NONE);
		store_put_entry(s, &fs, KEY_AUTO, &e, NOW);
		buf_printf(&want, "a:u%d\n", i);
	}
	store_commit(s);
	r = recent(s);
	is_str(r, want.s, "60 undated entries in document order");
	free(r);
	e = ent("new", "new", NULL, NULL, DATE_NONE);
	put1(s, "a", KEY_AUTO, e, NOW + 3600);
	r = recent(s);
	ok(strncmp(r, "a:new\na:u0\na:u1\n", 16) == 0,
	    "a later fetch's entry first");
	free(r);
	buf_free(&want);
	feed_state_free(&fs);
	store_close(s);
}

/* What atom:source's updated comes from: the feed's own date, else its
 * newest entry's, else the fetch that last brought an undated change. */
static void
test_feed_updated(void)
{
	struct store	*s = mkstore(NULL);
	struct feed_state fs;
	struct feed_meta m;
	struct entry	 e;
	char		*r;

	memset(&m, 0, sizeof(m));
	m.title = "A";
	m.updated = NOW - 10;
	fs = feed(s, "a");
	e = ent("a1", "a1", NULL, NULL, NOW - 500);
	store_begin(s);
	store_put_entry(s, &fs, KEY_AUTO, &e, NOW);
	store_put_meta(s, &fs, &m);
	store_commit(s);
	feed_state_free(&fs);
	m.updated = DATE_NONE;
	fs = feed(s, "b");
	store_begin(s);
	e = ent("b1", "b1", NULL, NULL, NOW - 300);
	store_put_entry(s, &fs, KEY_AUTO, &e, NOW);
	e = ent("b2", "b2", NULL, NULL, NOW - 200);
	store_put_entry(s, &fs, KEY_AUTO, &e, NOW);
	e = ent("b3", "b3", NULL, NULL, NOW - 400);
	store_put_entry(s, &fs, KEY_AUTO, &e, NOW);
	store_put_meta(s, &fs, &m);
	store_commit(s);
	feed_state_free(&fs);
	fs = feed(s, "c");
	store_begin(s);
	e = ent("c1", "c1", NULL, NULL, DATE_NONE);
	store_put_entry(s, &fs, KEY_AUTO, &e, NOW - 5);
	store_put_meta(s, &fs, &m);
	store_commit(s);
	feed_state_free(&fs);
	r = recent_new(s);
	is_str(r, "c1 - - 1699999995\n"
	    "b2 - - 1699999800\n"
	    "b1 - - 1699999800\n"
	    "b3 - - 1699999800\n"
	    "a1 - - 1699999990\n", "the feed's date, its newest entry's, "
	    "the fetch of an undated change");
	free(r);
	fs = feed(s, "c");
	store_begin(s);
	e = ent("c1", "c1", NULL, NULL, DATE_NONE);
	store_put_entry(s, &fs, KEY_AUTO, &e, NOW + 600);
	store_put_meta(s, &fs, &m);
	store_commit(s);
	feed_state_free(&fs);
	r = recent_new(s);
	ok(strncmp(r, "c1 - - 1699999995\n", 18) == 0,
	    "a fetch that changes nothing leaves it (and the outputs)");
	free(r);
	store_close(s);
}

/*
 * Items whose <link> was empty have no link now (they took the feed's
 * link, one key for all of them): without a guid each is known by its
 * content; with one, by it.
 */
static void
test_no_link(void)
{
	char		*path;
	struct store	*s = mkstore(&path);
	struct feed_state fs = feed(s, "a");
	struct entry	 e[4];
	int		 i, r[4];

	e[0] = ent(NULL, "First", NULL, "<p>1</p>", DATE_NONE);
	e[1] = ent(NULL, "Second", NULL, "<p>2</p>", DATE_NONE);
	e[2] = ent("g-3", "Third", NULL, NULL, DATE_NONE);
	e[3] = ent("g-4", "Fourth", NULL, NULL, DATE_NONE);
	store_begin(s);
	for (i = 0; i < 4; i++)
		r[i] = store_put_entry(s, &fs, KEY_AUTO, &e[i], NOW);
	store_commit(s);
	ok(r[0] == STORE_NEW && r[1] == STORE_NEW && r[2] == STORE_NEW &&
	    r[3] == STORE_NEW, "four entries without links, all new");
	is_int(count(NULL, path, "SELECT count(*) FROM entries WHERE"
	    " key LIKE 'h:%' AND link IS NULL"), 2,
	    "no guid, no link: known by content");
	is_int(count(NULL, path, "SELECT count(*) FROM entries WHERE"
	    " key LIKE 'g:%' AND link IS NULL"), 2, "a guid: known by it");
	is_int(put1(s, "a", KEY_AUTO, e[1], NOW + 60), STORE_SAME,
	    "the same item again is the same entry");
	feed_state_free(&fs);
	store_close(s);
	free(path);
}

/*
 * With the checkpoint thread, commits leave the WAL to it: the database
 * file fills while the writer goes on, and ends whole.
 */
static void
test_checkpoint_thread(void)
{
	char		*path, err[512], id[32], body[1000], *wal;
	struct store	*s = mkstore(&path);
	struct feed_state fs = feed(s, "a");
	struct entry	 e;
	struct stat	 st;
	int		 i, j, waited;

	ok(store_checkpoint_thread(s, 0, err, sizeof(err)) == 0,
	    "checkpoint thread started");
	memset(body, 'c', sizeof(body) - 1);
	body[sizeof(body) - 1] = '\0';
	/* Some 30 MiB of WAL, past the thread's 2000 pages (16 MiB). */
	for (i = 0; i < 300; i++) {
		store_begin(s);
		for (j = 0; j < 100; j++) {
			snprintf(id, sizeof(id), "ck-%d-%d", i, j);
			e = ent(id, id, NULL, body, NOW);
			store_put_entry(s, &fs, KEY_AUTO, &e, NOW);
		}
		store_commit(s);
	}
	for (waited = 0; waited < 100; waited++) {
		if (stat(path, &st) == 0 && st.st_size > 8 * 1024 * 1024)
			break;
		usleep(50000);
	}
	ok(st.st_size > 8 * 1024 * 1024, "the thread copied the WAL into the "
	    "database file (%lld bytes)", (long long)st.st_size);
	ok(store_checkpoint(s) == 0, "a full checkpoint on top");
	store_close(s);
	xasprintf(&wal, "%s-wal", path);
	ok(stat(wal, &st) == -1, "closed: WAL checkpointed and removed");
	is_int(count(NULL, path, "SELECT count(*) FROM entries"), 30000,
	    "every entry there");
	is_int(count(NULL, path, "SELECT count(*) FROM pragma_integrity_check"
	    " WHERE integrity_check = 'ok'"), 1, "integrity_check");
	feed_state_free(&fs);
	free(wal);
	free(path);
}

/* The daily pass prunes feeds no longer configured, which no poll does. */
static void
test_prune_all(void)
{
	const char	*names[] = { "a" };
	const char	*urls[] = { "http://127.0.0.1/a" };
	struct conf	*c = mkconf(names, urls, 1);
	char		*path, err[512], id[16];
	struct store	*s = mkstore(&path);
	int		 i;

	for (i = 0; i < 4; i++) {
		snprintf(id, sizeof(id), "p%d", i);
		put1(s, "a", KEY_AUTO, ent(id, id, NULL, NULL, NOW - i), NOW);
		put1(s, "b", KEY_AUTO, ent(id, id, NULL, NULL, NOW - i), NOW);
	}
	ok(store_sync_feeds(s, c, err, sizeof(err)) == 0, "b and c dropped "
	    "from the config");
	c->defaults.keep = 5 * DAY;
	c->feeds[0].opts.keep_max = 3;
	ok(store_prune_all(s, c, NOW + DAY) == 0, "prune all at day 1");
	is_int(count(NULL, path, "SELECT count(*) FROM entries e JOIN feeds f"
	    " ON f.id = e.feed WHERE f.name = 'a'"), 3,
	    "a configured feed's own keep_max");
	is_int(count(NULL, path, "SELECT count(*) FROM entries e JOIN feeds f"
	    " ON f.id = e.feed WHERE f.name = 'b'"), 4,
	    "disabled feed within the default keep");
	ok(store_prune_all(s, c, NOW + 6 * DAY) == 0, "prune all at day 6");
	is_int(count(NULL, path, "SELECT count(*) FROM entries e JOIN feeds f"
	    " ON f.id = e.feed WHERE f.name = 'b'"), 0,
	    "disabled feed pruned by the default keep");
	is_int(count(NULL, path, "SELECT count(*) FROM tombstones t JOIN feeds f"
	    " ON f.id = t.feed WHERE f.name = 'b'"), 4, "with tombstones");
	store_begin(s);
	ok(store_prune_all(s, c, NOW) == -1, "refused inside a transaction");
	store_rollback(s);
	store_close(s);
	freeconf(c);
	free(path);
}

static void
test_sync(void)
{
	const char	*names[] = { "a", "x" };
	const char	*urls[] = { "http://127.0.0.1/a2", "http://127.0.0.1/x" };
	struct conf	*c = mkconf(names, urls, 2);
	char		*path, err[512];
	struct store	*s = mkstore(&path);
	struct feed_state fs = feed(s, "a");
	struct store_totals t;

	free(fs.etag);
	fs.etag = xstrdup("\"v1\"");
	store_begin(s);
	store_put_feed(s, &fs);
	store_commit(s);
	feed_state_free(&fs);
	ok(store_sync_feeds(s, c, err, sizeof(err)) == 0, "sync");
	fs = feed(s, "a");
	is_str(fs.url, "http://127.0.0.1/a2", "URL change taken");
	is_str(fs.conf_url, "http://127.0.0.1/a2", "conf_url changed");
	is_str(fs.etag, NULL, "validators of the old URL dropped");
	feed_state_free(&fs);
	store_totals(s, &t);
	is_int(t.feeds, 2, "feeds no longer configured are disabled");
	is_int(store_feed_get(s, "b", &fs), 1, "but not deleted");
	feed_state_free(&fs);
	freeconf(c);
	store_close(s);
	free(path);
}

static void
test_dedup(void)
{
	char		*path, *r;
	struct store	*s = mkstore(&path);
	struct entry	 e = ent("id-1", "One", "http://example.org/1", "body",
			    NOW - DAY);
	int64_t		 seq;

	is_int(put1(s, "a", KEY_AUTO, e, NOW), STORE_NEW, "first put is new");
	is_int(put1(s, "a", KEY_AUTO, e, NOW + 60), STORE_SAME, "same again");
	seq = store_seq(s);
	e.content = "body, corrected";
	is_int(put1(s, "a", KEY_AUTO, e, NOW + 120), STORE_CHANGED,
	    "changed content");
	is_int(count(NULL, path, "SELECT count(*) FROM entries"), 1,
	    "updated in place");
	is_int(count(NULL, path, "SELECT changed FROM entries"), NOW + 120,
	    "change time recorded");
	is_int(count(NULL, path, "SELECT first_seen FROM entries"), NOW,
	    "first seen kept");
	r = since(s, seq, store_seq(s), 0);
	is_str(r, "", "an update is not in the digest by default");
	free(r);
	r = since(s, seq, store_seq(s), 1);
	is_str(r, "a:One\n", "with updates it is");
	free(r);
	e.enclosures = &(struct enclosure){ "http://example.org/1.mp3",
	    "audio/mpeg", 1234 };
	e.nenclosures = 1;
	is_int(put1(s, "a", KEY_AUTO, e, NOW + 180), STORE_CHANGED,
	    "new enclosure is a change");
	e.title = "One (retitled)";
	is_int(put1(s, "a", KEY_AUTO, e, NOW + 240), STORE_CHANGED,
	    "retitled is a change, not a new entry");
	is_int(count(NULL, path, "SELECT count(*) FROM entries"), 1,
	    "still one entry");

	/* No guid: the link; no link either: title, date and content. */
	e = ent(NULL, "Two", "http://example.org/2?utm_source=rss", "x",
	    DATE_NONE);
	is_int(put1(s, "a", KEY_AUTO, e, NOW), STORE_NEW, "link-keyed new");
	e.link = "https://example.org/2#top";
	is_int(put1(s, "a", KEY_AUTO, e, NOW), STORE_CHANGED,
	    "same canonical link: same entry");
	e = ent(NULL, "Three", NULL, "three", NOW - DAY);
	is_int(put1(s, "a", KEY_AUTO, e, NOW), STORE_NEW, "content-keyed new");
	is_int(put1(s, "a", KEY_AUTO, e, NOW), STORE_SAME, "content-keyed same");
	e.content = "three!";
	is_int(put1(s, "a", KEY_AUTO, e, NOW), STORE_NEW,
	    "without guid or link, other content is another entry");
	e = ent("http://example.org/p?id=4&utm_medium=feed", "Four", NULL, NULL,
	    DATE_NONE);
	is_int(put1(s, "a", KEY_AUTO, e, NOW), STORE_NEW, "permalink guid");
	e.id = "https://Example.org:443/p?id=4";
	is_int(put1(s, "a", KEY_AUTO, e, NOW), STORE_SAME,
	    "guid through https and without tracking: same entry");
	is_int(put1(s, "b", KEY_AUTO, e, NOW), STORE_NEW,
	    "keys are scoped to a feed");
	is_int(count(NULL, path, "SELECT count(*) FROM entries WHERE canon ="
	    " '//example.org/2'"), 1, "canonical link stored");
	free(path);
	store_close(s);
}

static void
test_repeated_guids(void)
{
	char		*path;
	struct store	*s = mkstore(&path);
	struct feed_state fs = feed(s, "a");
	struct entry	 e1 = ent("same", "A", "http://example.org/a", NULL,
			    DATE_NONE);
	struct entry	 e2 = ent("same", "B", "http://example.org/b", NULL,
			    DATE_NONE);
	int		 r1, r2, r3;

	store_begin(s);
	r1 = store_put_entry(s, &fs, KEY_AUTO, &e1, NOW);
	r2 = store_put_entry(s, &fs, KEY_AUTO, &e2, NOW);
	r3 = store_put_entry(s, &fs, KEY_AUTO, &e2, NOW);
	store_commit(s);
	ok(r1 == STORE_NEW && r2 == STORE_NEW, "one guid, two links: two entries");
	is_int(r3, STORE_SAME, "an exact repeat is the same entry");
	store_begin(s);
	r1 = store_put_entry(s, &fs, KEY_AUTO, &e1, NOW + 60);
	r2 = store_put_entry(s, &fs, KEY_AUTO, &e2, NOW + 60);
	store_commit(s);
	ok(r1 == STORE_SAME && r2 == STORE_SAME, "both known on the next fetch");
	is_int(count(NULL, path, "SELECT count(*) FROM entries"), 2, "two rows");
	feed_state_free(&fs);
	free(path);
	store_close(s);
}

/* Fetch n entries whose guids change every time (round r). */
static int
churn_fetch(struct store *s, const char *f, enum key_policy pol, int r,
    int *nnew)
{
	struct feed_state fs = feed(s, f);
	char		 id[64], link[64];
	struct entry	 e;
	int		 i, churn;

	*nnew = 0;
	store_begin(s);
	for (i = 0; i < 10; i++) {
		snprintf(id, sizeof(id), "urn:x:%d:%d", r, i);
		snprintf(link, sizeof(link), "http://example.org/c/%d", i);
		e = ent(id, link, link, "same", NOW - i * DAY);
		*nnew += store_put_entry(s, &fs, pol, &e, NOW + r) == STORE_NEW;
	}
	store_commit(s);
	feed_state_free(&fs);
	fs = feed(s, f);
	churn = fs.key_churn;
	feed_state_free(&fs);
	return churn;
}

static void
test_policies_and_churn(void)
{
	struct store	*s = mkstore(NULL);
	struct entry	 e;
	int		 nnew;

	is_int(churn_fetch(s, "a", KEY_AUTO, 1, &nnew), 0, "first fetch: no churn");
	is_int(nnew, 10, "ten new");
	is_int(churn_fetch(s, "a", KEY_AUTO, 2, &nnew), 1,
	    "guids changing with known links: churn detected");
	is_int(nnew, 10, "(all looked new)");
	is_int(churn_fetch(s, "b", KEY_LINK, 1, &nnew), 0, "key=link: first");
	is_int(churn_fetch(s, "b", KEY_LINK, 2, &nnew), 0, "key=link: no churn");
	is_int(nnew, 0, "key=link: nothing new when only guids change");
	is_int(churn_fetch(s, "a", KEY_LINK, 3, &nnew), 0,
	    "churn flag clears when keys are stable");

	e = ent("g1", "T", "http://example.org/t", "c", NOW - DAY);
	is_int(put1(s, "c", KEY_CONTENT, e, NOW), STORE_NEW, "key=content new");
	e.id = "g2";
	e.link = "http://example.org/t2";
	is_int(put1(s, "c", KEY_CONTENT, e, NOW), STORE_CHANGED,
	    "key=content ignores guid and link");
	e.content = "c2";
	is_int(put1(s, "c", KEY_CONTENT, e, NOW), STORE_NEW,
	    "key=content: other content is another entry");
	store_close(s);
}

static void
test_cross_feed(void)
{
	char		*path, *r;
	struct store	*s = mkstore(&path);
	struct entry	 e;
	int64_t		 seq0, seq1;

	e = ent("a-1", "Story", "http://news.example/story?utm_source=a", NULL,
	    NOW - 3600);
	put1(s, "a", KEY_AUTO, e, NOW);
	seq0 = store_seq(s);
	e = ent("b-77", "Story", "https://NEWS.example/story#x", NULL,
	    NOW - 3600);
	put1(s, "b", KEY_AUTO, e, NOW + 10);
	e = ent("tag:example.org,2024:9", "Tagged", "http://a.example/9", NULL,
	    NOW - 7200);
	put1(s, "a", KEY_AUTO, e, NOW);
	e = ent("tag:example.org,2024:9", "Tagged", "http://b.example/9", NULL,
	    NOW - 7200);
	put1(s, "c", KEY_AUTO, e, NOW + 5);
	e = ent("7", "Local a", "http://a.example/7", NULL, NOW - 9000);
	put1(s, "a", KEY_AUTO, e, NOW);
	e = ent("7", "Local b", "http://b.example/7", NULL, NOW - 9000);
	put1(s, "b", KEY_AUTO, e, NOW);
	is_int(count(NULL, path, "SELECT count(*) FROM entries"), 6,
	    "stored per feed");
	r = recent(s);
	is_str(r, "a:Story+b\na:Tagged+c\na:Local a\nb:Local b\n",
	    "merged: one row per article, both sources known; short ids "
	    "do not match across feeds; one date in the order they came");
	free(r);
	seq1 = store_seq(s);
	r = since(s, seq0, seq1, 0);
	is_str(r, "a:Tagged+c\na:Local a\nb:Local b\n",
	    "digest leaves out what an earlier digest delivered");
	free(r);
	r = since(s, 0, seq1, 0);
	is_str(r, "a:Story+b\na:Tagged+c\na:Local a\nb:Local b\n",
	    "digest folds duplicates in its range");
	free(r);
	free(path);
	store_close(s);
}

static void
test_ordering(void)
{
	struct store	*s = mkstore(NULL);
	char		*r;
	struct entry	 e;

	e = ent("f", "Future", NULL, NULL, NOW + 365 * DAY);
	put1(s, "a", KEY_AUTO, e, NOW - 100);
	e = ent("o", "Old history", NULL, NULL, NOW - 3 * 365 * DAY);
	put1(s, "b", KEY_AUTO, e, NOW);
	e = ent("n", "Recent", NULL, NULL, NOW - 50);
	put1(s, "a", KEY_AUTO, e, NOW);
	e = ent("u", "Undated", NULL, NULL, DATE_NONE);
	put1(s, "c", KEY_AUTO, e, NOW - 200);
	r = recent(s);
	is_str(r, "a:Recent\na:Future\nc:Undated\nb:Old history\n",
	    "by date, never later than first seen");
	free(r);
	store_close(s);
}

static void
test_tombstones(void)
{
	const char	*names[] = { "a" };
	const char	*urls[] = { "http://127.0.0.1/a" };
	struct conf	*c;
	char		*path;
	struct store	*s = mkstore(&path);
	struct feed_state fs = feed(s, "a");
	struct feed_opts o = { 0 };
	struct entry	 e;
	char		 id[16];
	int		 i, r, nnew = 0;

	o.keep_max = 2;
	store_begin(s);
	for (i = 0; i < 4; i++) {
		snprintf(id, sizeof(id), "t%d", i);
		e = ent(id, id, NULL, NULL, NOW - (10 - i) * DAY);
		store_put_entry(s, &fs, KEY_AUTO, &e, NOW);
	}
	store_prune(s, &fs, &o, NOW);
	store_commit(s);
	is_int(count(NULL, path, "SELECT count(*) FROM entries"), 2,
	    "keep_max = 2 keeps two");
	is_int(count(NULL, path, "SELECT count(*) FROM entries WHERE key IN"
	    " ('g:t2', 'g:t3')"), 2, "the newest two");
	is_int(count(NULL, path, "SELECT count(*) FROM tombstones"), 2,
	    "two tombstones");
	store_begin(s);
	for (i = 0; i < 4; i++) {
		snprintf(id, sizeof(id), "t%d", i);
		e = ent(id, id, NULL, NULL, NOW - (10 - i) * DAY);
		r = store_put_entry(s, &fs, KEY_AUTO, &e, NOW + DAY);
		nnew += r == STORE_NEW;
	}
	store_prune(s, &fs, &o, NOW + DAY);
	store_commit(s);
	is_int(nnew, 0, "pruned entries that reappear are not new");
	is_int(count(NULL, path, "SELECT count(*) FROM entries"), 2,
	    "and not stored again");

	/* Age and tombstone expiry are the daily pass's. */
	c = mkconf(names, urls, 1);
	c->defaults.keep = 5 * DAY;
	c->feeds[0].opts = c->defaults;
	store_prune(s, &fs, &c->defaults, NOW + 6 * DAY);
	is_int(count(NULL, path, "SELECT count(*) FROM entries"), 2,
	    "a poll's prune leaves age to the daily pass");
	is_int(store_prune_due(s, NOW + DAY), 1, "daily pass due: never run");
	store_prune_all(s, c, NOW + DAY);
	is_int(count(NULL, path, "SELECT count(*) FROM entries"), 2,
	    "keep = 5d: old-dated entries first seen a day ago stay");
	is_int(store_prune_due(s, NOW + 2 * DAY - 1), 0,
	    "not due again within the day");
	is_int(store_prune_due(s, NOW + 2 * DAY), 1, "due a day later");
	store_prune_all(s, c, NOW + 6 * DAY);
	is_int(count(NULL, path, "SELECT count(*) FROM entries"), 0,
	    "keep = 5d: pruned five days after first seen");
	e = ent("fresh", "fresh", NULL, NULL, NOW);
	is_int(put1(s, "a", KEY_AUTO, e, NOW + 6 * DAY), STORE_NEW,
	    "a genuinely new entry is still new");
	store_prune_all(s, c, NOW + 400 * DAY);
	is_int(count(NULL, path, "SELECT count(*) FROM tombstones WHERE"
	    " seen < 1700000000 + 200 * 86400"), 0,
	    "tombstones not seen for long are forgotten");
	freeconf(c);
	feed_state_free(&fs);
	free(path);
	store_close(s);
}

static void
test_shrink(void)
{
	const char	*names[] = { "a" };
	const char	*urls[] = { "http://127.0.0.1/a" };
	struct conf	*c;
	char		*path, big[4000], id[16];
	struct store	*s = mkstore(&path);
	struct feed_state fs = feed(s, "a");
	struct entry	 e;
	int64_t		 before, after;
	int		 i;

	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	store_begin(s);
	for (i = 0; i < 1000; i++) {
		snprintf(id, sizeof(id), "s%d", i);
		e = ent(id, id, NULL, big, NOW - i);
		store_put_entry(s, &fs, KEY_AUTO, &e, NOW);
	}
	store_commit(s);
	before = count(NULL, path, "PRAGMA page_count");
	c = mkconf(names, urls, 1);
	c->feeds[0].opts.keep_max = 10;
	store_prune_all(s, c, NOW);
	freeconf(c);
	after = count(NULL, path, "PRAGMA page_count");
	ok(after * 10 < before, "pruning shrinks the database (%lld -> %lld pages)",
	    (long long)before, (long long)after);
	is_int(count(NULL, path, "PRAGMA freelist_count"), 0, "no free pages left");
	feed_state_free(&fs);
	free(path);
	store_close(s);
}

static void
test_atomic_fetch(void)
{
	char		*path;
	struct store	*s = mkstore(&path);
	struct feed_state fs = feed(s, "a");
	struct entry	 e = ent("r1", "R", NULL, NULL, NOW);
	int64_t		 gen = store_generation(s);

	store_begin(s);
	store_put_entry(s, &fs, KEY_AUTO, &e, NOW);
	free(fs.etag);
	fs.etag = xstrdup("\"abc\"");
	store_put_feed(s, &fs);
	store_rollback(s);
	feed_state_free(&fs);
	fs = feed(s, "a");
	is_str(fs.etag, NULL, "rolled back: no validators");
	is_int(fs.entries, 0, "rolled back: no entries");
	is_int(store_generation(s), gen, "generation unchanged");
	store_begin(s);
	store_put_entry(s, &fs, KEY_AUTO, &e, NOW);
	free(fs.etag);
	fs.etag = xstrdup("\"abc\"");
	fs.last_poll = NOW;
	store_put_feed(s, &fs);
	store_commit(s);
	feed_state_free(&fs);
	fs = feed(s, "a");
	is_str(fs.etag, "\"abc\"", "committed: validators");
	is_int(fs.entries, 1, "committed: entries");
	is_int(fs.last_new, NOW, "last_new set by a new entry");
	ok(store_generation(s) > gen, "generation moved");
	feed_state_free(&fs);
	free(path);
	store_close(s);
}

/*
 * Validators are opaque bytes, sent back as received: not UTF-8 (obs-text
 * in an ETag, Latin-1 in a Last-Modified) included.
 */
static void
test_validator_bytes(void)
{
	char		*path;
	struct store	*s = mkstore(&path);
	struct feed_state fs = feed(s, "a");

	fs.etag = xstrdup("W/\"\xff\xfe caf\xe9\"");
	fs.last_modified = xstrdup("Mi, 15 M\xe4r 2023 10:00:00 GMT");
	store_begin(s);
	ok(store_put_feed(s, &fs) == 0, "bytes that are not UTF-8 stored");
	ok(store_commit(s) == 0, "and committed");
	feed_state_free(&fs);
	fs = feed(s, "a");
	is_str(fs.etag, "W/\"\xff\xfe caf\xe9\"", "ETag read back as sent");
	is_str(fs.last_modified, "Mi, 15 M\xe4r 2023 10:00:00 GMT",
	    "Last-Modified read back as sent");
	feed_state_free(&fs);
	free(path);
	store_close(s);
}

static void
test_digests(void)
{
	struct store	*s = mkstore(NULL);
	struct digest_state ds = { 0 }, got;
	struct store_totals t;

	is_int(store_digest_last(s, "", &got), 0, "no digest yet");
	ds.slot = NOW;
	ds.created = NOW + 1;
	ds.after_seq = 0;
	ds.upto_seq = 5;
	ok(store_digest_add(s, "", &ds) == 0 && ds.id > 0, "digest recorded");
	ds.sent = NOW + 2;
	ds.attempts = 1;
	ds.error = "none";
	store_digest_update(s, &ds);
	is_int(store_digest_last(s, "", &got), 1, "digest found");
	ok(got.upto_seq == 5 && got.sent == NOW + 2 && got.attempts == 1,
	    "digest fields");
	is_str(got.error, "none", "digest error");
	digest_state_free(&got);
	/* Each name has its own rows: a later one of another is not ours. */
	ds.upto_seq = 9;
	ds.sent = 0;
	ds.error = NULL;
	ok(store_digest_add(s, "news", &ds) == 0, "named digest recorded");
	ok(store_digest_last(s, "", &got) == 1 && got.upto_seq == 5,
	    "the default digest's mark is its own");
	digest_state_free(&got);
	ok(store_digest_last(s, "news", &got) == 1 && got.upto_seq == 9 &&
	    got.sent == 0, "the named digest's mark is its own");
	digest_state_free(&got);
	store_totals(s, &t);
	ok(t.feeds == 3 && t.entries == 0 && t.failing == 0, "totals");
	store_close(s);
}

int
main(int argc, char *argv[])
{
	if (mkdtemp(dir) == NULL)
		return 1;
	pg_base = argc > 1 ? argv[1] : getenv("FEEDMUX_TEST_PG");
	if (pg_base != NULL && *pg_base == '\0')
		pg_base = NULL;
	if (pg_base != NULL) {
#ifdef HAVE_LIBPQ
		printf("# backend: postgresql (%s)\n", pg_base);
		test_open_pg();
		test_newer_refused_pg();
		test_reconnect_pg();
#else
		printf("Bail out! a PostgreSQL URI, but built without libpq\n");
		return 1;
#endif
	} else {
		test_open();
		test_newer_refused();
		test_migration();
		test_migration_rowid();
		test_migration_hash();
		test_migration_6();
		test_checkpoint_thread();
	}
	test_undated_order();
	test_feed_updated();
	test_no_link();
	test_prune_all();
	test_sync();
	test_dedup();
	test_repeated_guids();
	test_policies_and_churn();
	test_cross_feed();
	test_ordering();
	test_tombstones();
	if (pg_base == NULL)
		test_shrink();
	test_atomic_fetch();
	test_validator_bytes();
	test_digests();
	rm_tree(dir);
	return done_testing();
}
