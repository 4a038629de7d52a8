/*
 * store.h: the store, behind one interface whatever the backend (SQLite
 * or PostgreSQL: store.c dispatches, the store_*.c files hold all the
 * SQL).
 *
 * Entries are identified within their feed by a key (guid/id, else link,
 * else a hash of title, date and content; see enum key_policy), written
 * with INSERT ... ON CONFLICT DO UPDATE.  One fetched feed is one
 * transaction, including its HTTP validators and schedule.
 */
#ifndef FEEDMUX_STORE_H
#define FEEDMUX_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "conf.h"
#include "parse.h"
#include "util.h"

struct store;
struct feed_state;

/*
 * A database is a file (SQLite) or a libpq connection URI beginning with
 * postgresql:// or postgres:// (PostgreSQL, when built with libpq).
 * 1 when database names a server, not a file.
 */
int		 store_is_server(const char *database);
/*
 * Open (creating and migrating) the database at path.  A database made by
 * a newer feedmux is refused with both schema versions in err.
 */
struct store	*store_open(const char *path, char *err, size_t errlen);
/*
 * For commands that only read (status, digest -n): store_open when we may
 * write the database and its directory, else a read-only open that needs
 * no -wal or -shm file of its own.  A read-only database is not migrated.
 */
struct store	*store_open_reader(const char *path, char *err, size_t errlen);
/*
 * Has SQLite found a database of this process damaged (corrupt, truncated,
 * not a database)?  Every command then exits EX_DATAERR (65); the store's
 * error reads "PATH: " STORE_DAMAGED " (sqlite's words)".
 */
int		 store_damaged(void);
#define STORE_DAMAGED	"the database is damaged; restore it from a " \
			"backup, or move it aside to start a new one"
/*
 * WAL checkpoints on a thread of their own from now on, every `pages`
 * pages of WAL (0: the default, 2000); the poller's choice, so that
 * commits never wait for their fsyncs.  -1 with err if that fails.
 */
int		 store_checkpoint_thread(struct store *, int pages, char *err,
		    size_t errlen);
/* Checkpoint the whole WAL now, waiting for any other checkpoint. */
int		 store_checkpoint(struct store *);
/*
 * Several daemons on one database (a server's).  A file has one daemon,
 * which keeps its schedule in memory (sched.h); on a server the daemons
 * share the feeds through leases in the database and these are the
 * rules (SQLite leaves each to its trivial answer).
 */
/* 1 when the store is shared among daemons: poll through store_lease. */
int	store_shared(struct store *);
/*
 * Lease up to n feeds due at now (enabled, not gone, not leased) to this
 * process until now + secs, oldest due first, never so many that a host
 * would have more than per_host leases at once across every daemon
 * (0: no limit); cb gets each feed's state (entries not counted), which
 * it may take over (leaving it zeroed).  The feed's store_put_feed ends
 * its lease, as does store_unlease; an expired lease returns it to the
 * pool.  Returns how many were leased, -1 on error.
 */
int	store_lease(struct store *, int64_t now, int n, int per_host,
	    int64_t secs, int (*cb)(void *, struct feed_state *), void *);
/* End this process's lease on name (NULL: on every feed it holds). */
int	store_unlease(struct store *, const char *name);
/* Every feed due now, save those whose server asked us to wait. */
int	store_due_all(struct store *);
/*
 * host (sched.h's key) asked us to wait until then (Retry-After): no
 * daemon leases its feeds before.  A file's daemon keeps that in memory.
 */
int	store_host_block(struct store *, const char *host, int64_t until);
/*
 * Claim the job what (a digest, a hook) for this process until now + secs
 * (renewed if it holds it already): 1 claimed, 0 another process holds
 * it, -1 error.  store_unclaim gives it back.
 */
int	store_claim(struct store *, const char *what, int64_t now,
	    int64_t secs);
int	store_unclaim(struct store *, const char *what);
/*
 * 1 when this process renders the merged outputs: it holds the server's
 * render lock (taken now if free; it goes with the connection, so a dead
 * daemon's passes to the next that asks).  A file's one daemon: 1.
 */
int	store_render_lock(struct store *);
/* The latest rendering of output name (renderer's), for every daemon. */
int	store_rendering_put(struct store *, const char *name, int64_t gen,
	    int64_t mtime, const void *body, size_t len);
/*
 * 1 with *gen, *mtime and body (replaced) when a rendering of name newer
 * than *gen is stored, 0 when none is newer, -1 on error.
 */
int	store_rendering_get(struct store *, const char *name, int64_t *gen,
	    int64_t *mtime, struct buf *body);

/* The schema version this program writes. */
int		 store_schema_version(void);
/* Open migrating only up to version (tests of migrations); 0: latest. */
struct store	*store_open_version(const char *path, int version, char *err,
		    size_t errlen);
void		 store_close(struct store *);

/* A feed's state, kept across runs.  Strings are owned by the struct. */
struct feed_state {
	int64_t		 id;
	char		*name;
	char		*url;		/* current URL (permanent redirects) */
	char		*conf_url;	/* URL as configured */
	char		*title;		/* from the feed document */
	char		*link;
	char		*etag;		/* validators, opaque, as received */
	char		*last_modified;
	int64_t		 last_poll;	/* 0: never */
	int64_t		 last_success;
	int64_t		 last_new;	/* last time an entry was new */
	int64_t		 next_poll;
	char		*next_reason;	/* "interval", "ttl", "retry-after", "backoff", ... */
	int		 last_status;	/* HTTP status, 0 for none */
	int		 failures;	/* consecutive */
	int64_t		 failing_since;
	char		*last_error;
	int		 gone;		/* 410 seen: retired */
	int		 malformed;	/* last document was not well-formed */
	int		 key_churn;	/* guids look unstable */
	/* The feed's own scheduling hints (parse.h feed_meta). */
	int		 ttl;
	int64_t		 sy_period;
	int		 sy_frequency;
	uint32_t	 skip_hours;
	uint8_t		 skip_days;
	int64_t		 max_age;	/* Cache-Control/Expires, seconds */
	int64_t		 entries;	/* count, filled by the load functions */
	/* A shared database's lease: the daemon polling it, until when. */
	char		*lease_owner;	/* NULL: none */
	int64_t		 lease_until;
};
void	feed_state_free(struct feed_state *);

/*
 * Make the feeds table agree with the config: a row per configured feed
 * (matched by name), URL changes taken; feeds no longer configured are
 * disabled, not deleted (their entries stay until retention).
 */
int	store_sync_feeds(struct store *, const struct conf *, char *err,
	    size_t errlen);
/* Load one feed by name: 1 found, 0 not found, -1 error. */
int	store_feed_get(struct store *, const char *name, struct feed_state *);
/* Every enabled feed, ordered by name; cb returning non-zero stops. */
int	store_feed_each(struct store *,
	    int (*cb)(void *, const struct feed_state *), void *);

/* One fetch = begin, put entries, put the feed state, commit. */
enum store_put { STORE_SAME, STORE_NEW, STORE_CHANGED };
int	store_begin(struct store *);
/* Returns enum store_put, or -1 on error. */
int	store_put_entry(struct store *, const struct feed_state *,
	    enum key_policy, const struct entry *, int64_t now);
/* The feed document's title, link and scheduling hints. */
int	store_put_meta(struct store *, const struct feed_state *,
	    const struct feed_meta *);
/*
 * The fetch outcome: url, validators, poll times, status, errors, gone,
 * malformed, max_age.  Title, link and hints are put_meta's; key_churn and
 * last_new are worked out by the store from the entries put.
 */
int	store_put_feed(struct store *, const struct feed_state *);
/*
 * A poll's share of retention, inside its transaction after the entries:
 * keep_max, when the fetch brought new entries.
 */
int	store_prune(struct store *, const struct feed_state *,
	    const struct feed_opts *, int64_t now);
/*
 * All retention (keep, keep_max, expired tombstones) for every feed in the
 * database, disabled ones included (their own options when configured,
 * else conf->defaults), a transaction each; records when it ran.  The
 * daily pass; not inside a transaction.
 */
int	store_prune_all(struct store *, const struct conf *, int64_t now);
/* 1 when the daily pass has not run in the last day, 0 if it has. */
int	store_prune_due(struct store *, int64_t now);
int	store_commit(struct store *);
void	store_rollback(struct store *);

/* An entry as outputs see it.  Valid during the callback only. */
struct stored_entry {
	int64_t		 rowid;
	int64_t		 seq;		/* order of arrival, for digests */
	const char	*feed;		/* feed name */
	const char	*feed_title;
	const char	*feed_link;
	const char	*feed_url;
	const char	*category;	/* the feed's configured category */
	const char	*id;
	const char	*key;
	const char	*title;
	const char	*link;
	const char	*author;
	const char	*author_email;
	const char	*thumbnail;
	const char	*summary;
	const char	*content;
	int64_t		 published;	/* DATE_NONE if none */
	int64_t		 updated;
	int64_t		 first_seen;
	int64_t		 sort_date;	/* min(published or updated, first_seen) */
	/* The feed's own date, else its newest entry's, else when a fetch
	 * last brought it an undated change; DATE_NONE if none is known. */
	int64_t		 feed_updated;
	const char	**categories;
	size_t		 ncategories;
	const struct enclosure *enclosures;
	size_t		 nenclosures;
	/* Other feeds the same article came through (cross-feed duplicates). */
	const char	**also_feeds;
	size_t		 nalso_feeds;
};
typedef int (*store_entry_cb)(void *, const struct stored_entry *);

/*
 * Newest first by sort_date, entries of one sort_date (those of one fetch
 * without dates) in the order they came, cross-feed duplicates folded into
 * one (the earliest seen), until cb returns non-zero.
 */
int	store_recent(struct store *, store_entry_cb, void *);
/* Entries whose seq is in (after, upto]; with updates, also those changed
 * in that range.  Ordered by feed, then sort_date descending; duplicates
 * already delivered in an earlier range are left out. */
int	store_since(struct store *, int64_t after, int64_t upto,
	    int updates, store_entry_cb, void *);
/* Entries with an id (= seq) above after, oldest first, each alone (no
 * folding, no also_feeds).  For hooks. */
int	store_after(struct store *, int64_t after, store_entry_cb, void *);
/* The cross-feed duplicates of entry id with lower ids, each alone,
 * oldest first, until cb returns non-zero; may be called from a
 * store_after callback without disturbing its entry. */
int	store_dups_before(struct store *, int64_t id, store_entry_cb,
	    void *);
/* The highest seq so far (0 for an empty store). */
int64_t	store_seq(struct store *);
/* A number that changes whenever anything outputs show changes. */
int64_t	store_generation(struct store *);

/* Digest bookkeeping, per digest name ("" for the default digest). */
struct digest_state {
	int64_t		 id;
	int64_t		 slot;		/* scheduled time it was made for */
	int64_t		 created;
	int64_t		 after_seq;	/* covers (after_seq, upto_seq] */
	int64_t		 upto_seq;
	int64_t		 sent;		/* 0: not yet accepted by the server */
	int		 attempts;
	int64_t		 next_try;
	char		*error;
};
void	digest_state_free(struct digest_state *);
/* The newest digest of name: 1 found, 0 none, -1 error. */
int	store_digest_last(struct store *, const char *name,
	    struct digest_state *);
/* Record a new digest of name covering (after, upto]; sets ds->id. */
int	store_digest_add(struct store *, const char *name,
	    struct digest_state *);
/* Update sent/attempts/next_try/error of ds->id. */
int	store_digest_update(struct store *, const struct digest_state *);

/* Hook bookkeeping: entries up to mark are done. */
struct hook_state {
	int64_t		 mark;		/* last entry id delivered or passed */
	int		 failures;	/* consecutive */
	int64_t		 failing_since;
	int64_t		 next_try;	/* 0: at the next chance */
	int64_t		 last_success;
	char		*last_error;
	int64_t		 delivered;	/* entries, all time */
};
void	hook_state_free(struct hook_state *);
/* 1 found, 0 never run, -1 error. */
int	store_hook_get(struct store *, const char *name, struct hook_state *);
int	store_hook_put(struct store *, const char *name,
	    const struct hook_state *);

/* Totals for status and /metrics. */
struct store_totals {
	int64_t	feeds;
	int64_t	failing;
	int64_t	gone;
	int64_t	entries;
};
int	store_totals(struct store *, struct store_totals *);

/* A short error string for the last failure. */
const char *store_error(struct store *);

/*
 * Copy a whole store into an empty one (any backends): feeds with their
 * state, entries with their ids, tombstones, digest and hook marks; not
 * what a running daemon keeps (leases, claims).  from is read in one
 * snapshot, to written in one transaction and checked table by table
 * before it commits, so a failure leaves it as it was.  0 with counts
 * (to's), or one of these with err naming the database.
 */
enum {
	STORE_COPY_READ = -1,		/* reading from failed */
	STORE_COPY_WRITE = -2,		/* writing to failed */
	STORE_COPY_NOT_EMPTY = -3,	/* to holds something: refused */
	STORE_COPY_MISMATCH = -4	/* a table's counts differ */
};
struct store_copy_counts {
	int64_t	feeds;
	int64_t	entries;
	int64_t	tombstones;
	int64_t	digests;
	int64_t	hooks;
};
int	store_copy(struct store *from, struct store *to,
	    struct store_copy_counts *, char *err, size_t errlen);
/* The database as messages name it: a URI without its password. */
const char *store_where(struct store *);

#endif
