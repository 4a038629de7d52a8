/*
 * store.c: the store's interface (include/store.h) over its backends.
 *
 * As OpenSMTPD picks a queue backend, store_open picks a struct
 * store_backend once, by the database path; every other call goes through
 * the handle's backend and never asks which it is.  The backends hold
 * all the SQL: SQLite in store_sqlite.c, store_put.c, store_read.c,
 * store_prune.c and store_checkpoint.c; PostgreSQL (a postgresql:// or
 * postgres:// URI) in store_pg.c, store_pg_put.c and store_pg_read.c.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "store.h"
#include "store_int.h"

/* The default (no schemes) last. */
static const struct store_backend *const backends[] = {
#ifdef HAVE_LIBPQ
	&store_pg,
#endif
	&store_sqlite,
};

/* Database URIs that name a server; any other database is a file. */
static const char *const server_schemes[] = {
	"postgresql://", "postgres://"
};

int
store_is_server(const char *database)
{
	size_t	 i;

	for (i = 0; i < nitems(server_schemes); i++)
		if (strncasecmp(database, server_schemes[i],
		    strlen(server_schemes[i])) == 0)
			return 1;
	return 0;
}

static const struct store_backend *
backend_for(const char *path)
{
	size_t	 i, j;

	for (i = 0; i < nitems(backends); i++) {
		if (backends[i]->schemes == NULL)
			return backends[i];
		for (j = 0; backends[i]->schemes[j] != NULL; j++)
			if (strncasecmp(path, backends[i]->schemes[j],
			    strlen(backends[i]->schemes[j])) == 0)
				return backends[i];
	}
	return &store_sqlite;
}

static struct store *
open_with(const char *path, int version, int reader, char *err,
    size_t errlen)
{
	const struct store_backend *be = backend_for(path);
	struct store	*s;

	/* Not a file name that happens to look like a URI. */
	if (be->schemes == NULL && store_is_server(path)) {
		snprintf(err, errlen, "%.*s://...: this feedmux was built "
		    "without PostgreSQL support (install libpq-dev and "
		    "rebuild)",
		    (int)strcspn(path, ":"), path);
		return NULL;
	}
	if ((s = be->open(path, version, reader, err, errlen)) != NULL)
		s->be = be;
	return s;
}

struct store *
store_open(const char *path, char *err, size_t errlen)
{
	return open_with(path, 0, 0, err, errlen);
}

struct store *
store_open_reader(const char *path, char *err, size_t errlen)
{
	return open_with(path, 0, 1, err, errlen);
}

struct store *
store_open_version(const char *path, int version, char *err, size_t errlen)
{
	return open_with(path, version, 0, err, errlen);
}

void
store_close(struct store *s)
{
	if (s != NULL)
		s->be->close(s);
}

/* Of the default backend: the one whose migrations tests run. */
int
store_schema_version(void)
{
	return store_sqlite.schema_version();
}

int
store_damaged(void)
{
	size_t	 i;

	for (i = 0; i < nitems(backends); i++)
		if (backends[i]->damaged != NULL && backends[i]->damaged())
			return 1;
	return 0;
}

int
store_checkpoint_thread(struct store *s, int pages, char *err, size_t errlen)
{
	if (s->be->checkpoint_thread == NULL)
		return 0;
	return s->be->checkpoint_thread(s, pages, err, errlen);
}

int
store_checkpoint(struct store *s)
{
	return s->be->checkpoint != NULL ? s->be->checkpoint(s) : 0;
}

const char *
store_error(struct store *s)
{
	return s->err;
}

/* ---- transactions ---- */

int
store_begin(struct store *s)
{
	return s->be->begin(s);
}

int
store_commit(struct store *s)
{
	return s->be->commit(s);
}

void
store_rollback(struct store *s)
{
	s->be->rollback(s);
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
	free(fs->lease_owner);
	memset(fs, 0, sizeof(*fs));
}

int
store_sync_feeds(struct store *s, const struct conf *conf, char *err,
    size_t errlen)
{
	return s->be->sync_feeds(s, conf, err, errlen);
}

int
store_feed_get(struct store *s, const char *name, struct feed_state *fs)
{
	return s->be->feed_get(s, name, fs);
}

int
store_feed_each(struct store *s, int (*cb)(void *, const struct feed_state *),
    void *arg)
{
	return s->be->feed_each(s, cb, arg);
}

/* ---- writing a fetch ---- */

int
store_put_entry(struct store *s, const struct feed_state *fs,
    enum key_policy pol, const struct entry *e, int64_t now)
{
	return s->be->put_entry(s, fs, pol, e, now);
}

int
store_put_meta(struct store *s, const struct feed_state *fs,
    const struct feed_meta *m)
{
	return s->be->put_meta(s, fs, m);
}

int
store_put_feed(struct store *s, const struct feed_state *fs)
{
	return s->be->put_feed(s, fs);
}

/* ---- retention ---- */

int
store_prune(struct store *s, const struct feed_state *fs,
    const struct feed_opts *o, int64_t now)
{
	return s->be->prune(s, fs, o, now);
}

int
store_prune_all(struct store *s, const struct conf *conf, int64_t now)
{
	return s->be->prune_all(s, conf, now);
}

int
store_prune_due(struct store *s, int64_t now)
{
	return s->be->prune_due(s, now);
}

/* ---- reading ---- */

int
store_recent(struct store *s, store_entry_cb cb, void *arg)
{
	return s->be->recent(s, cb, arg);
}

int
store_since(struct store *s, int64_t after, int64_t upto, int updates,
    store_entry_cb cb, void *arg)
{
	return s->be->since(s, after, upto, updates, cb, arg);
}

int
store_after(struct store *s, int64_t after, store_entry_cb cb, void *arg)
{
	return s->be->after(s, after, cb, arg);
}

int
store_dups_before(struct store *s, int64_t id, store_entry_cb cb, void *arg)
{
	return s->be->dups_before(s, id, cb, arg);
}

int64_t
store_seq(struct store *s)
{
	return s->be->seq(s);
}

int64_t
store_generation(struct store *s)
{
	return s->be->generation(s);
}

int
store_totals(struct store *s, struct store_totals *t)
{
	return s->be->totals(s, t);
}

/* ---- digest and hook marks ---- */

void
digest_state_free(struct digest_state *ds)
{
	if (ds == NULL)
		return;
	free(ds->error);
	ds->error = NULL;
}

int
store_digest_last(struct store *s, const char *name,
    struct digest_state *ds)
{
	return s->be->digest_last(s, name, ds);
}

int
store_digest_add(struct store *s, const char *name,
    struct digest_state *ds)
{
	return s->be->digest_add(s, name, ds);
}

int
store_digest_update(struct store *s, const struct digest_state *ds)
{
	return s->be->digest_update(s, ds);
}

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
	return s->be->hook_get(s, name, hs);
}

int
store_hook_put(struct store *s, const char *name, const struct hook_state *hs)
{
	return s->be->hook_put(s, name, hs);
}

/* ---- sharing among daemons ---- */

int
store_shared(struct store *s)
{
	return s->be->lease != NULL;
}

int
store_lease(struct store *s, int64_t now, int n, int per_host, int64_t secs,
    int (*cb)(void *, struct feed_state *), void *arg)
{
	if (s->be->lease == NULL) {
		snprintf(s->err, sizeof(s->err), "%s: not a shared database",
		    s->path);
		return -1;
	}
	return s->be->lease(s, now, n, per_host, secs, cb, arg);
}

int
store_unlease(struct store *s, const char *name)
{
	return s->be->unlease != NULL ? s->be->unlease(s, name) : 0;
}

int
store_due_all(struct store *s)
{
	return s->be->due_all != NULL ? s->be->due_all(s) : 0;
}

int
store_host_block(struct store *s, const char *host, int64_t until)
{
	if (s->be->host_block == NULL || host[0] == '\0')
		return 0;
	return s->be->host_block(s, host, until);
}

int
store_claim(struct store *s, const char *what, int64_t now, int64_t secs)
{
	return s->be->claim != NULL ? s->be->claim(s, what, now, secs) : 1;
}

int
store_unclaim(struct store *s, const char *what)
{
	return s->be->unclaim != NULL ? s->be->unclaim(s, what) : 0;
}

int
store_render_lock(struct store *s)
{
	return s->be->render_lock != NULL ? s->be->render_lock(s) : 1;
}

int
store_rendering_put(struct store *s, const char *name, int64_t gen,
    int64_t mtime, const void *body, size_t len)
{
	if (s->be->rendering_put == NULL)
		return 0;
	return s->be->rendering_put(s, name, gen, mtime, body, len);
}

int
store_rendering_get(struct store *s, const char *name, int64_t *gen,
    int64_t *mtime, struct buf *body)
{
	if (s->be->rendering_get == NULL)
		return 0;
	return s->be->rendering_get(s, name, gen, mtime, body);
}
