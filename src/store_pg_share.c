/*
 * store_pg_share.c: several daemons on one PostgreSQL database.  They
 * split the polling through leases on the feeds' rows, claim digests and
 * hooks in the claims table, and one of them, the holder of an advisory
 * lock, renders the merged outputs for all (include/store.h).
 *
 * A lease or claim names its holder by host name, pid and handle, so a
 * daemon that reconnects keeps them; one that dies leaves them to expire.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "sched.h"
#include "store.h"
#include "store_int.h"
#include "store_pg.h"
#include "util.h"

/* The host key politeness limits count by (sched.h's, for all). */
const char *
pg_host(const char *url, char *out, size_t outlen)
{
	hosts_key(url != NULL ? url : "", out, outlen);
	return out;
}

void
pg_owner(struct pgstore *s)
{
	static int	 handles;
	char		 host[64];

	if (gethostname(host, sizeof(host)) == -1)
		host[0] = '\0';
	host[sizeof(host) - 1] = '\0';
	snprintf(s->owner, sizeof(s->owner), "%s:%ld.%d", host, (long)getpid(),
	    ++handles);
}

/* Candidates looked at per lease, beyond what is wanted. */
#define LEASE_SCAN(n)	((n) * 4 + 64)

int
pg_lease(struct store *st, int64_t now, int n, int per_host, int64_t secs,
    int (*cb)(void *, struct feed_state *), void *arg)
{
	struct pgstore		*s = pgs(st);
	struct feed_state	 fs;
	struct pgargs		 a;
	PGresult		*r;
	int			 i, got;

	if (n <= 0)
		return 0;
	if (pg_begin_unlocked(st) == -1)
		return -1;
	if (pg_exec(s, PS_LEASE_LOCK, NULL, "leasing feeds", NULL) == -1) {
		pg_rollback(st);
		return -1;
	}
	pg_args(&a);
	pg_arg_int(&a, now);
	pg_arg_text(&a, s->owner);
	pg_arg_int(&a, n);
	pg_arg_int(&a, per_host);
	pg_arg_int(&a, now + secs);
	pg_arg_int(&a, LEASE_SCAN(n));
	if ((r = pg_run(s, PS_LEASE, &a, "leasing feeds")) == NULL) {
		pg_rollback(st);
		return -1;
	}
	if (pg_commit(st) == -1) {
		PQclear(r);
		return -1;
	}
	got = PQntuples(r);
	for (i = 0; i < got; i++) {
		pg_feed_row(r, i, &fs);
		cb(arg, &fs);
		feed_state_free(&fs);
	}
	PQclear(r);
	return got;
}

int
pg_unlease(struct store *st, const char *name)
{
	struct pgstore	*s = pgs(st);
	struct pgargs	 a;

	pg_args(&a);
	pg_arg_text(&a, s->owner);
	pg_arg_text(&a, name);
	return pg_exec(s, PS_UNLEASE, &a, "ending a lease", NULL);
}

int
pg_due_all(struct store *st)
{
	return pg_exec(pgs(st), PS_DUE_ALL, NULL, "making feeds due", NULL);
}

int
pg_host_block(struct store *st, const char *host, int64_t until)
{
	struct pgargs	 a;

	pg_args(&a);
	pg_arg_text(&a, host);
	pg_arg_int(&a, until);
	return pg_exec(pgs(st), PS_HOST_BLOCK, &a, "blocking a host", NULL);
}

int
pg_claim(struct store *st, const char *what, int64_t now, int64_t secs)
{
	struct pgstore	*s = pgs(st);
	struct pgargs	 a;
	PGresult	*r;
	int		 got;

	pg_args(&a);
	pg_arg_text(&a, what);
	pg_arg_text(&a, s->owner);
	pg_arg_int(&a, now);
	pg_arg_int(&a, now + secs);
	if ((r = pg_run(s, PS_CLAIM, &a, "claiming a job")) == NULL)
		return -1;
	got = PQntuples(r) > 0;
	PQclear(r);
	return got;
}

int
pg_unclaim(struct store *st, const char *what)
{
	struct pgstore	*s = pgs(st);
	struct pgargs	 a;

	pg_args(&a);
	pg_arg_text(&a, what);
	pg_arg_text(&a, s->owner);
	return pg_exec(s, PS_UNCLAIM, &a, "giving a job back", NULL);
}

/* Taken once; held as long as this connection lives. */
int
pg_render_lock(struct store *st)
{
	struct pgstore	*s = pgs(st);
	PGresult	*r;

	if (s->renderer && PQstatus(s->conn) == CONNECTION_OK)
		return 1;
	if ((r = pg_run(s, PS_RENDER_LOCK, NULL, "taking the render lock")) ==
	    NULL)
		return -1;
	s->renderer = strcmp(PQgetvalue(r, 0, 0), "t") == 0;
	PQclear(r);
	return s->renderer;
}

int
pg_rendering_put(struct store *st, const char *name, int64_t gen,
    int64_t mtime, const void *body, size_t len)
{
	struct pgstore	*s = pgs(st);
	struct pgargs	 a;
	struct buf	 b;

	b.s = (char *)body;
	b.len = len;
	pg_args(&a);
	pg_arg_text(&a, name);
	pg_arg_int(&a, gen);
	pg_arg_int(&a, mtime);
	pg_arg_bytes(&a, &b);
	return pg_exec(s, PS_RENDER_PUT, &a, "storing a rendering", NULL);
}

int
pg_rendering_get(struct store *st, const char *name, int64_t *gen,
    int64_t *mtime, struct buf *body)
{
	struct pgstore	*s = pgs(st);
	struct pgargs	 a;
	PGresult	*r;
	int		 found;

	pg_args(&a);
	pg_arg_text(&a, name);
	pg_arg_int(&a, *gen);
	if ((r = pg_run(s, PS_RENDER_GET, &a, "reading a rendering")) == NULL)
		return -1;
	if ((found = PQntuples(r) > 0)) {
		*gen = pg_int(r, 0, 0);
		*mtime = pg_int(r, 0, 1);
		buf_reset(body);
		pg_bytes(r, 0, 2, body);
	}
	PQclear(r);
	return found;
}
