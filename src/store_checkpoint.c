/*
 * store_checkpoint.c: the SQLite backend's WAL checkpoints on a thread of
 * their own.
 *
 * A checkpoint copies the WAL into the database file and waits for two
 * fsyncs; done by the committing connection (SQLite's autocheckpoint), that
 * wait lands in the daemon's event loop, in the middle of a poll.  Here the
 * writer's WAL hook only wakes a thread, which checkpoints (PASSIVE: never
 * blocking the writer) through a connection of its own.  Should the thread
 * fall behind, the writer checkpoints itself, so the WAL stays bounded.
 *
 * The thread touches nothing of feedmux but this struct, blocks every
 * signal (libevent's handlers stay on the main thread), and logs nothing:
 * a failed checkpoint is retried on the next wake-up, and the writer's own
 * fallback reports errors.
 */
#include "config.h"

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "log.h"
#include "store_int.h"
#include "util.h"

/* WAL pages (8 KiB) before the thread is woken, unless told otherwise;
 * at eight times that, the writer stops waiting for it. */
#define CKPT_PAGES	2000

struct checkpointer {
	pthread_t	 thread;
	pthread_mutex_t	 mu;
	pthread_cond_t	 cv;
	sqlite3		*db;		/* the thread's connection */
	int		 pages;
	int		 want, stop;
	int		 started;
};

static void *
run(void *arg)
{
	struct checkpointer *c = arg;

	pthread_mutex_lock(&c->mu);
	for (;;) {
		while (!c->want && !c->stop)
			pthread_cond_wait(&c->cv, &c->mu);
		if (c->stop)
			break;
		c->want = 0;
		pthread_mutex_unlock(&c->mu);
		sqlite3_wal_checkpoint_v2(c->db, NULL,
		    SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
		pthread_mutex_lock(&c->mu);
	}
	pthread_mutex_unlock(&c->mu);
	return NULL;
}

/* After each commit of the writer, with the WAL's size in pages. */
static int
wal_hook(void *arg, sqlite3 *db, const char *name, int pages)
{
	struct checkpointer *c = arg;
	int		 rc;

	if (pages < c->pages)
		return SQLITE_OK;
	if (pages < 8 * c->pages) {
		pthread_mutex_lock(&c->mu);
		c->want = 1;
		pthread_cond_signal(&c->cv);
		pthread_mutex_unlock(&c->mu);
		return SQLITE_OK;
	}
	rc = sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_PASSIVE,
	    NULL, NULL);
	if (rc != SQLITE_OK && rc != SQLITE_BUSY)
		log_warnx("checkpoint: %s", sqlite3_errmsg(db));
	return SQLITE_OK;
}

static int
is_wal(sqlite3 *db)
{
	sqlite3_stmt	*q;
	int		 wal = 0;

	if (sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &q, NULL) !=
	    SQLITE_OK)
		return 0;
	if (sqlite3_step(q) == SQLITE_ROW)
		wal = strcmp((const char *)sqlite3_column_text(q, 0), "wal") ==
		    0;
	sqlite3_finalize(q);
	return wal;
}

struct checkpointer *
checkpointer_start(sqlite3 *writer, const char *path, int pages, char *err,
    size_t errlen)
{
	struct checkpointer *c = xcalloc(1, sizeof(*c));
	sigset_t	 all, old;
	int		 rc;

	c->pages = pages > 0 ? pages : CKPT_PAGES;
	if (sqlite3_open_v2(path, &c->db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "%s: checkpoint connection: %s", path,
		    c->db != NULL ? sqlite3_errmsg(c->db) : "cannot open");
		checkpointer_stop(c);
		return NULL;
	}
	/* A connection opens the WAL on its first read; until then it
	 * checkpoints nothing. */
	if (!is_wal(c->db)) {
		snprintf(err, errlen, "%s: checkpoint connection: not in WAL "
		    "mode", path);
		checkpointer_stop(c);
		return NULL;
	}
	pthread_mutex_init(&c->mu, NULL);
	pthread_cond_init(&c->cv, NULL);
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = pthread_create(&c->thread, NULL, run, c);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0) {
		snprintf(err, errlen, "pthread_create: %s", strerror(rc));
		checkpointer_stop(c);
		return NULL;
	}
	c->started = 1;
	/* Replaces SQLite's autocheckpoint, which is a WAL hook too. */
	sqlite3_wal_hook(writer, wal_hook, c);
	return c;
}

void
checkpointer_stop(struct checkpointer *c)
{
	if (c == NULL)
		return;
	if (c->started) {
		pthread_mutex_lock(&c->mu);
		c->stop = 1;
		pthread_cond_signal(&c->cv);
		pthread_mutex_unlock(&c->mu);
		pthread_join(c->thread, NULL);
		pthread_cond_destroy(&c->cv);
		pthread_mutex_destroy(&c->mu);
	}
	sqlite3_close(c->db);
	free(c);
}
