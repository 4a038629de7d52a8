/*
 * store_put.c: the SQLite backend's writes of one fetch: entry identity
 * (the key), the content hash that tells a changed entry, the keyset of
 * one transaction, the upsert, and the feed's row.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "store.h"
#include "store_int.h"
#include "url.h"
#include "util.h"

/* Churn is judged on fetches with at least this many entries. */
#define CHURN_MIN	4

/*
 * Keys are hashed with util.h's hash_bytes (FNV-1a), whose numbers the
 * khash column and tombstones store.  A field and its end, so ("ab","c")
 * and ("a","bc") differ.
 */
static uint64_t
hash_str(uint64_t h, const char *s)
{
	if (s != NULL)
		h = hash_bytes(h, s, strlen(s) + 1);
	else
		h = hash_bytes(h, "\xff", 1);
	return h;
}

/* fm_hash(key): a key's hash, for migrations. */
void
sq_fm_hash(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const unsigned char *s = sqlite3_value_text(argv[0]);

	sqlite3_result_int64(ctx, (int64_t)hash_str(HASH_INIT,
	    (const char *)s));
}

/*
 * The content hash that tells a changed entry from an unchanged one.  It
 * reads eight bytes a step where FNV-1a reads one: every entry of every
 * fetch is hashed, and summaries run to kilobytes.  Each step is a
 * bijection of the state for a given word, so two inputs that differ in
 * one word never collide.  Words are read little-endian whatever the host,
 * as the hashes are stored.  Keys keep FNV-1a (hash_bytes): tombstones
 * store those.
 */
#define CH_MUL	UINT64_C(0x9fb21c651e98df25)

static uint64_t
ch_step(uint64_t h, uint64_t w)
{
	h = (h ^ w) * CH_MUL;
	return h ^ (h >> 32);
}

static uint64_t
ch_bytes(uint64_t h, const void *p, size_t n)
{
	const unsigned char *c = p;
	uint64_t	 w;
	size_t		 i;

	h = ch_step(h, n);		/* lengths keep fields apart */
	for (; n >= 8; c += 8, n -= 8) {
		w = (uint64_t)c[0] | (uint64_t)c[1] << 8 |
		    (uint64_t)c[2] << 16 | (uint64_t)c[3] << 24 |
		    (uint64_t)c[4] << 32 | (uint64_t)c[5] << 40 |
		    (uint64_t)c[6] << 48 | (uint64_t)c[7] << 56;
		h = ch_step(h, w);
	}
	for (w = 0, i = 0; i < n; i++)
		w |= (uint64_t)c[i] << (8 * i);
	return ch_step(h, w);
}

/* A text or blob field; NULL differs from "" by its own length mark. */
static uint64_t
ch_field(uint64_t h, const void *p, size_t n)
{
	return p == NULL ? ch_step(h, UINT64_MAX) : ch_bytes(h, p, n);
}

static uint64_t
ch_int(uint64_t h, int isnull, int64_t v)
{
	return isnull ? ch_step(h, UINT64_MAX - 1) :
	    ch_step(ch_step(h, 0), (uint64_t)v);
}

/*
 * fm_entry_hash(title, link, author, summary, content, published, updated,
 * categories, enclosures[, author_email, thumbnail]): content_hash() of a
 * stored row, for migrations (the two last since version 6).
 */
void
sq_fm_entry_hash(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	uint64_t	 h = HASH_INIT;
	int		 i;

	for (i = 0; i < argc; i++) {
		switch (sqlite3_value_type(argv[i])) {
		case SQLITE_NULL:
			h = i == 5 || i == 6 ? ch_int(h, 1, 0) :
			    ch_field(h, NULL, 0);
			break;
		case SQLITE_INTEGER:
			h = ch_int(h, 0, sqlite3_value_int64(argv[i]));
			break;
		case SQLITE_BLOB:
			h = ch_field(h, sqlite3_value_blob(argv[i]),
			    (size_t)sqlite3_value_bytes(argv[i]));
			break;
		default:
			h = ch_field(h, sqlite3_value_text(argv[i]),
			    (size_t)sqlite3_value_bytes(argv[i]));
			break;
		}
	}
	sqlite3_result_int64(ctx, (int64_t)h);
}

/* ---- the keys of one transaction ---- */

/* At store_begin. */
void
sq_batch_reset(struct sqlstore *s)
{
	struct keyset	*ks = &s->batch;

	if (ks->n > 0) {
		memset(ks->k, 0, ks->cap * sizeof(*ks->k));
		ks->n = 0;
	}
}

/* Returns the slot for k: ks->k[slot] == k if present, else 0 there. */
static size_t
keyset_slot(const struct keyset *ks, uint64_t k)
{
	size_t	 i = k & (ks->cap - 1);

	while (ks->k[i] != 0 && ks->k[i] != k)
		i = (i + 1) & (ks->cap - 1);
	return i;
}

static void
keyset_put(struct keyset *ks, uint64_t k, uint64_t v)
{
	size_t	 i, ocap = ks->cap;
	uint64_t *ok = ks->k, *ov = ks->v;

	if (2 * (ks->n + 1) > ks->cap) {
		ks->cap = ocap == 0 ? 256 : ocap * 2;
		ks->k = xcalloc(ks->cap, sizeof(*ks->k));
		ks->v = xcalloc(ks->cap, sizeof(*ks->v));
		ks->n = 0;
		for (i = 0; i < ocap; i++)
			if (ok[i] != 0)
				keyset_put(ks, ok[i], ov[i]);
		free(ok);
		free(ov);
	}
	i = keyset_slot(ks, k);
	if (ks->k[i] == 0)
		ks->n++;
	ks->k[i] = k;
	ks->v[i] = v;
}

/* 1 with *v set when k is present. */
static int
keyset_get(const struct keyset *ks, uint64_t k, uint64_t *v)
{
	size_t	 i;

	if (ks->cap == 0)
		return 0;
	i = keyset_slot(ks, k);
	if (ks->k[i] == 0)
		return 0;
	*v = ks->v[i];
	return 1;
}

/* ---- the feed being written ---- */

/*
 * Most keys of a fetch new while their links are already stored: the
 * feed's guids change on every fetch (and every entry would look new).
 * Called when the next feed starts, and at commit.
 */
int
sq_feed_done(struct sqlstore *s)
{
	sqlite3_stmt	*q;

	if (s->feed == 0)
		return 0;
	if (s->nput >= CHURN_MIN) {
		q = sq_stmt(s, ST_FEED_CHURN);
		sqlite3_bind_int64(q, 1, s->feed);
		sqlite3_bind_int(q, 2, 2 * s->nlinkknown > s->nput);
		if (sq_exec(s, q, "saving key churn") == -1)
			return -1;
	}
	if (s->nnew > 0) {
		q = sq_stmt(s, ST_FEED_LASTNEW);
		sqlite3_bind_int64(q, 1, s->feed);
		sqlite3_bind_int64(q, 2, s->now);
		if (sq_exec(s, q, "saving last_new") == -1)
			return -1;
	}
	s->feed = 0;
	return 0;
}

static int
feed_start(struct sqlstore *s, int64_t feed)
{
	sqlite3_stmt	*q;
	int		 rc;

	if (sq_feed_done(s) == -1)
		return -1;
	s->feed = feed;
	s->nput = s->nkeynew = s->nlinkknown = s->nnew = 0;
	s->feed_newest = DATE_NONE;
	/*
	 * Most feeds never had an entry pruned: skip the tombstone lookups
	 * then.  A feed's first fetch (no entries yet) has nothing to look
	 * up at all: its keys are new unless repeated, which the batch
	 * keyset sees.
	 */
	q = sq_stmt(s, ST_FEED_HAS);
	sqlite3_bind_int64(q, 1, feed);
	if ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		s->feed_tombs = sqlite3_column_int(q, 0);
		s->feed_empty = !sqlite3_column_int(q, 1);
	}
	sqlite3_reset(q);
	return rc == SQLITE_ROW ? 0 : sq_fail(s, "reading the feed");
}

/* ---- entries ---- */

static int
empty(const char *v)
{
	if (v == NULL)
		return 1;
	while (*v == ' ' || *v == '\t' || *v == '\n' || *v == '\r')
		v++;
	return *v == '\0';
}

static int64_t
entry_date(const struct entry *e)
{
	return e->published != DATE_NONE ? e->published : e->updated;
}

static uint64_t
ch_str(uint64_t h, const char *s)
{
	return ch_field(h, s, s != NULL ? strlen(s) : 0);
}

/*
 * Everything a reader sees, as it is stored (the lists encoded by
 * encode_lists first): a different hash is a changed entry.  The same
 * order and marks as sql_fm_entry_hash.
 */
static uint64_t
content_hash(const struct sqlstore *s, const struct entry *e)
{
	uint64_t h = HASH_INIT;

	h = ch_str(h, e->title);
	h = ch_str(h, e->link);
	h = ch_str(h, e->author);
	h = ch_str(h, e->summary);
	h = ch_str(h, e->content);
	h = ch_int(h, e->published == DATE_NONE, e->published);
	h = ch_int(h, e->updated == DATE_NONE, e->updated);
	h = ch_field(h, s->cats.len > 0 ? s->cats.s : NULL, s->cats.len);
	h = ch_field(h, s->encs.len > 0 ? s->encs.s : NULL, s->encs.len);
	h = ch_str(h, e->author_email);
	return ch_str(h, e->thumbnail);
}

/* The identity of an entry that has neither guid nor link. */
static void
content_key(struct buf *k, const struct entry *e)
{
	uint64_t h = HASH_INIT;
	int64_t	 d = entry_date(e);

	h = hash_str(h, e->title);
	h = hash_bytes(h, &d, sizeof(d));
	h = hash_str(h, e->content != NULL ? e->content : e->summary);
	buf_printf(k, "h:%016" PRIx64, h);
}

static void
guid_key(struct sqlstore *s, const char *id)
{
	/* A permalink guid changes with http/https and tracking noise. */
	if (s->gid.len > 0) {
		buf_adds(&s->key, "g:");
		buf_adds(&s->key, s->gid.s);
	} else {
		buf_adds(&s->key, "g:");
		buf_adds(&s->key, id);
	}
}

/*
 * key = guid, else link, else a hash of title, date and content; the
 * policy can force link or content for feeds whose guids are broken.
 */
static void
make_key(struct sqlstore *s, enum key_policy pol, const struct entry *e)
{
	int	 has_id = !empty(e->id), has_link = !empty(e->link);

	buf_reset(&s->key);
	if (pol == KEY_CONTENT || (!has_id && !has_link))
		content_key(&s->key, e);
	else if (has_id && (pol != KEY_LINK || !has_link))
		guid_key(s, e->id);
	else {
		url_canon_buf(e->link, &s->canon);
		buf_adds(&s->key, "l:");
		buf_adds(&s->key, s->canon.s);
	}
}

/* Categories and enclosures as NUL-separated fields in a blob. */
static void
encode_lists(struct sqlstore *s, const struct entry *e)
{
	size_t	 i;
	char	 len[32];

	buf_reset(&s->cats);
	for (i = 0; i < e->ncategories; i++)
		if (e->categories[i] != NULL)
			buf_add(&s->cats, e->categories[i],
			    strlen(e->categories[i]) + 1);
	buf_reset(&s->encs);
	for (i = 0; i < e->nenclosures; i++) {
		const struct enclosure *en = &e->enclosures[i];

		if (en->url == NULL)
			continue;
		buf_add(&s->encs, en->url, strlen(en->url) + 1);
		buf_add(&s->encs, en->type ? en->type : "",
		    en->type ? strlen(en->type) + 1 : 1);
		snprintf(len, sizeof(len), "%" PRId64, en->length);
		buf_add(&s->encs, len, strlen(len) + 1);
	}
}

static void
bind_date(sqlite3_stmt *q, int i, int64_t t)
{
	if (t == DATE_NONE)
		sqlite3_bind_null(q, i);
	else
		sqlite3_bind_int64(q, i, t);
}

static void
bind_blob(sqlite3_stmt *q, int i, const struct buf *b)
{
	if (b->len == 0)
		sqlite3_bind_null(q, i);
	else
		sqlite3_bind_blob(q, i, b->s, (int)b->len, SQLITE_STATIC);
}

/* -1 error, 0 not stored, 1 stored with the same hash, 2 different. */
static int
find_entry(struct sqlstore *s, int64_t feed, uint64_t hash)
{
	sqlite3_stmt	*q = sq_stmt(s, ST_ENTRY_FIND);
	int		 rc, ret;

	sqlite3_bind_int64(q, 1, feed);
	sqlite3_bind_text(q, 2, s->key.s, (int)s->key.len, SQLITE_STATIC);
	rc = sqlite3_step(q);
	if (rc == SQLITE_ROW)
		ret = (uint64_t)sqlite3_column_int64(q, 0) == hash ? 1 : 2;
	else
		ret = rc == SQLITE_DONE ? 0 : sq_fail(s, "finding an entry");
	sqlite3_reset(q);
	return ret;
}

/* 1 when the key was pruned before (then it is not new), 0, -1. */
static int
find_tombstone(struct sqlstore *s, int64_t feed, uint64_t khash)
{
	sqlite3_stmt	*q;
	int64_t		 seen = 0;
	int		 rc;

	if (!s->feed_tombs)
		return 0;
	q = sq_stmt(s, ST_TOMB_FIND);
	sqlite3_bind_int64(q, 1, feed);
	sqlite3_bind_int64(q, 2, (int64_t)khash);
	if ((rc = sqlite3_step(q)) == SQLITE_ROW)
		seen = sqlite3_column_int64(q, 0);
	sqlite3_reset(q);
	if (rc == SQLITE_DONE)
		return 0;
	if (rc != SQLITE_ROW)
		return sq_fail(s, "finding a tombstone");
	/* Still in the feed: keep the tombstone alive (once a day). */
	if (seen < s->now - 86400) {
		q = sq_stmt(s, ST_TOMB_TOUCH);
		sqlite3_bind_int64(q, 1, feed);
		sqlite3_bind_int64(q, 2, (int64_t)khash);
		sqlite3_bind_int64(q, 3, s->now);
		if (sq_exec(s, q, "touching a tombstone") == -1)
			return -1;
	}
	return 1;
}

static int
link_known(struct sqlstore *s, int64_t feed)
{
	sqlite3_stmt	*q = sq_stmt(s, ST_LINK_KNOWN);
	int		 rc;

	sqlite3_bind_int64(q, 1, feed);
	sqlite3_bind_text(q, 2, s->canon.s, (int)s->canon.len, SQLITE_STATIC);
	rc = sqlite3_step(q);
	sqlite3_reset(q);
	if (rc == SQLITE_ROW)
		return 1;
	return rc == SQLITE_DONE ? 0 : sq_fail(s, "finding a link");
}

static int
upsert(struct sqlstore *s, int64_t feed, uint64_t khash,
    const struct entry *e, uint64_t hash, int64_t now)
{
	sqlite3_stmt	*q = sq_stmt(s, ST_UPSERT);
	int64_t		 d = entry_date(e);
	const char	*gid = NULL;

	/* Ids that name something globally can match across feeds. */
	if (!empty(e->id) && strchr(e->id, ':') != NULL)
		gid = s->gid.len > 0 ? s->gid.s : e->id;
	/* A permalink guid equal to the link needs no second index entry. */
	if (gid != NULL && s->canon.len > 0 && strcmp(gid, s->canon.s) == 0)
		gid = NULL;
	sqlite3_bind_int64(q, 1, feed);
	sqlite3_bind_text(q, 2, s->key.s, (int)s->key.len, SQLITE_STATIC);
	sqlite3_bind_int64(q, 3, (int64_t)khash);
	sq_bind_text(q, 4, e->id);
	sq_bind_text(q, 5, gid);
	sq_bind_text(q, 6, e->title);
	sq_bind_text(q, 7, e->link);
	sq_bind_text(q, 8, s->canon.len > 0 ? s->canon.s : NULL);
	sq_bind_text(q, 9, e->author);
	sq_bind_text(q, 10, e->summary);
	sq_bind_text(q, 11, e->content);
	bind_blob(q, 12, &s->cats);
	bind_blob(q, 13, &s->encs);
	bind_date(q, 14, e->published);
	bind_date(q, 15, e->updated);
	sqlite3_bind_int64(q, 16, now);
	/* Never later than first seen: a future date cannot pin an entry. */
	sqlite3_bind_int64(q, 17, d != DATE_NONE && d < now ? d : now);
	sqlite3_bind_int64(q, 18, ++s->seq);
	sqlite3_bind_int64(q, 19, (int64_t)hash);
	sq_bind_text(q, 20, e->author_email);
	sq_bind_text(q, 21, e->thumbnail);
	return sq_exec(s, q, "storing an entry");
}

/*
 * The same key twice in one document: a feed reusing one guid for
 * several items.  Told apart by link; an exact repeat is the same entry.
 * Returns 1 when this is a repeat to skip.
 */
static int
repeated_key(struct sqlstore *s, int64_t feed, const struct entry *e,
    uint64_t *khash)
{
	uint64_t lh = ch_str(HASH_INIT, e->link), prev;
	uint64_t bk = *khash ^ (uint64_t)feed * UINT64_C(0x9e3779b97f4a7c15);

	if (bk == 0)
		bk = 1;
	if (!keyset_get(&s->batch, bk, &prev)) {
		keyset_put(&s->batch, bk, lh);
		return 0;
	}
	if (prev == lh || s->key.s[0] != 'g')
		return 1;
	url_canon_buf(empty(e->link) ? NULL : e->link, &s->canon);
	buf_addc(&s->key, ' ');
	buf_adds(&s->key, s->canon.s);
	*khash = hash_str(HASH_INIT, s->key.s);
	bk = *khash ^ (uint64_t)feed * UINT64_C(0x9e3779b97f4a7c15);
	if (keyset_get(&s->batch, bk, &prev))
		return 1;
	keyset_put(&s->batch, bk, lh);
	return 0;
}

int
sq_put_entry(struct store *st, const struct feed_state *fs,
    enum key_policy pol, const struct entry *e, int64_t now)
{
	struct sqlstore	*s = sq(st);
	uint64_t	 hash, khash;
	int64_t		 d;
	int		 found, r;

	if (!s->in_txn) {
		snprintf(s->base.err, sizeof(s->base.err), "store_put_entry: "
		    "no transaction");
		return -1;
	}
	if (s->feed != fs->id && feed_start(s, fs->id) == -1)
		return -1;
	s->now = now;
	s->nput++;
	buf_reset(&s->canon);
	url_canon_buf(!empty(e->id) && url_is_web(e->id) ? e->id : NULL,
	    &s->gid);
	make_key(s, pol, e);
	d = entry_date(e);
	khash = hash_str(HASH_INIT, s->key.s);
	if (repeated_key(s, fs->id, e, &khash))
		return STORE_SAME;
	encode_lists(s, e);
	hash = content_hash(s, e);
	if (d != DATE_NONE && d > s->feed_newest)
		s->feed_newest = d < now ? d : now;
	if (s->feed_empty)
		found = 0;
	else if ((found = find_entry(s, fs->id, hash)) == -1)
		return -1;
	if (found == 1)
		return STORE_SAME;
	/* Only now, off the path of unchanged entries. */
	url_canon_buf(empty(e->link) ? NULL : e->link, &s->canon);
	if (found == 0) {
		if ((r = find_tombstone(s, fs->id, khash)) != 0)
			return r == 1 ? STORE_SAME : -1;
		s->nkeynew++;
		/* Churn is judged against earlier fetches only. */
		if (s->canon.len > 0 && s->key.s[0] != 'l' && !s->feed_empty) {
			if ((r = link_known(s, fs->id)) == -1)
				return -1;
			s->nlinkknown += r;
		}
	}
	if (upsert(s, fs->id, khash, e, hash, now) == -1)
		return -1;
	s->dirty = 1;
	if (found == 0)
		s->nnew++;
	if (d == DATE_NONE)	/* the feed changed now, as far as we know */
		s->feed_newest = now;
	return found == 0 ? STORE_NEW : STORE_CHANGED;
}

int
sq_put_meta(struct store *st, const struct feed_state *fs,
    const struct feed_meta *m)
{
	struct sqlstore	*s = sq(st);
	sqlite3_stmt	*q = sq_stmt(s, ST_FEED_META);

	sqlite3_bind_int64(q, 1, fs->id);
	sq_bind_text(q, 2, m->title);
	sq_bind_text(q, 3, m->link);
	sqlite3_bind_int(q, 4, m->ttl);
	sqlite3_bind_int64(q, 5, m->sy_period);
	sqlite3_bind_int(q, 6, m->sy_frequency);
	sqlite3_bind_int64(q, 7, m->skip_hours);
	sqlite3_bind_int(q, 8, m->skip_days);
	/*
	 * For atom:source: the feed's own date, else its newest entry's, else
	 * this fetch's time if it brought an undated change; else as it was.
	 */
	bind_date(q, 9, m->updated != DATE_NONE ? m->updated :
	    s->feed == fs->id ? s->feed_newest : DATE_NONE);
	if (sq_exec(s, q, "storing feed metadata") == -1)
		return -1;
	if (sqlite3_changes(s->db) > 0)
		s->dirty = 1;
	return 0;
}

int
sq_put_feed(struct store *st, const struct feed_state *fs)
{
	struct sqlstore	*s = sq(st);
	sqlite3_stmt	*q = sq_stmt(s, ST_FEED_PUT);

	sqlite3_bind_int64(q, 1, fs->id);
	sq_bind_text(q, 2, fs->url != NULL ? fs->url : fs->conf_url);
	sq_bind_text(q, 3, fs->etag);
	sq_bind_text(q, 4, fs->last_modified);
	sqlite3_bind_int64(q, 5, fs->last_poll);
	sqlite3_bind_int64(q, 6, fs->last_success);
	sqlite3_bind_int64(q, 7, fs->last_new);
	sqlite3_bind_int64(q, 8, fs->next_poll);
	sq_bind_text(q, 9, fs->next_reason);
	sqlite3_bind_int(q, 10, fs->last_status);
	sqlite3_bind_int(q, 11, fs->failures);
	sqlite3_bind_int64(q, 12, fs->failing_since);
	sq_bind_text(q, 13, fs->last_error);
	sqlite3_bind_int(q, 14, fs->gone);
	sqlite3_bind_int(q, 15, fs->malformed);
	sqlite3_bind_int64(q, 16, fs->max_age);
	return sq_exec(s, q, "storing feed state");
}

