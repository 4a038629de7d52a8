/*
 * store_pg.h: private to the PostgreSQL backend's files (store_pg.c,
 * store_pg_put.c, store_pg_read.c).
 */
#ifndef FEEDMUX_STORE_PG_H
#define FEEDMUX_STORE_PG_H

#include <stdint.h>

#include <libpq-fe.h>

#include "store_int.h"

/* Statements, prepared once per connection (pg_sql[] in store_pg.c). */
enum pst {
	PS_STATE_LOCK, PS_STATE_GET, PS_STATE_SET, PS_ENTRY_FIND, PS_FEED_HAS,
	PS_TOMB_FIND, PS_TOMB_TOUCH, PS_LINK_KNOWN, PS_UPSERT, PS_PRUNE_AGE,
	PS_PRUNE_MAX, PS_TOMB_EXPIRE, PS_FEED_SYNC, PS_FEED_ENABLED,
	PS_FEED_ALL, PS_FEED_DISABLE, PS_FEED_GET, PS_FEED_EACH, PS_FEED_PUT,
	PS_FEED_META, PS_FEED_CHURN, PS_FEED_LASTNEW, PS_FEED_COUNT,
	PS_PRUNED_GET, PS_PRUNED_SET, PS_DUPS, PS_RECENT, PS_SINCE, PS_AFTER,
	PS_DUPS_BEFORE, PS_DIGEST_LAST, PS_DIGEST_ADD, PS_DIGEST_UPDATE,
	PS_TOTAL_FEEDS, PS_TOTAL_ENTRIES, PS_FEED_KEYS, PS_HOOK_GET, PS_HOOK_PUT,
	PS_LEASE_LOCK, PS_LEASE, PS_UNLEASE, PS_DUE_ALL, PS_HOST_BLOCK, PS_CLAIM, PS_UNCLAIM, PS_RENDER_LOCK,
	PS_RENDER_PUT, PS_RENDER_GET, PS__MAX
};

/* Parameters of one statement, all bound, none formatted into SQL. */
#define PG_MAXARGS	24
struct pgargs {
	const char	*v[PG_MAXARGS];
	int		 len[PG_MAXARGS];
	int		 fmt[PG_MAXARGS];	/* 1: binary (bytea) */
	char		 num[PG_MAXARGS][24];
	int		 n;
};

/* A row's decoded lists; two, for store_dups_before inside store_after. */
struct pgrow {
	struct entry_lists lists;
	struct buf	 cats, encs;
};

struct pgstore {
	struct store	 base;
	PGconn		*conn;
	char		*where;		/* the URI, no password */
	int		 prepared[PS__MAX];
	int		 in_txn;
	int		 renderer;	/* holds the render lock */
	char		 owner[128];	/* of leases, claims: host:pid.n */
	int64_t		 seq, seq0;	/* loaded by store_begin */
	int64_t		 planned_at;	/* seq when statements were made */
	int		 dirty;		/* outputs would change */
	struct feed_put	 fp;
	struct keyset	 known;		/* fp.feed's entries: khash -> hash */
	struct entry_key k;
	struct pgrow	 row, drow;
	struct buf	 also;
	const char	**valso;
	size_t		 nvalso;
};

static inline struct pgstore *
pgs(struct store *s)
{
	return (struct pgstore *)s;
}

/* store_pg.c */
void	 pg_args(struct pgargs *);
void	 pg_arg_int(struct pgargs *, int64_t);
void	 pg_arg_text(struct pgargs *, const char *);
void	 pg_arg_textn(struct pgargs *, const char *, size_t);
void	 pg_arg_date(struct pgargs *, int64_t);
void	 pg_arg_blob(struct pgargs *, const char *);
void	 pg_arg_bytes(struct pgargs *, const struct buf *);
PGresult *pg_run(struct pgstore *, enum pst, const struct pgargs *,
	    const char *what);
int	 pg_exec(struct pgstore *, enum pst, const struct pgargs *,
	    const char *what, int64_t *changed);
int	 pg_fail(struct pgstore *, PGresult *, const char *what);
int	 pg_exec_sql(struct pgstore *, const char *, const char *what);
int64_t	 pg_int(const PGresult *, int row, int col);
int64_t	 pg_date(const PGresult *, int row, int col);
const char *pg_text(const PGresult *, int row, int col);
char	*pg_strdup(const PGresult *, int row, int col);
void	 pg_bytes(const PGresult *, int row, int col, struct buf *);
int	 pg_begin(struct store *);
int	 pg_begin_unlocked(struct store *);
void	 pg_feed_row(const PGresult *, int row, struct feed_state *);
int	 pg_commit(struct store *);
void	 pg_rollback(struct store *);

/* store_pg_schema.c */
int	 pg_migrate(struct pgstore *, int target);
int	 pg_schema_version(void);

/* store_pg_put.c */
int	 pg_feed_done(struct pgstore *);
int	 pg_put_entry(struct store *, const struct feed_state *,
	    enum key_policy, const struct entry *, int64_t now);
int	 pg_put_meta(struct store *, const struct feed_state *,
	    const struct feed_meta *);
int	 pg_put_feed(struct store *, const struct feed_state *);
int	 pg_prune(struct store *, const struct feed_state *,
	    const struct feed_opts *, int64_t now);
int	 pg_prune_all(struct store *, const struct conf *, int64_t now);
int	 pg_prune_due(struct store *, int64_t now);

/* store_pg_share.c */
const char *pg_host(const char *url, char *out, size_t outlen);
void	 pg_owner(struct pgstore *);
int	 pg_lease(struct store *, int64_t now, int n, int per_host,
	    int64_t secs, int (*)(void *, struct feed_state *), void *);
int	 pg_unlease(struct store *, const char *name);
int	 pg_due_all(struct store *);
int	 pg_host_block(struct store *, const char *host, int64_t until);
int	 pg_claim(struct store *, const char *what, int64_t now,
	    int64_t secs);
int	 pg_unclaim(struct store *, const char *what);
int	 pg_render_lock(struct store *);
int	 pg_rendering_put(struct store *, const char *name, int64_t gen,
	    int64_t mtime, const void *body, size_t len);
int	 pg_rendering_get(struct store *, const char *name, int64_t *gen,
	    int64_t *mtime, struct buf *body);

/* store_pg_read.c */
int	 pg_recent(struct store *, store_entry_cb, void *);
int	 pg_since(struct store *, int64_t after, int64_t upto, int updates,
	    store_entry_cb, void *);
int	 pg_after(struct store *, int64_t after, store_entry_cb, void *);
int	 pg_dups_before(struct store *, int64_t id, store_entry_cb, void *);
int64_t	 pg_seq(struct store *);
int64_t	 pg_generation(struct store *);
int	 pg_totals(struct store *, struct store_totals *);
int	 pg_digest_last(struct store *, const char *, struct digest_state *);
int	 pg_digest_add(struct store *, const char *, struct digest_state *);
int	 pg_digest_update(struct store *, const struct digest_state *);
int	 pg_hook_get(struct store *, const char *name, struct hook_state *);
int	 pg_hook_put(struct store *, const char *name,
	    const struct hook_state *);

#endif
