/*
 * store_key.c: what every store backend computes the same way, so that
 * both give one entry the same identity and the same outputs: the key
 * (guid, else link, else a hash of title, date and content), its hash
 * (kept in khash and tombstones), the content hash that tells a changed
 * entry, the keys of one transaction, whether an entry is new, changed or
 * known (key_put_entry, over the backend's lookups), how cross-feed
 * duplicates fold, and the encoding of an entry's categories and
 * enclosures as stored.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store.h"
#include "store_int.h"
#include "url.h"
#include "util.h"

int
key_empty(const char *v)
{
	if (v == NULL)
		return 1;
	while (*v == ' ' || *v == '\t' || *v == '\n' || *v == '\r')
		v++;
	return *v == '\0';
}

int64_t
key_entry_date(const struct entry *e)
{
	return e->published != DATE_NONE ? e->published : e->updated;
}

/*
 * Keys are hashed with util.h's hash_bytes (FNV-1a), whose numbers the
 * khash column and tombstones store.  A field and its end, so ("ab","c")
 * and ("a","bc") differ.
 */
uint64_t
key_hash_str(uint64_t h, const char *s)
{
	if (s != NULL)
		h = hash_bytes(h, s, strlen(s) + 1);
	else
		h = hash_bytes(h, "\xff", 1);
	return h;
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
uint64_t
key_ch_field(uint64_t h, const void *p, size_t n)
{
	return p == NULL ? ch_step(h, UINT64_MAX) : ch_bytes(h, p, n);
}

uint64_t
key_ch_int(uint64_t h, int isnull, int64_t v)
{
	return isnull ? ch_step(h, UINT64_MAX - 1) :
	    ch_step(ch_step(h, 0), (uint64_t)v);
}

static uint64_t
ch_str(uint64_t h, const char *s)
{
	return key_ch_field(h, s, s != NULL ? strlen(s) : 0);
}

/*
 * Everything a reader sees, as it is stored (the lists encoded by
 * encode_lists first): a different hash is a changed entry.  The same
 * order and marks as SQLite's fm_entry_hash (store_put.c).
 */
static uint64_t
content_hash(const struct entry_key *k, const struct entry *e)
{
	uint64_t h = HASH_INIT;

	h = ch_str(h, e->title);
	h = ch_str(h, e->link);
	h = ch_str(h, e->author);
	h = ch_str(h, e->summary);
	h = ch_str(h, e->content);
	h = key_ch_int(h, e->published == DATE_NONE, e->published);
	h = key_ch_int(h, e->updated == DATE_NONE, e->updated);
	h = key_ch_field(h, k->cats.len > 0 ? k->cats.s : NULL, k->cats.len);
	h = key_ch_field(h, k->encs.len > 0 ? k->encs.s : NULL, k->encs.len);
	h = ch_str(h, e->author_email);
	return ch_str(h, e->thumbnail);
}

/* The identity of an entry that has neither guid nor link. */
static void
content_key(struct buf *b, const struct entry *e)
{
	uint64_t h = HASH_INIT;
	int64_t	 d = key_entry_date(e);

	h = key_hash_str(h, e->title);
	h = hash_bytes(h, &d, sizeof(d));
	h = key_hash_str(h, e->content != NULL ? e->content : e->summary);
	buf_printf(b, "h:%016" PRIx64, h);
}

/*
 * key = guid, else link, else a hash of title, date and content; the
 * policy can force link or content for feeds whose guids are broken.  A
 * permalink guid changes with http/https and tracking noise: its
 * canonical form (gid) is the key.
 */
static void
make_key(struct entry_key *k, enum key_policy pol, const struct entry *e)
{
	int	 has_id = !key_empty(e->id), has_link = !key_empty(e->link);

	buf_reset(&k->key);
	if (pol == KEY_CONTENT || (!has_id && !has_link))
		content_key(&k->key, e);
	else if (has_id && (pol != KEY_LINK || !has_link)) {
		buf_adds(&k->key, "g:");
		buf_adds(&k->key, k->gid.len > 0 ? k->gid.s : e->id);
	} else {
		url_canon_buf(e->link, &k->canon);
		buf_adds(&k->key, "l:");
		buf_adds(&k->key, k->canon.s);
	}
}

/* Categories and enclosures as NUL-separated fields in a blob. */
static void
encode_lists(struct entry_key *k, const struct entry *e)
{
	size_t	 i;
	char	 len[32];

	buf_reset(&k->cats);
	for (i = 0; i < e->ncategories; i++)
		if (e->categories[i] != NULL)
			buf_add(&k->cats, e->categories[i],
			    strlen(e->categories[i]) + 1);
	buf_reset(&k->encs);
	for (i = 0; i < e->nenclosures; i++) {
		const struct enclosure *en = &e->enclosures[i];

		if (en->url == NULL)
			continue;
		buf_add(&k->encs, en->url, strlen(en->url) + 1);
		buf_add(&k->encs, en->type ? en->type : "",
		    en->type ? strlen(en->type) + 1 : 1);
		snprintf(len, sizeof(len), "%" PRId64, en->length);
		buf_add(&k->encs, len, strlen(len) + 1);
	}
}

/* ---- the keys of one transaction ---- */

void
keyset_clear(struct keyset *ks)
{
	if (ks->n > 0) {
		memset(ks->k, 0, ks->cap * sizeof(*ks->k));
		ks->n = 0;
	}
}

void
keyset_free(struct keyset *ks)
{
	free(ks->k);
	free(ks->v);
	memset(ks, 0, sizeof(*ks));
}

/* At store_begin. */
void
key_batch_reset(struct entry_key *k)
{
	keyset_clear(&k->batch);
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

void
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
int
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

/*
 * The same key twice in one document: a feed reusing one guid for
 * several items.  Told apart by link; an exact repeat is the same entry.
 * Returns 1 when this is a repeat to skip.
 */
static int
repeated_key(struct entry_key *k, int64_t feed, const struct entry *e,
    uint64_t *khash)
{
	uint64_t lh = ch_str(HASH_INIT, e->link), prev;
	uint64_t bk = *khash ^ (uint64_t)feed * UINT64_C(0x9e3779b97f4a7c15);

	if (bk == 0)
		bk = 1;
	if (!keyset_get(&k->batch, bk, &prev)) {
		keyset_put(&k->batch, bk, lh);
		return 0;
	}
	if (prev == lh || k->key.s[0] != 'g')
		return 1;
	url_canon_buf(key_empty(e->link) ? NULL : e->link, &k->canon);
	buf_addc(&k->key, ' ');
	buf_adds(&k->key, k->canon.s);
	*khash = key_hash_str(HASH_INIT, k->key.s);
	bk = *khash ^ (uint64_t)feed * UINT64_C(0x9e3779b97f4a7c15);
	if (keyset_get(&k->batch, bk, &prev))
		return 1;
	keyset_put(&k->batch, bk, lh);
	return 0;
}

/*
 * An entry about to be stored in feed: its key (k->key), key hash, lists
 * (k->cats, k->encs) and content hash.  Returns 1 when the key repeats
 * one of this transaction's, so the entry is to be skipped.
 */
int
key_entry(struct entry_key *k, int64_t feed, enum key_policy pol,
    const struct entry *e, uint64_t *khash, uint64_t *hash)
{
	buf_reset(&k->canon);
	url_canon_buf(!key_empty(e->id) && url_is_web(e->id) ? e->id : NULL,
	    &k->gid);
	make_key(k, pol, e);
	*khash = key_hash_str(HASH_INIT, k->key.s);
	if (repeated_key(k, feed, e, khash))
		return 1;
	encode_lists(k, e);
	*hash = content_hash(k, e);
	return 0;
}

/* The canonical link (k->canon), once the entry is to be written. */
void
key_link(struct entry_key *k, const struct entry *e)
{
	url_canon_buf(key_empty(e->link) ? NULL : e->link, &k->canon);
}

/*
 * The gid column: ids that name something globally can match across
 * feeds; a permalink guid equal to the link needs no second index entry.
 */
const char *
key_gid(const struct entry_key *k, const struct entry *e)
{
	const char	*gid = NULL;

	if (!key_empty(e->id) && strchr(e->id, ':') != NULL)
		gid = k->gid.len > 0 ? k->gid.s : e->id;
	if (gid != NULL && k->canon.len > 0 && strcmp(gid, k->canon.s) == 0)
		gid = NULL;
	return gid;
}

/* Never later than first seen: a future date cannot pin an entry. */
int64_t
key_sort_date(const struct entry *e, int64_t now)
{
	int64_t	 d = key_entry_date(e);

	return d != DATE_NONE && d < now ? d : now;
}

void
key_free(struct entry_key *k)
{
	keyset_free(&k->batch);
	buf_free(&k->key);
	buf_free(&k->canon);
	buf_free(&k->gid);
	buf_free(&k->cats);
	buf_free(&k->encs);
}

/* ---- one entry of a fetch ---- */

/*
 * Store e, fetched for fs: returns enum store_put, or -1.  The backend
 * does the lookups and the write (ops); which to do, and what the feed's
 * fetch showed (fp), is decided here, once for both backends.
 */
int
key_put_entry(struct store *st, struct feed_put *fp, struct entry_key *k,
    const struct put_ops *ops, const struct feed_state *fs,
    enum key_policy pol, const struct entry *e, int64_t now)
{
	uint64_t	 hash, khash;
	int64_t		 d;
	int		 found, r;

	if (fp->feed != fs->id) {
		if (ops->start(st, fs->id) == -1)
			return -1;
		fp->feed = fs->id;
		fp->nput = fp->nkeynew = fp->nlinkknown = fp->nnew = 0;
		fp->newest = DATE_NONE;
	}
	fp->now = now;
	fp->nput++;
	if (key_entry(k, fs->id, pol, e, &khash, &hash))
		return STORE_SAME;
	d = key_entry_date(e);
	if (d != DATE_NONE && d > fp->newest)
		fp->newest = d < now ? d : now;
	/*
	 * A feed's first fetch (no entries yet) has nothing to look up:
	 * its keys are new unless repeated, which the batch keyset sees.
	 */
	if (fp->empty)
		found = 0;
	else if ((found = ops->find(st, fs->id, khash, hash)) == -1)
		return -1;
	if (found == 1)
		return STORE_SAME;
	/* Only now, off the path of unchanged entries. */
	key_link(k, e);
	if (found == 0) {
		if (fp->tombs && (r = ops->tomb(st, fs->id, khash)) != 0)
			return r == 1 ? STORE_SAME : -1;
		fp->nkeynew++;
		/* Churn is judged against earlier fetches only. */
		if (k->canon.len > 0 && k->key.s[0] != 'l' && !fp->empty) {
			if ((r = ops->link(st, fs->id)) == -1)
				return -1;
			fp->nlinkknown += r;
		}
	}
	if (ops->upsert(st, fs->id, khash, e, hash, now) == -1)
		return -1;
	if (found == 0)
		fp->nnew++;
	if (d == DATE_NONE)	/* the feed changed now, as far as we know */
		fp->newest = now;
	return found == 0 ? STORE_NEW : STORE_CHANGED;
}

/* ---- folding cross-feed duplicates ---- */

/*
 * Is the entry se shown under its duplicate (id, first_seen, seq) rather
 * than on its own?  Newest first (FOLD_RECENT): under the earliest seen.
 * In a range (FOLD_SINCE): under one delivered in an earlier range, or
 * one earlier in this range.
 */
int
key_fold_under(enum fold how, const struct stored_entry *se, int64_t id,
    int64_t first_seen, int64_t seq, int64_t after, int64_t upto)
{
	if (how == FOLD_RECENT)
		return first_seen < se->first_seen ||
		    (first_seen == se->first_seen && id < se->rowid);
	if (how == FOLD_SINCE && se->seq > after)
		return seq <= after || (seq <= upto && seq < se->seq);
	return 0;
}

/* se->also_feeds: the n NUL-separated names, each feed named once. */
void
key_also_feeds(const struct buf *names, size_t n, const char ***v,
    size_t *nv, struct stored_entry *se)
{
	size_t	 i, j, off;

	if (n > *nv) {
		*nv = n;
		*v = xreallocarray(*v, n, sizeof(**v));
	}
	se->nalso_feeds = 0;
	for (i = 0, off = 0; i < n; i++, off += strlen(names->s + off) + 1) {
		for (j = 0; j < se->nalso_feeds; j++)
			if (strcmp((*v)[j], names->s + off) == 0)
				break;
		if (j == se->nalso_feeds)
			(*v)[se->nalso_feeds++] = names->s + off;
	}
	se->also_feeds = *v;
}

/* ---- reading the lists back ---- */

/* Pointers into cats and encs, which must outlive their use. */
void
key_decode_lists(struct entry_lists *l, const char *cats, size_t ncats,
    const char *encs, size_t nencs, struct stored_entry *se)
{
	const char	*p, *end;
	size_t		 n;

	end = cats + ncats;
	for (p = cats, n = 0; p != NULL && p < end; p += strlen(p) + 1, n++) {
		if (n == l->ncats) {
			l->ncats = l->ncats ? l->ncats * 2 : 16;
			l->cats = xreallocarray(l->cats, l->ncats,
			    sizeof(*l->cats));
		}
		l->cats[n] = p;
	}
	se->categories = l->cats;
	se->ncategories = n;
	end = encs + nencs;
	for (p = encs, n = 0; p != NULL && p < end; n++) {
		if (n == l->nencs) {
			l->nencs = l->nencs ? l->nencs * 2 : 4;
			l->encs = xreallocarray(l->encs, l->nencs,
			    sizeof(*l->encs));
		}
		l->encs[n].url = p;
		p += strlen(p) + 1;
		l->encs[n].type = *p != '\0' ? p : NULL;
		p += strlen(p) + 1;
		l->encs[n].length = strtoll(p, NULL, 10);
		p += strlen(p) + 1;
	}
	se->enclosures = l->encs;
	se->nenclosures = n;
}

void
key_lists_free(struct entry_lists *l)
{
	free(l->cats);
	free(l->encs);
	memset(l, 0, sizeof(*l));
}
