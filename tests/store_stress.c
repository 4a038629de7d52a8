/*
 * store_stress.c: the driver of the kill test (t-kill-store.sh).
 *
 *   store_stress DB ACKS run	ingest rounds until killed; after each
 *				committed feed transaction append
 *				"feed round" to ACKS
 *   store_stress DB ACKS check	TAP: integrity_check, every acknowledged
 *				transaction's entries and validators present
 */
#include "config.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "conf.h"
#include "store.h"
#include "tap.h"
#include "util.h"

#define PER	40
static const char *const feeds[] = { "a", "b", "c" };

static struct store *
open_store(const char *path)
{
	static const char *urls[] = { "http://127.0.0.1/a",
	    "http://127.0.0.1/b", "http://127.0.0.1/c" };
	struct feed_conf fc[3];
	struct conf	 c;
	struct store	*s;
	char		 err[512];
	int		 i;

	memset(&c, 0, sizeof(c));
	memset(fc, 0, sizeof(fc));
	for (i = 0; i < 3; i++) {
		fc[i].name = (char *)feeds[i];
		fc[i].url = (char *)urls[i];
		fc[i].enabled = 1;
	}
	c.feeds = fc;
	c.nfeeds = 3;
	if ((s = store_open(path, err, sizeof(err))) == NULL ||
	    store_sync_feeds(s, &c, err, sizeof(err)) == -1) {
		fprintf(stderr, "store_stress: %s\n", err);
		exit(2);
	}
	return s;
}

static void
mkentry(struct entry *e, char *id, size_t idlen, char *body, size_t blen,
    int round, int i, int version)
{
	memset(e, 0, sizeof(*e));
	snprintf(id, idlen, "r%d-%d", round, i);
	snprintf(body, blen, "<p>round %d entry %d version %d %0300d</p>",
	    round, i, version, 0);
	e->id = id;
	e->title = id;
	e->content = body;
	e->published = 1600000000 + round * 100 + i;
	e->updated = DATE_NONE;
}

/* The rounds already acknowledged, so a new run continues after them. */
static int
last_round(const char *acks)
{
	FILE	*f = fopen(acks, "r");
	char	 name[16];
	int	 r, max = 0;

	if (f == NULL)
		return 0;
	while (fscanf(f, "%15s %d", name, &r) == 2)
		if (r > max)
			max = r;
	fclose(f);
	return max;
}

static int
run(const char *path, const char *acks)
{
	struct store	*s = open_store(path);
	struct feed_opts o = { 0 };
	struct feed_state fs;
	struct entry	 e;
	char		 id[32], body[512], ack[64], etag[32];
	char		 err[512];
	int		 fd, r, f, i;

	if ((fd = open(acks, O_WRONLY | O_CREAT | O_APPEND, 0644)) == -1)
		return 2;
	/* As the poller, with a checkpoint every 16 pages: the kills land
	 * in the thread's checkpoints too. */
	if (store_checkpoint_thread(s, 16, err, sizeof(err)) == -1) {
		fprintf(stderr, "store_stress: %s\n", err);
		return 2;
	}
	o.keep_max = 5 * PER;
	for (r = last_round(acks) + 1;; r++) {
		for (f = 0; f < 3; f++) {
			if (store_feed_get(s, feeds[f], &fs) != 1 ||
			    store_begin(s) == -1)
				return 2;
			for (i = 0; i < PER; i++) {
				/* This round's entries, and last round's changed. */
				mkentry(&e, id, sizeof(id), body, sizeof(body), r, i, 0);
				if (store_put_entry(s, &fs, KEY_AUTO, &e, 1700000000 + r) == -1)
					return 2;
				mkentry(&e, id, sizeof(id), body, sizeof(body), r - 1, i, 1);
				if (store_put_entry(s, &fs, KEY_AUTO, &e, 1700000000 + r) == -1)
					return 2;
			}
			free(fs.etag);
			snprintf(etag, sizeof(etag), "\"r%d\"", r);
			fs.etag = xstrdup(etag);
			fs.last_poll = 1700000000 + r;
			if (store_put_feed(s, &fs) == -1 ||
			    store_prune(s, &fs, &o, 1700000000 + r) == -1 ||
			    store_commit(s) == -1) {
				fprintf(stderr, "store_stress: %s\n", store_error(s));
				return 2;
			}
			feed_state_free(&fs);
			snprintf(ack, sizeof(ack), "%s %d\n", feeds[f], r);
			if (write(fd, ack, strlen(ack)) != (ssize_t)strlen(ack))
				return 2;
		}
	}
}

static int
integrity_ok(const char *path)
{
	sqlite3		*db;
	sqlite3_stmt	*q;
	int		 good = 0;

	if (sqlite3_open(path, &db) != SQLITE_OK)
		return 0;
	if (sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &q, NULL) ==
	    SQLITE_OK) {
		good = sqlite3_step(q) == SQLITE_ROW && strcmp((const char *)
		    sqlite3_column_text(q, 0), "ok") == 0;
		sqlite3_finalize(q);
	}
	sqlite3_close(db);
	return good;
}

/* Each acknowledged (feed, round): all its entries known to the store. */
static int
check(const char *path, const char *acks)
{
	struct store	*s;
	struct feed_state fs;
	struct entry	 e;
	FILE		*fp;
	char		 name[16], id[32], body[512];
	int		 r, i, f, n = 0, missing = 0, etag_bad = 0;
	int		 last[3] = { 0, 0, 0 };

	ok(integrity_ok(path), "integrity_check ok");
	s = open_store(path);
	if ((fp = fopen(acks, "r")) != NULL) {
		while (fscanf(fp, "%15s %d", name, &r) == 2) {
			f = name[0] - 'a';
			if (f < 0 || f > 2)
				continue;
			last[f] = r;
			store_feed_get(s, name, &fs);
			store_begin(s);
			for (i = 0; i < PER; i++) {
				mkentry(&e, id, sizeof(id), body, sizeof(body), r, i, 0);
				/* Known means not new: stored, changed, or pruned. */
				if (store_put_entry(s, &fs, KEY_AUTO, &e, 1800000000) ==
				    STORE_NEW)
					missing++;
			}
			store_rollback(s);
			feed_state_free(&fs);
			n++;
		}
		fclose(fp);
	}
	for (f = 0; f < 3; f++) {
		if (store_feed_get(s, feeds[f], &fs) != 1)
			continue;
		/* Validators are never ahead of, nor behind, what committed. */
		if (last[f] > 0 && (fs.etag == NULL ||
		    atoi(fs.etag + 2) < last[f] || atoi(fs.etag + 2) > last[f] + 1))
			etag_bad++;
		feed_state_free(&fs);
	}
	is_int(missing, 0, "entries of every acknowledged transaction present");
	is_int(etag_bad, 0, "validators agree with the committed entries");
	printf("# %d acknowledged transactions\n", n);
	store_close(s);
	return done_testing();
}

int
main(int argc, char **argv)
{
	if (argc != 4) {
		fprintf(stderr, "usage: store_stress DB ACKS run|check\n");
		return 2;
	}
	if (strcmp(argv[3], "run") == 0)
		return run(argv[1], argv[2]);
	return check(argv[1], argv[2]);
}
