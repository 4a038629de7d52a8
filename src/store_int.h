/*
 * store_int.h: private to the store's files.  The backend interface that
 * store.c dispatches through, what the backends share (store_key.c), and
 * the SQLite backend's parts (store_sqlite.c, store_put.c, store_read.c,
 * store_prune.c, store_checkpoint.c); the PostgreSQL backend's are in
 * store_pg.h.  No other file includes it.
 */
#ifndef FEEDMUX_STORE_INT_H
#define FEEDMUX_STORE_INT_H

#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#include "conf.h"
#include "parse.h"
#include "store.h"
#include "util.h"

/*
 * A storage backend: what include/store.h promises, for one kind of
 * database.  Chosen once per store_open (store.c); callers never see it.
 * Every handle a backend returns begins with struct store.  Members a
 * backend may leave NULL say so; the others are required.
 */
struct store_backend {
	const char	*name;
	/* The URI prefixes it takes; NULL: the default, a file. */
	const char *const *schemes;
	/* version 0: the latest; reader: store_open_reader's semantics. */
	struct store	*(*open)(const char *path, int version, int reader,
	    char *err, size_t errlen);
	void	(*close)(struct store *);
	int	(*schema_version)(void);
	int	(*damaged)(void);	/* process-wide */
	/* These two may be NULL: nothing to do. */
	int	(*checkpoint_thread)(struct store *, int pages, char *err,
	    size_t errlen);
	int	(*checkpoint)(struct store *);

	int	(*begin)(struct store *);
	int	(*commit)(struct store *);
	void	(*rollback)(struct store *);

	int	(*sync_feeds)(struct store *, const struct conf *, char *err,
	    size_t errlen);
	int	(*feed_get)(struct store *, const char *name,
	    struct feed_state *);
	int	(*feed_each)(struct store *,
	    int (*)(void *, const struct feed_state *), void *);
	int	(*put_entry)(struct store *, const struct feed_state *,
	    enum key_policy, const struct entry *, int64_t now);
	int	(*put_meta)(struct store *, const struct feed_state *,
	    const struct feed_meta *);
	int	(*put_feed)(struct store *, const struct feed_state *);

	int	(*prune)(struct store *, const struct feed_state *,
	    const struct feed_opts *, int64_t now);
	int	(*prune_all)(struct store *, const struct conf *, int64_t now);
	int	(*prune_due)(struct store *, int64_t now);

	int	(*recent)(struct store *, store_entry_cb, void *);
	int	(*since)(struct store *, int64_t after, int64_t upto,
	    int updates, store_entry_cb, void *);
	int	(*after)(struct store *, int64_t after, store_entry_cb, void *);
	int	(*dups_before)(struct store *, int64_t id, store_entry_cb,
	    void *);
	int64_t	(*seq)(struct store *);
	int64_t	(*generation)(struct store *);
	int	(*totals)(struct store *, struct store_totals *);

	int	(*digest_last)(struct store *, const char *,
		    struct digest_state *);
	int	(*digest_add)(struct store *, const char *,
		    struct digest_state *);
	int	(*digest_update)(struct store *, const struct digest_state *);
	int	(*hook_get)(struct store *, const char *name,
	    struct hook_state *);
	int	(*hook_put)(struct store *, const char *name,
	    const struct hook_state *);

	/* Sharing among daemons (store.h); NULL in a backend of one
	 * daemon, for all of them: lease NULL means not shared. */
	int	(*lease)(struct store *, int64_t now, int n, int per_host,
	    int64_t secs, int (*)(void *, struct feed_state *), void *);
	int	(*unlease)(struct store *, const char *name);
	int	(*due_all)(struct store *);
	int	(*host_block)(struct store *, const char *host, int64_t until);
	int	(*claim)(struct store *, const char *what, int64_t now,
	    int64_t secs);
	int	(*unclaim)(struct store *, const char *what);
	int	(*render_lock)(struct store *);
	int	(*rendering_put)(struct store *, const char *name, int64_t gen,
	    int64_t mtime, const void *body, size_t len);
	int	(*rendering_get)(struct store *, const char *name,
	    int64_t *gen, int64_t *mtime, struct buf *body);

	/* A whole store as rows, for store_copy (store_rows.h). */
	const struct store_rows_ops *rows;
};

/* The head of every backend's handle. */
struct store {
	const struct store_backend *be;	/* set by store.c */
	char		*path;
	char		 err[512];	/* store_error */
};

extern const struct store_backend store_sqlite;
#ifdef HAVE_LIBPQ
extern const struct store_backend store_pg;
#endif

/* ---- shared by the backends (store_key.c) ---- */

/* A tombstone not matched by any fetch for this long is forgotten. */
#define TOMBSTONE_TTL	(180 * 86400)
/* Churn is judged on fetches with at least this many entries. */
#define CHURN_MIN	4

/* A map of 64-bit hashes (never 0) to values, open addressing. */
struct keyset {
	uint64_t	*k, *v;
	size_t		 n, cap;	/* cap: a power of two */
};
void	 keyset_put(struct keyset *, uint64_t k, uint64_t v);
int	 keyset_get(const struct keyset *, uint64_t k, uint64_t *v);
void	 keyset_clear(struct keyset *);
void	 keyset_free(struct keyset *);

/* One entry's identity being worked out; reused, no allocation per entry. */
struct entry_key {
	struct buf	 key, canon, gid, cats, encs;
	struct keyset	 batch;		/* this transaction's: key -> link */
};

/* An entry's lists as read back, pointing into the row. */
struct entry_lists {
	const char	**cats;
	size_t		 ncats;
	struct enclosure *encs;
	size_t		 nencs;
};

/* One feed's fetch being written: what it showed so far. */
struct feed_put {
	int64_t		 feed;		/* 0: none yet */
	int		 tombs;		/* the feed has tombstones */
	int		 empty;		/* no entries when the fetch began */
	int		 nput, nkeynew, nlinkknown, nnew;
	int64_t		 newest;	/* when it last changed, seen */
	int64_t		 now;
};

/*
 * A backend's lookups and write for key_put_entry; each returns -1 with
 * the store's error set on failure.  start: the previous feed's end
 * (key churn, last_new), then tombs and empty of feed; find: 0 for no
 * entry with the key, 1 for one with this hash, 2 with another; tomb: 1
 * when the key was pruned before; link: 1 when the canonical link is
 * stored in the feed; upsert: the entry written (and the store dirty).
 */
struct put_ops {
	int	(*start)(struct store *, int64_t feed);
	int	(*find)(struct store *, int64_t feed, uint64_t khash,
		    uint64_t hash);
	int	(*tomb)(struct store *, int64_t feed, uint64_t khash);
	int	(*link)(struct store *, int64_t feed);
	int	(*upsert)(struct store *, int64_t feed, uint64_t khash,
		    const struct entry *, uint64_t hash, int64_t now);
};

/* How a read folds cross-feed duplicates (store_recent, store_since). */
enum fold { FOLD_RECENT, FOLD_SINCE, FOLD_NONE };

int	 key_put_entry(struct store *, struct feed_put *, struct entry_key *,
	    const struct put_ops *, const struct feed_state *,
	    enum key_policy, const struct entry *, int64_t now);
int	 key_fold_under(enum fold, const struct stored_entry *, int64_t id,
	    int64_t first_seen, int64_t seq, int64_t after, int64_t upto);
void	 key_also_feeds(const struct buf *names, size_t n, const char ***v,
	    size_t *nv, struct stored_entry *);
int	 key_empty(const char *);
int64_t	 key_entry_date(const struct entry *);
int64_t	 key_sort_date(const struct entry *, int64_t now);
uint64_t key_hash_str(uint64_t, const char *);
uint64_t key_ch_field(uint64_t, const void *, size_t);
uint64_t key_ch_int(uint64_t, int isnull, int64_t);
int	 key_entry(struct entry_key *, int64_t feed, enum key_policy,
	    const struct entry *, uint64_t *khash, uint64_t *hash);
void	 key_link(struct entry_key *, const struct entry *);
const char *key_gid(const struct entry_key *, const struct entry *);
void	 key_batch_reset(struct entry_key *);
void	 key_free(struct entry_key *);
void	 key_decode_lists(struct entry_lists *, const char *cats,
	    size_t ncats, const char *encs, size_t nencs,
	    struct stored_entry *);
void	 key_lists_free(struct entry_lists *);

/* ---- the SQLite backend ---- */

/* Statements, prepared once per connection (sql[] in store_sqlite.c). */
enum stmt {
	ST_BEGIN, ST_COMMIT, ST_ROLLBACK, ST_STATE_GET, ST_STATE_SET,
	ST_ENTRY_FIND, ST_FEED_HAS, ST_TOMB_FIND, ST_TOMB_TOUCH, ST_LINK_KNOWN,
	ST_UPSERT, ST_PRUNE_AGE, ST_PRUNE_MAX, ST_TOMB_ADD, ST_TOMB_EXPIRE,
	ST_FEED_SYNC, ST_FEED_ENABLED, ST_FEED_ALL,
	ST_FEED_DISABLE, ST_FEED_GET, ST_FEED_PUT, ST_FEED_META, ST_FEED_CHURN,
	ST_FEED_LASTNEW, ST_FEED_COUNT, ST_PRUNED_GET, ST_PRUNED_SET, ST_DUPS,
	ST_DIGEST_LAST, ST_DIGEST_ADD,
	ST_DIGEST_UPDATE, ST_TOTAL_FEEDS, ST_TOTAL_ENTRIES, ST_HOOK_GET,
	ST_HOOK_PUT, ST__MAX
};

struct sqlstore {
	struct store	 base;
	sqlite3		*db;
	struct checkpointer *ckpt;	/* NULL: SQLite's autocheckpoint */
	sqlite3_stmt	*st[ST__MAX];
	int		 in_txn;
	int64_t		 seq;		/* loaded by store_begin */
	int64_t		 seq0;
	int		 dirty;		/* outputs would change */
	int		 pruned;
	struct feed_put	 fp;
	struct entry_key k;
	/* For reading entries back; dlists for store_dups_before inside a
	 * store_after callback. */
	struct entry_lists lists, dlists;
	const char	**valso;
	size_t		 nvalso;
	struct buf	 also;
};

static inline struct sqlstore *
sq(struct store *s)
{
	return (struct sqlstore *)s;
}

/* store_sqlite.c: statements and errors */
int	 sq_fail(struct sqlstore *, const char *what);
sqlite3_stmt *sq_stmt(struct sqlstore *, enum stmt);
int	 sq_exec(struct sqlstore *, sqlite3_stmt *, const char *what);
void	 sq_bind_text(sqlite3_stmt *, int, const char *);
char	*sq_col_strdup(sqlite3_stmt *, int);
/* store_sqlite.c: transactions */
int	 sq_begin(struct store *);
int	 sq_commit(struct store *);
void	 sq_rollback(struct store *);

/* store_put.c */
void	 sq_fm_hash(sqlite3_context *, int, sqlite3_value **);
void	 sq_fm_entry_hash(sqlite3_context *, int, sqlite3_value **);
int	 sq_feed_done(struct sqlstore *);
int	 sq_put_entry(struct store *, const struct feed_state *,
	    enum key_policy, const struct entry *, int64_t now);
int	 sq_put_meta(struct store *, const struct feed_state *,
	    const struct feed_meta *);
int	 sq_put_feed(struct store *, const struct feed_state *);

/* store_prune.c */
int	 sq_prune(struct store *, const struct feed_state *,
	    const struct feed_opts *, int64_t now);
int	 sq_prune_all(struct store *, const struct conf *, int64_t now);
int	 sq_prune_due(struct store *, int64_t now);

/* store_read.c */
int	 sq_recent(struct store *, store_entry_cb, void *);
int	 sq_since(struct store *, int64_t after, int64_t upto, int updates,
	    store_entry_cb, void *);
int	 sq_after(struct store *, int64_t after, store_entry_cb, void *);
int	 sq_dups_before(struct store *, int64_t id, store_entry_cb, void *);
int64_t	 sq_seq(struct store *);
int64_t	 sq_generation(struct store *);
int	 sq_totals(struct store *, struct store_totals *);
int	 sq_digest_last(struct store *, const char *, struct digest_state *);
int	 sq_digest_add(struct store *, const char *, struct digest_state *);
int	 sq_digest_update(struct store *, const struct digest_state *);
int	 sq_hook_get(struct store *, const char *name, struct hook_state *);
int	 sq_hook_put(struct store *, const char *name,
	    const struct hook_state *);

/*
 * store_checkpoint.c: WAL checkpoints of a writer connection on a thread
 * of their own, so that commits never wait for fsync.  Takes over the
 * writer's WAL hook and checkpoints every `pages` pages of WAL (0: 2000);
 * the database at path must be in WAL mode.
 */
struct checkpointer;
struct checkpointer *checkpointer_start(sqlite3 *writer, const char *path,
	    int pages, char *err, size_t errlen);
/* Stops and joins the thread; unhook the writer first. */
void	 checkpointer_stop(struct checkpointer *);

#endif
