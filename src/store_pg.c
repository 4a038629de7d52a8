/*
 * store_pg.c: the PostgreSQL backend (struct store_backend store_pg),
 * through libpq: connecting, statements, errors, transactions, feeds.
 * The schema and its migrations are in store_pg_schema.c; entries are
 * written and pruned in store_pg_put.c and read in store_pg_read.c.  The schema means what SQLite's does
 * (store_sqlite.c) and entries get their identity from the same code
 * (store_key.c), so both backends give the same outputs.
 *
 * Statements are prepared once per connection (PQprepare, on first use)
 * and run with bound parameters (PQexecPrepared), never formatted.
 *
 * Every call waits for the server's answer: the daemon's loop blocks in
 * each store call.  Each is one short statement or a short transaction:
 * a lease (one statement), a fetch's commit (its feed's keys read in one
 * round trip, then a statement per new or changed entry), a page of
 * PAGE entries for the outputs.  Several daemons share the load, and a
 * daemon waiting on the server holds up only its own transfers' reading,
 * which libcurl buffers meanwhile; the asynchronous interface would make
 * every store call a state machine for little gain on a near server.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "log.h"
#include "store.h"
#include "store_int.h"
#include "store_pg.h"
#include "store_rows.h"
#include "util.h"

/* Daemons take leases in turns on this one. */
#define LEASE_LOCK	"7046656566"
/* The daemon that renders the merged outputs holds this one. */
#define RENDER_LOCK	"7046656565"

/* A feed's columns, in the order of enum fc (store_sqlite.c's too). */
#define FEED_STATE \
	"id, name, url, conf_url, title, link, etag, last_modified, last_poll," \
	" last_success, last_new, next_poll, next_reason, last_status," \
	" failures, failing_since, last_error, gone, malformed, key_churn," \
	" ttl, sy_period, sy_frequency, skip_hours, skip_days, max_age,"
#define FEED_LEASE	" lease_owner, lease_until"
#define FEED_COLS	FEED_STATE \
	" (SELECT count(*) FROM entries e WHERE e.feed = feeds.id)," FEED_LEASE
enum fc {
	FC_ID, FC_NAME, FC_URL, FC_CONF_URL, FC_TITLE, FC_LINK, FC_ETAG,
	FC_LAST_MODIFIED, FC_LAST_POLL, FC_LAST_SUCCESS, FC_LAST_NEW,
	FC_NEXT_POLL, FC_NEXT_REASON, FC_LAST_STATUS, FC_FAILURES,
	FC_FAILING_SINCE, FC_LAST_ERROR, FC_GONE, FC_MALFORMED, FC_KEY_CHURN,
	FC_TTL, FC_SY_PERIOD, FC_SY_FREQUENCY, FC_SKIP_HOURS, FC_SKIP_DAYS,
	FC_MAX_AGE, FC_ENTRIES, FC_LEASE_OWNER, FC_LEASE_UNTIL
};

/*
 * An entry's columns as outputs read them, in the order of enum ec in
 * store_pg_read.c; reads go a page at a time, in a total order (the
 * last row's sort columns start the next page).
 */
#define ENTRY_COLS \
	"e.id, e.seq, f.name, coalesce(f.conf_title, f.title, f.name), f.link," \
	" f.url, f.category, e.guid, e.key, e.title, e.link, e.author," \
	" e.summary, e.content, e.published, e.updated, e.first_seen," \
	" e.sort_date, e.categories, e.enclosures, e.feed, e.canon, e.gid," \
	" e.author_email, e.thumbnail, f.updated"
#define PAGE	"256"

static const char *const pg_sql[PS__MAX] = {
	/* Writers take turns, as SQLite's BEGIN IMMEDIATE has them. */
	[PS_STATE_LOCK] = "SELECT seq, generation FROM state FOR UPDATE",
	[PS_STATE_GET] = "SELECT seq, generation FROM state",
	[PS_STATE_SET] = "UPDATE state SET seq = $1,"
	    " generation = generation + $2",
	[PS_ENTRY_FIND] = "SELECT hash FROM entries WHERE feed = $1"
	    " AND md5(key) = md5($2::text) AND key = $2",
	[PS_FEED_HAS] = "SELECT EXISTS(SELECT 1 FROM tombstones"
	    " WHERE feed = $1)::int, EXISTS(SELECT 1 FROM entries"
	    " WHERE feed = $1)::int",
	[PS_TOMB_FIND] = "SELECT seen FROM tombstones WHERE feed = $1"
	    " AND khash = $2",
	[PS_TOMB_TOUCH] = "UPDATE tombstones SET seen = $3"
	    " WHERE feed = $1 AND khash = $2",
	[PS_LINK_KNOWN] = "SELECT 1 FROM entries WHERE canon = $2"
	    " AND feed = $1 LIMIT 1",
	[PS_UPSERT] = "INSERT INTO entries(id, feed, key, khash, guid, gid,"
	    " title, link, canon, author, summary, content, categories,"
	    " enclosures, published, updated, first_seen, changed, sort_date,"
	    " seq, changed_seq, hash, author_email, thumbnail) VALUES($18, $1,"
	    " $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15,"
	    " $16, $16, $17, $18, 0, $19, $20, $21)"
	    " ON CONFLICT(feed, md5(key)) DO UPDATE SET guid = excluded.guid,"
	    " gid = excluded.gid, title = excluded.title, link = excluded.link,"
	    " canon = excluded.canon, author = excluded.author,"
	    " author_email = excluded.author_email,"
	    " thumbnail = excluded.thumbnail,"
	    " summary = excluded.summary, content = excluded.content,"
	    " categories = excluded.categories,"
	    " enclosures = excluded.enclosures,"
	    " published = excluded.published, updated = excluded.updated,"
	    " changed = excluded.changed,"
	    " sort_date = least(excluded.sort_date, entries.first_seen),"
	    " changed_seq = excluded.seq, hash = excluded.hash"
	    " WHERE entries.hash <> excluded.hash",
	/* Each deleted row leaves a tombstone; the count comes back. */
	[PS_PRUNE_AGE] = "WITH d AS (DELETE FROM entries WHERE feed = $1"
	    " AND first_seen < $2 RETURNING khash),"
	    " t AS (INSERT INTO tombstones(feed, khash, seen)"
	    " SELECT $1::bigint, khash, $3::bigint FROM d"
	    " ON CONFLICT DO NOTHING)"
	    " SELECT count(*) FROM d",
	[PS_PRUNE_MAX] = "WITH d AS (DELETE FROM entries WHERE id IN"
	    " (SELECT id FROM entries WHERE feed = $1"
	    " ORDER BY sort_date DESC, id OFFSET $2) RETURNING khash),"
	    " t AS (INSERT INTO tombstones(feed, khash, seen)"
	    " SELECT $1::bigint, khash, $3::bigint FROM d"
	    " ON CONFLICT DO NOTHING)"
	    " SELECT count(*) FROM d",
	[PS_TOMB_EXPIRE] = "DELETE FROM tombstones WHERE feed = $1"
	    " AND seen < $2",
	[PS_FEED_SYNC] = "INSERT INTO feeds(name, conf_url, url, conf_title,"
	    " category, enabled, host) VALUES($1, $2, $2, $3, $4, $5, $6)"
	    " ON CONFLICT(name) DO UPDATE SET"
	    " url = CASE WHEN feeds.conf_url = excluded.conf_url"
	    "  THEN feeds.url ELSE excluded.url END,"
	    " host = CASE WHEN feeds.conf_url = excluded.conf_url"
	    "  AND feeds.host <> '' THEN feeds.host ELSE excluded.host END,"
	    " etag = CASE WHEN feeds.conf_url = excluded.conf_url"
	    "  THEN feeds.etag END,"
	    " last_modified = CASE WHEN feeds.conf_url = excluded.conf_url"
	    "  THEN feeds.last_modified END,"
	    " gone = CASE WHEN feeds.conf_url = excluded.conf_url"
	    "  THEN feeds.gone ELSE 0 END,"
	    " conf_url = excluded.conf_url, conf_title = excluded.conf_title,"
	    " category = excluded.category, enabled = excluded.enabled"
	    " WHERE feeds.conf_url IS DISTINCT FROM excluded.conf_url"
	    " OR feeds.conf_title IS DISTINCT FROM excluded.conf_title"
	    " OR feeds.category IS DISTINCT FROM excluded.category"
	    " OR feeds.enabled IS DISTINCT FROM excluded.enabled"
	    " OR feeds.host = ''",
	[PS_FEED_ENABLED] = "SELECT name FROM feeds WHERE enabled = 1",
	[PS_FEED_ALL] = "SELECT id, name FROM feeds ORDER BY id",
	[PS_FEED_DISABLE] = "UPDATE feeds SET enabled = 0 WHERE name = $1",
	[PS_FEED_GET] = "SELECT " FEED_COLS " FROM feeds WHERE name = $1",
	[PS_FEED_EACH] = "SELECT " FEED_COLS " FROM feeds WHERE enabled = 1"
	    " ORDER BY name",
	[PS_FEED_PUT] = "UPDATE feeds SET url = $2, etag = $3,"
	    " last_modified = $4, last_poll = $5, last_success = $6,"
	    " last_new = greatest(last_new, $7), next_poll = $8,"
	    " next_reason = $9, last_status = $10, failures = $11,"
	    " failing_since = $12, last_error = $13, gone = $14,"
	    " malformed = $15, max_age = $16, host = $17,"
	    " lease_owner = NULL, lease_until = 0 WHERE id = $1",
	[PS_FEED_META] = "UPDATE feeds SET title = $2, link = $3, ttl = $4,"
	    " sy_period = $5, sy_frequency = $6, skip_hours = $7,"
	    " skip_days = $8, updated = coalesce($9, updated)"
	    " WHERE id = $1 AND (title IS DISTINCT FROM $2"
	    " OR link IS DISTINCT FROM $3 OR ttl <> $4 OR sy_period <> $5"
	    " OR sy_frequency <> $6 OR skip_hours <> $7 OR skip_days <> $8"
	    " OR coalesce($9, updated) IS DISTINCT FROM updated)",
	[PS_FEED_CHURN] = "UPDATE feeds SET key_churn = $2 WHERE id = $1",
	[PS_FEED_LASTNEW] = "UPDATE feeds SET last_new = greatest(last_new, $2)"
	    " WHERE id = $1",
	[PS_FEED_COUNT] = "SELECT count(*) FROM entries WHERE feed = $1",
	[PS_FEED_KEYS] = "SELECT khash, hash FROM entries WHERE feed = $1",
	[PS_PRUNED_GET] = "SELECT pruned FROM state",
	[PS_PRUNED_SET] = "UPDATE state SET pruned = $1",
	[PS_DUPS] = "SELECT e.id, e.first_seen, e.seq, f.name FROM entries e"
	    " JOIN feeds f ON f.id = e.feed WHERE f.enabled = 1"
	    " AND e.feed <> $1 AND (e.canon IN ($2, $3) OR e.gid IN ($2, $3))",
	[PS_RECENT] = "SELECT " ENTRY_COLS " FROM entries e"
	    " JOIN feeds f ON f.id = e.feed WHERE f.enabled = 1"
	    " AND e.sort_date <= $1"
	    " AND (e.sort_date < $1 OR (e.sort_date = $1 AND e.id > $2))"
	    " ORDER BY e.sort_date DESC, e.id LIMIT " PAGE,
	/* New entries, then (with $3) changed ones, by feed name. */
	[PS_SINCE] = "SELECT " ENTRY_COLS " FROM entries e"
	    " JOIN feeds f ON f.id = e.feed WHERE f.enabled = 1"
	    " AND ((e.id > $1 AND e.id <= $2) OR ($3 <> 0"
	    " AND e.changed_seq > 0 AND e.changed_seq > $1"
	    " AND e.changed_seq <= $2))"
	    " AND (f.name > $4 OR (f.name = $4 AND (e.sort_date < $5"
	    " OR (e.sort_date = $5 AND e.id > $6))))"
	    " ORDER BY f.name, e.sort_date DESC, e.id LIMIT " PAGE,
	[PS_AFTER] = "SELECT " ENTRY_COLS " FROM entries e"
	    " JOIN feeds f ON f.id = e.feed WHERE f.enabled = 1 AND e.id > $1"
	    " ORDER BY e.id LIMIT " PAGE,
	[PS_DUPS_BEFORE] = "SELECT " ENTRY_COLS " FROM entries x"
	    " JOIN entries e ON e.feed <> x.feed AND e.id < x.id"
	    " AND (e.canon IN (x.canon, x.gid) OR e.gid IN (x.canon, x.gid))"
	    " JOIN feeds f ON f.id = e.feed WHERE x.id = $1 AND f.enabled = 1"
	    " ORDER BY e.id",
	[PS_DIGEST_LAST] = "SELECT id, slot, created, after_seq, upto_seq,"
	    " sent, attempts, next_try, error FROM digests WHERE name = $1"
	    " ORDER BY id DESC LIMIT 1",
	[PS_DIGEST_ADD] = "INSERT INTO digests(slot, created, after_seq,"
	    " upto_seq, sent, attempts, next_try, error, name)"
	    " VALUES($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
	[PS_DIGEST_UPDATE] = "UPDATE digests SET sent = $2, attempts = $3,"
	    " next_try = $4, error = $5 WHERE id = $1",
	[PS_TOTAL_FEEDS] = "SELECT count(*), count(*) FILTER (WHERE"
	    " failures > 0), coalesce(sum(gone), 0) FROM feeds"
	    " WHERE enabled = 1",
	[PS_TOTAL_ENTRIES] = "SELECT count(*) FROM entries",
	[PS_HOOK_GET] = "SELECT mark, failures, failing_since, next_try,"
	    " last_success, last_error, delivered FROM hooks WHERE name = $1",
	[PS_HOOK_PUT] = "INSERT INTO hooks(name, mark, failures,"
	    " failing_since, next_try, last_success, last_error, delivered)"
	    " VALUES($1, $2, $3, $4, $5, $6, $7, $8)"
	    " ON CONFLICT(name) DO UPDATE SET mark = excluded.mark,"
	    " failures = excluded.failures,"
	    " failing_since = excluded.failing_since,"
	    " next_try = excluded.next_try,"
	    " last_success = excluded.last_success,"
	    " last_error = excluded.last_error, delivered = excluded.delivered",
	/*
	 * Sharing (store_pg_share.c).  Leases are taken in turns (their
	 * own lock, not the writers'), so one counts every lease per host
	 * committed before it, and a lease ended by a commit still in
	 * flight errs on the safe side; SKIP LOCKED passes over the feeds
	 * whose row another transaction is writing.  Hosts at their limit
	 * are left out before the LIMIT, so they do not crowd out others.
	 */
	[PS_LEASE_LOCK] = "SELECT pg_advisory_xact_lock(" LEASE_LOCK ")",
	[PS_LEASE] = "WITH busy AS (SELECT host, count(*) AS n FROM feeds"
	    " WHERE lease_until > $1 GROUP BY host),"
	    " cand AS (SELECT id, host, next_poll FROM feeds"
	    " WHERE enabled = 1 AND gone = 0 AND next_poll <= $1"
	    " AND lease_until <= $1 AND ($4 <= 0 OR host = '' OR host NOT IN"
	    " (SELECT host FROM busy WHERE n >= $4))"
	    " AND host NOT IN (SELECT host FROM host_blocks WHERE until > $1)"
	    " ORDER BY next_poll, id LIMIT $6 FOR UPDATE SKIP LOCKED),"
	    " pick AS (SELECT c.id AS pid FROM (SELECT id, host, next_poll,"
	    " row_number() OVER (PARTITION BY host ORDER BY next_poll, id)"
	    " AS r FROM cand) c LEFT JOIN busy b ON b.host = c.host"
	    " WHERE $4 <= 0 OR c.host = '' OR c.r + coalesce(b.n, 0) <= $4"
	    " ORDER BY c.next_poll, c.id LIMIT $3)"
	    " UPDATE feeds SET lease_owner = $2, lease_until = $5"
	    " FROM pick WHERE id = pick.pid RETURNING " FEED_STATE " 0,"
	    FEED_LEASE,
	[PS_UNLEASE] = "UPDATE feeds SET lease_owner = NULL, lease_until = 0"
	    " WHERE lease_owner = $1 AND ($2::text IS NULL OR name = $2)",
	[PS_DUE_ALL] = "UPDATE feeds SET next_poll = 0 WHERE enabled = 1"
	    " AND gone = 0 AND next_poll > 0 AND (next_reason IS NULL"
	    " OR next_reason NOT LIKE 'retry-after%')",
	/* A host that asked us to wait (Retry-After), for every daemon. */
	[PS_HOST_BLOCK] = "INSERT INTO host_blocks(host, until) VALUES($1, $2)"
	    " ON CONFLICT(host) DO UPDATE SET"
	    " until = greatest(host_blocks.until, excluded.until)",
	[PS_CLAIM] = "INSERT INTO claims(what, owner, until) VALUES($1, $2, $4)"
	    " ON CONFLICT(what) DO UPDATE SET owner = excluded.owner,"
	    " until = excluded.until WHERE claims.until <= $3"
	    " OR claims.owner = excluded.owner RETURNING 1",
	[PS_UNCLAIM] = "DELETE FROM claims WHERE what = $1 AND owner = $2",
	/* Session-wide: released when the connection ends, however. */
	[PS_RENDER_LOCK] = "SELECT pg_try_advisory_lock(" RENDER_LOCK ")",
	[PS_RENDER_PUT] = "INSERT INTO renderings(name, generation, mtime,"
	    " body) VALUES($1, $2, $3, $4) ON CONFLICT(name) DO UPDATE SET"
	    " generation = excluded.generation, mtime = CASE WHEN"
	    " renderings.body = excluded.body THEN renderings.mtime"
	    " ELSE excluded.mtime END, body = excluded.body",
	[PS_RENDER_GET] = "SELECT generation, mtime, body FROM renderings"
	    " WHERE name = $1 AND generation <> $2",
};

static void	pg_close(struct store *);

/* Set when the server reports damaged data (SQLSTATE class XX). */
static int	 damaged;

static int
pg_damaged(void)
{
	return damaged;
}

/* ---- parameters ---- */

void
pg_args(struct pgargs *a)
{
	a->n = 0;
}

static void
arg_push(struct pgargs *a, const char *v, int len, int fmt)
{
	if (a->n == PG_MAXARGS)
		fatalx("store: too many parameters");
	a->v[a->n] = v;
	a->len[a->n] = len;
	a->fmt[a->n] = fmt;
	a->n++;
}

void
pg_arg_int(struct pgargs *a, int64_t v)
{
	if (a->n == PG_MAXARGS)
		fatalx("store: too many parameters");
	snprintf(a->num[a->n], sizeof(a->num[a->n]), "%lld", (long long)v);
	arg_push(a, a->num[a->n], 0, 0);
}

void
pg_arg_text(struct pgargs *a, const char *v)
{
	arg_push(a, v, 0, 0);
}

/* Text that is not NUL-terminated (a struct buf's): sent as is. */
void
pg_arg_textn(struct pgargs *a, const char *v, size_t n)
{
	arg_push(a, v, (int)n, 1);
}

void
pg_arg_date(struct pgargs *a, int64_t t)
{
	if (t == DATE_NONE)
		arg_push(a, NULL, 0, 0);
	else
		pg_arg_int(a, t);
}

/* A string's bytes as they are (a bytea column); NULL stays NULL. */
void
pg_arg_blob(struct pgargs *a, const char *v)
{
	arg_push(a, v, v != NULL ? (int)strlen(v) : 0, 1);
}

/* An empty list is NULL, as in SQLite. */
void
pg_arg_bytes(struct pgargs *a, const struct buf *b)
{
	if (b->len == 0)
		arg_push(a, NULL, 0, 1);
	else
		arg_push(a, b->s, (int)b->len, 1);
}

/* ---- errors and statements ---- */

static void
set_err(struct pgstore *s, const char *what, const char *msg)
{
	size_t	 n;

	char	*p;

	snprintf(s->base.err, sizeof(s->base.err), "%s: %s", what, msg);
	/* libpq's messages run over lines: one line here. */
	for (p = s->base.err; *p != '\0'; p++)
		if (*p == '\n' || *p == '\t')
			*p = ' ';
	n = strlen(s->base.err);
	while (n > 0 && s->base.err[n - 1] == ' ')
		s->base.err[--n] = '\0';
}

/* The error of r (or of the connection), as "what: message"; -1. */
int
pg_fail(struct pgstore *s, PGresult *r, const char *what)
{
	const char	*state;

	state = r != NULL ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
	if (state != NULL && strncmp(state, "XX00", 4) == 0 &&
	    (state[4] == '1' || state[4] == '2')) {
		damaged = 1;
		snprintf(s->base.err, sizeof(s->base.err), "%s: %s (%s)",
		    s->where, STORE_DAMAGED, PQresultErrorMessage(r));
		return -1;
	}
	set_err(s, what, r != NULL && *PQresultErrorMessage(r) != '\0' ?
	    PQresultErrorMessage(r) : PQerrorMessage(s->conn));
	return -1;
}

/*
 * A connection the server dropped (a restart, an idle timeout) is made
 * again between transactions, its statements to be prepared anew; within
 * one the transaction is lost anyway, and its caller told.
 */
static int
alive(struct pgstore *s)
{
	if (PQstatus(s->conn) == CONNECTION_OK || s->in_txn)
		return 0;
	PQreset(s->conn);
	memset(s->prepared, 0, sizeof(s->prepared));
	s->renderer = 0;	/* the lock went with the old session */
	if (PQstatus(s->conn) != CONNECTION_OK) {
		set_err(s, s->where, PQerrorMessage(s->conn));
		return -1;
	}
	log_info("%s: connected again", s->where);
	return 0;
}

static int
prepare(struct pgstore *s, enum pst i)
{
	PGresult	*r;
	char		 name[16], what[64];

	if (s->prepared[i])
		return 0;
	snprintf(name, sizeof(name), "fm%d", (int)i);
	r = PQprepare(s->conn, name, pg_sql[i], 0, NULL);
	if (PQresultStatus(r) != PGRES_COMMAND_OK) {
		snprintf(what, sizeof(what), "preparing \"%.40s\"", pg_sql[i]);
		pg_fail(s, r, what);
		PQclear(r);
		return -1;
	}
	PQclear(r);
	s->prepared[i] = 1;
	return 0;
}

/* Run statement i; the result, or NULL with the error set. */
PGresult *
pg_run(struct pgstore *s, enum pst i, const struct pgargs *a,
    const char *what)
{
	PGresult	*r;
	char		 name[16];
	int		 st;

	if (alive(s) == -1 || prepare(s, i) == -1)
		return NULL;
	snprintf(name, sizeof(name), "fm%d", (int)i);
	r = PQexecPrepared(s->conn, name, a != NULL ? a->n : 0,
	    a != NULL ? a->v : NULL, a != NULL ? a->len : NULL,
	    a != NULL ? a->fmt : NULL, 0);
	st = PQresultStatus(r);
	if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK) {
		pg_fail(s, r, what);
		PQclear(r);
		return NULL;
	}
	return r;
}

/* Run a statement for its effect; *changed: the rows it touched. */
int
pg_exec(struct pgstore *s, enum pst i, const struct pgargs *a,
    const char *what, int64_t *changed)
{
	PGresult	*r;

	if ((r = pg_run(s, i, a, what)) == NULL)
		return -1;
	if (changed != NULL)
		*changed = strtoll(PQcmdTuples(r), NULL, 10);
	PQclear(r);
	return 0;
}

/* Text SQL without parameters: migrations and transaction control. */
int
pg_exec_sql(struct pgstore *s, const char *text, const char *what)
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

int64_t
pg_int(const PGresult *r, int row, int col)
{
	return strtoll(PQgetvalue(r, row, col), NULL, 10);
}

int64_t
pg_date(const PGresult *r, int row, int col)
{
	return PQgetisnull(r, row, col) ? DATE_NONE : pg_int(r, row, col);
}

const char *
pg_text(const PGresult *r, int row, int col)
{
	return PQgetisnull(r, row, col) ? NULL : PQgetvalue(r, row, col);
}

char *
pg_strdup(const PGresult *r, int row, int col)
{
	const char	*v = pg_text(r, row, col);

	return v != NULL ? xstrdup(v) : NULL;
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return c - 'A' + 10;
}

/* A bytea column, sent as text ("\x" and hex digits), into b. */
void
pg_bytes(const PGresult *r, int row, int col, struct buf *b)
{
	const char	*p = PQgetvalue(r, row, col);

	buf_reset(b);
	if (PQgetisnull(r, row, col) || p[0] != '\\' || p[1] != 'x')
		return;
	for (p += 2; p[0] != '\0' && p[1] != '\0'; p += 2)
		buf_addc(b, hexval(p[0]) << 4 | hexval(p[1]));
}

/* A bytea column as a string; NULL for NULL. */
static char *
bytes_strdup(const PGresult *r, int row, int col)
{
	struct buf	 b = { NULL, 0, 0 };
	char		*v;

	if (PQgetisnull(r, row, col))
		return NULL;
	pg_bytes(r, row, col, &b);
	v = xstrdup(buf_cstr(&b));
	buf_free(&b);
	return v;
}

/* ---- opening and migrations ---- */

/* The URI for messages: a password in it is not repeated. */
static char *
redact(const char *uri)
{
	const char	*p, *at, *colon;
	char		*out;

	if ((p = strstr(uri, "://")) == NULL)
		return xstrdup(uri);
	p += 3;
	at = p + strcspn(p, "@/?");
	colon = memchr(p, ':', (size_t)(at - p));
	if (*at != '@' || colon == NULL)
		return xstrdup(uri);
	xasprintf(&out, "%.*s:***%s", (int)(colon - uri), uri, at);
	return out;
}

/*
 * Text is UTF-8 throughout feedmux; a database in another encoding would
 * refuse some of it at the first feed that has such characters.
 */
static int
check_encoding(struct pgstore *s)
{
	const char	*enc;

	if (PQsetClientEncoding(s->conn, "UTF8") != 0) {
		set_err(s, "setting the client encoding",
		    PQerrorMessage(s->conn));
		return -1;
	}
	enc = PQparameterStatus(s->conn, "server_encoding");
	if (enc != NULL && strcmp(enc, "UTF8") != 0 &&
	    strcmp(enc, "SQL_ASCII") != 0) {
		snprintf(s->base.err, sizeof(s->base.err), "%s: the database's "
		    "encoding is %s; feedmux needs UTF8 (CREATE DATABASE ... "
		    "ENCODING 'UTF8')", s->where, enc);
		return -1;
	}
	return 0;
}

/* The server's notices (an index already there...) are not ours to print. */
static void
notice(void *arg, const char *msg)
{
	log_debug("postgresql: %s", msg);
}

/*
 * path is any libpq connection URI.  A reader is a writer here: the
 * server, not file permissions, decides what a role may do.
 */
static struct store *
pg_open(const char *path, int version, int reader, char *err,
    size_t errlen)
{
	struct pgstore	*s;
	int		 i;

	s = xcalloc(1, sizeof(*s));
	s->base.path = xstrdup(path);
	s->where = redact(path);
	if (version <= 0 || version > pg_schema_version())
		version = pg_schema_version();
	s->conn = PQconnectdb(path);
	if (PQstatus(s->conn) != CONNECTION_OK) {
		set_err(s, s->where, PQerrorMessage(s->conn));
		goto fail;
	}
	PQsetNoticeProcessor(s->conn, notice, NULL);
	pg_owner(s);
	if (check_encoding(s) == -1 || pg_migrate(s, version) == -1)
		goto fail;
	/* All of them now: a statement the schema cannot take fails here. */
	if (version == pg_schema_version())
		for (i = 0; i < PS__MAX; i++)
			if (prepare(s, i) == -1)
				goto fail;
	return &s->base;
fail:
	if (strncmp(s->base.err, s->where, strlen(s->where)) == 0)
		snprintf(err, errlen, "%s", s->base.err);
	else
		snprintf(err, errlen, "%s: %s", s->where, s->base.err);
	pg_close(&s->base);
	return NULL;
}

static void
pg_close(struct store *st)
{
	struct pgstore	*s = pgs(st);

	if (s->in_txn)
		pg_rollback(st);
	PQfinish(s->conn);
	key_free(&s->k);
	keyset_free(&s->known);
	key_lists_free(&s->row.lists);
	key_lists_free(&s->drow.lists);
	buf_free(&s->row.cats);
	buf_free(&s->row.encs);
	buf_free(&s->drow.cats);
	buf_free(&s->drow.encs);
	buf_free(&s->also);
	free(s->valso);
	free(s->where);
	free(s->base.path);
	free(s);
}

/* ---- feeds ---- */

void
pg_feed_row(const PGresult *r, int i, struct feed_state *fs)
{
	memset(fs, 0, sizeof(*fs));
	fs->id = pg_int(r, i, FC_ID);
	fs->name = pg_strdup(r, i, FC_NAME);
	fs->url = pg_strdup(r, i, FC_URL);
	fs->conf_url = pg_strdup(r, i, FC_CONF_URL);
	fs->title = pg_strdup(r, i, FC_TITLE);
	fs->link = pg_strdup(r, i, FC_LINK);
	fs->etag = bytes_strdup(r, i, FC_ETAG);
	fs->last_modified = bytes_strdup(r, i, FC_LAST_MODIFIED);
	fs->last_poll = pg_int(r, i, FC_LAST_POLL);
	fs->last_success = pg_int(r, i, FC_LAST_SUCCESS);
	fs->last_new = pg_int(r, i, FC_LAST_NEW);
	fs->next_poll = pg_int(r, i, FC_NEXT_POLL);
	fs->next_reason = pg_strdup(r, i, FC_NEXT_REASON);
	fs->last_status = (int)pg_int(r, i, FC_LAST_STATUS);
	fs->failures = (int)pg_int(r, i, FC_FAILURES);
	fs->failing_since = pg_int(r, i, FC_FAILING_SINCE);
	fs->last_error = pg_strdup(r, i, FC_LAST_ERROR);
	fs->gone = (int)pg_int(r, i, FC_GONE);
	fs->malformed = (int)pg_int(r, i, FC_MALFORMED);
	fs->key_churn = (int)pg_int(r, i, FC_KEY_CHURN);
	fs->ttl = (int)pg_int(r, i, FC_TTL);
	fs->sy_period = pg_int(r, i, FC_SY_PERIOD);
	fs->sy_frequency = (int)pg_int(r, i, FC_SY_FREQUENCY);
	fs->skip_hours = (uint32_t)pg_int(r, i, FC_SKIP_HOURS);
	fs->skip_days = (uint8_t)pg_int(r, i, FC_SKIP_DAYS);
	fs->max_age = pg_int(r, i, FC_MAX_AGE);
	fs->entries = pg_int(r, i, FC_ENTRIES);
	fs->lease_owner = pg_strdup(r, i, FC_LEASE_OWNER);
	fs->lease_until = pg_int(r, i, FC_LEASE_UNTIL);
}

static int
sync_one(struct pgstore *s, const struct feed_conf *fc)
{
	struct pgargs	 a;
	char		 host[256];
	int64_t		 n;

	pg_args(&a);
	pg_arg_text(&a, fc->name);
	pg_arg_text(&a, fc->url);
	pg_arg_text(&a, fc->title);
	pg_arg_text(&a, fc->category);
	pg_arg_int(&a, fc->enabled ? 1 : 0);
	pg_arg_text(&a, pg_host(fc->url, host, sizeof(host)));
	if (pg_exec(s, PS_FEED_SYNC, &a, "syncing feeds", &n) == -1)
		return -1;
	if (n > 0)
		s->dirty = 1;
	return 0;
}

/* Feeds enabled in the database but absent from the config. */
static int
disable_unlisted(struct pgstore *s, const struct conf *conf)
{
	struct pgargs	 a;
	PGresult	*r;
	int		 i, ret = 0;

	if ((r = pg_run(s, PS_FEED_ENABLED, NULL, "listing feeds")) == NULL)
		return -1;
	for (i = 0; i < PQntuples(r) && ret == 0; i++) {
		if (conf_feed(conf, PQgetvalue(r, i, 0)) != NULL)
			continue;
		pg_args(&a);
		pg_arg_text(&a, PQgetvalue(r, i, 0));
		ret = pg_exec(s, PS_FEED_DISABLE, &a, "disabling a feed", NULL);
		s->dirty = 1;
	}
	PQclear(r);
	return ret;
}

static int
pg_sync_feeds(struct store *st, const struct conf *conf, char *err,
    size_t errlen)
{
	struct pgstore	*s = pgs(st);
	size_t		 i;

	if (pg_begin(st) == -1)
		goto fail;
	for (i = 0; i < conf->nfeeds; i++)
		if (sync_one(s, &conf->feeds[i]) == -1)
			goto fail;
	if (disable_unlisted(s, conf) == -1 || pg_commit(st) == -1)
		goto fail;
	return 0;
fail:
	snprintf(err, errlen, "%s", s->base.err);
	pg_rollback(st);
	return -1;
}

static int
pg_feed_get(struct store *st, const char *name, struct feed_state *fs)
{
	struct pgstore	*s = pgs(st);
	struct pgargs	 a;
	PGresult	*r;
	int		 found;

	pg_args(&a);
	pg_arg_text(&a, name);
	if ((r = pg_run(s, PS_FEED_GET, &a, "loading a feed")) == NULL)
		return -1;
	if ((found = PQntuples(r) > 0))
		pg_feed_row(r, 0, fs);
	PQclear(r);
	return found;
}

/* The callback may use the store: the rows are all here first. */
static int
pg_feed_each(struct store *st, int (*cb)(void *, const struct feed_state *),
    void *arg)
{
	struct pgstore		*s = pgs(st);
	struct feed_state	 fs;
	PGresult		*r;
	int			 i, stop = 0;

	if ((r = pg_run(s, PS_FEED_EACH, NULL, "listing feeds")) == NULL)
		return -1;
	for (i = 0; i < PQntuples(r) && !stop; i++) {
		pg_feed_row(r, i, &fs);
		stop = cb(arg, &fs);
		feed_state_free(&fs);
	}
	PQclear(r);
	return stop < 0 ? -1 : 0;
}

/* ---- transactions ---- */

/* A transaction that writes no entries and leaves state alone. */
int
pg_begin_unlocked(struct store *st)
{
	struct pgstore	*s = pgs(st);

	if (s->in_txn) {
		snprintf(s->base.err, sizeof(s->base.err), "store_begin: "
		    "already in a transaction");
		return -1;
	}
	if (alive(s) == -1 || pg_exec_sql(s, "BEGIN", "begin") == -1)
		return -1;
	s->in_txn = 1;
	s->seq = s->seq0;
	s->dirty = 0;
	s->fp.feed = 0;
	return 0;
}

/*
 * A new database has no statistics until autovacuum comes (a minute or
 * more), and prepared statements keep the plans made for their first
 * runs: while entries is nearly empty, a scan of the table for each
 * lookup, which outlives its growth.  Each time the store has grown
 * fourfold, once the transaction that saw it is over, its tables are
 * analyzed and its statements made anew.  A role that may not ANALYZE
 * leaves that to autovacuum.
 */
static void
replan(struct pgstore *s)
{
	PGresult	*r;

	if (s->planned_at == 0 || s->seq <= 4 * s->planned_at + 1000)
		return;
	r = PQexec(s->conn, "ANALYZE entries, tombstones, feeds");
	if (PQresultStatus(r) != PGRES_COMMAND_OK)
		log_debug("%s: ANALYZE: %s", s->where,
		    PQresultErrorMessage(r));
	PQclear(r);
	PQclear(PQexec(s->conn, "DEALLOCATE ALL"));
	memset(s->prepared, 0, sizeof(s->prepared));
	s->planned_at = s->seq;
}

int
pg_begin(struct store *st)
{
	struct pgstore	*s = pgs(st);
	PGresult	*r;

	if (pg_begin_unlocked(st) == -1)
		return -1;
	if ((r = pg_run(s, PS_STATE_LOCK, NULL, "reading state")) == NULL ||
	    PQntuples(r) != 1) {
		if (r != NULL)
			set_err(s, "reading state", "no state row");
		PQclear(r);
		pg_rollback(st);
		return -1;
	}
	s->seq = s->seq0 = pg_int(r, 0, 0);
	PQclear(r);
	s->dirty = 0;
	s->fp.feed = 0;
	key_batch_reset(&s->k);
	if (s->planned_at == 0)
		s->planned_at = s->seq0 > 0 ? s->seq0 : 1;
	return 0;
}

int
pg_commit(struct store *st)
{
	struct pgstore	*s = pgs(st);
	struct pgargs	 a;

	if (!s->in_txn) {
		snprintf(s->base.err, sizeof(s->base.err), "store_commit: no "
		    "transaction");
		return -1;
	}
	if (pg_feed_done(s) == -1)
		goto fail;
	if (s->seq != s->seq0 || s->dirty) {
		pg_args(&a);
		pg_arg_int(&a, s->seq);
		pg_arg_int(&a, 1);
		if (pg_exec(s, PS_STATE_SET, &a, "saving state", NULL) == -1)
			goto fail;
	}
	if (pg_exec_sql(s, "COMMIT", "commit") == -1)
		goto fail;
	s->in_txn = 0;
	replan(s);
	return 0;
fail:
	pg_rollback(st);
	return -1;
}

void
pg_rollback(struct store *st)
{
	struct pgstore	*s = pgs(st);

	if (!s->in_txn)
		return;
	PQclear(PQexec(s->conn, "ROLLBACK"));
	s->in_txn = 0;
	s->fp.feed = 0;
}

static const char *const pg_schemes[] = {
	"postgresql://", "postgres://", NULL
};

/*
 * No checkpoint members: the server runs its own.  No file to be
 * damaged either; damaged data the server finds is reported by pg_fail.
 */
const struct store_backend store_pg = {
	.name = "postgresql",
	.schemes = pg_schemes,
	.open = pg_open,
	.close = pg_close,
	.schema_version = pg_schema_version,
	.damaged = pg_damaged,
	.checkpoint_thread = NULL,
	.checkpoint = NULL,
	.begin = pg_begin,
	.commit = pg_commit,
	.rollback = pg_rollback,
	.sync_feeds = pg_sync_feeds,
	.feed_get = pg_feed_get,
	.feed_each = pg_feed_each,
	.put_entry = pg_put_entry,
	.put_meta = pg_put_meta,
	.put_feed = pg_put_feed,
	.prune = pg_prune,
	.prune_all = pg_prune_all,
	.prune_due = pg_prune_due,
	.recent = pg_recent,
	.since = pg_since,
	.after = pg_after,
	.dups_before = pg_dups_before,
	.seq = pg_seq,
	.generation = pg_generation,
	.totals = pg_totals,
	.digest_last = pg_digest_last,
	.digest_add = pg_digest_add,
	.digest_update = pg_digest_update,
	.hook_get = pg_hook_get,
	.hook_put = pg_hook_put,
	.lease = pg_lease,
	.unlease = pg_unlease,
	.due_all = pg_due_all,
	.host_block = pg_host_block,
	.claim = pg_claim,
	.unclaim = pg_unclaim,
	.render_lock = pg_render_lock,
	.rendering_put = pg_rendering_put,
	.rendering_get = pg_rendering_get,
	.rows = &pg_rows,
};
