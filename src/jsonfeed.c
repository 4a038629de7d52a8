/*
 * jsonfeed.c: JSON Feed 1.0 and 1.1 read with json-c.
 *
 * json-c's tokener takes the text as it arrives and builds the document;
 * at the end it is walked in a fixed order (the feed's fields before the
 * items, so that the home page is known as a base) and every field goes
 * to parse.c.  The text is kept too: when it is broken or cut short, the
 * longest prefix that ends between two values is closed and read again,
 * so that the items before the break are kept, as they are for XML.
 */
#include "config.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <json-c/json.h>

#include "jsonfeed.h"
#include "log.h"
#include "url.h"
#include "util.h"

#define MAX_DEPTH	64			/* nesting of arrays and objects */
#define MAX_DOC		(32 * 1024 * 1024)	/* the tree lives in memory */
/*
 * json-c spends some 800 bytes on an empty object and 90 on a number: the
 * tree, not the text, is what a hostile document inflates.  A container
 * costs 8, any other value 1; 512 Ki of that is about 50 MB at most, and
 * some 10,000 items of a real feed.
 */
#define MAX_COST	(512 * 1024)

/*
 * json-c's grammar as far as a byte scanner needs it to follow the
 * tokener at a distance: strings (either quote, json-c takes both),
 * comments (it takes those too), brackets.  It prices the tree before
 * the tokener builds it and remembers the last place where the text can
 * be cut between two values.
 */
enum sstate { S_TEXT, S_STR, S_ESC, S_SLASH, S_LINE, S_BLOCK, S_STAR };

struct scan {
	enum sstate	 st;
	char		 quote;
	char		 stack[MAX_DEPTH + 1];
	int		 depth;
	int		 key;		/* the next string names a member */
	int		 strkey;	/* the string being read does */
	size_t		 cost;
	size_t		 off;		/* bytes scanned before this piece */
	size_t		 cut;		/* the prefix that ends between values */
	int		 cutdepth;	/* brackets open there */
};

struct jsonfeed {
	struct json_tokener *tok;
	struct json_object *root;
	struct scan	 sc;
	struct buf	 doc;		/* the text, for a repair */
	size_t		 errat;		/* bytes before a syntax error */
	int		 broken;	/* a syntax error or a limit */
	int		 trailing;	/* junk after the document */
	char		 error[128];
};

struct jsonfeed *
jsonfeed_new(void)
{
	struct jsonfeed	*j = xcalloc(1, sizeof *j);

	if ((j->tok = json_tokener_new_ex(MAX_DEPTH)) == NULL)
		fatalx("json_tokener_new_ex failed");
	return j;
}

void
jsonfeed_free(struct jsonfeed *j)
{
	if (j == NULL)
		return;
	json_tokener_free(j->tok);
	json_object_put(j->root);
	buf_free(&j->doc);
	free(j);
}

static void
scan_cut(struct scan *sc, size_t at)
{
	sc->cut = at;
	sc->cutdepth = sc->depth;
}

/* One byte outside strings and comments, at offset at. */
static void
scan_text(struct scan *sc, char c, size_t at)
{
	switch (c) {
	case '"':
	case '\'':
		sc->st = S_STR;
		sc->quote = c;
		sc->strkey = sc->key;
		sc->key = 0;
		sc->cost++;
		break;
	case '/':
		sc->st = S_SLASH;
		break;
	case '{':
	case '[':
		sc->cost += 8;
		if (sc->depth == (int)sizeof sc->stack)
			break;		/* the tokener stops there */
		sc->stack[sc->depth++] = c;
		sc->key = c == '{';
		scan_cut(sc, at + 1);
		break;
	case '}':
	case ']':
		if (sc->depth == 0 || sc->stack[sc->depth - 1] !=
		    (c == '}' ? '{' : '['))
			break;		/* the tokener stops there */
		sc->depth--;
		scan_cut(sc, at + 1);
		break;
	case ',':
		sc->cost++;
		scan_cut(sc, at);
		sc->key = sc->depth > 0 && sc->stack[sc->depth - 1] == '{';
		break;
	default:
		break;
	}
}

/* Scan s; the bytes taken, fewer than n once the cost is over MAX_COST. */
static size_t
scan(struct scan *sc, const char *s, size_t n)
{
	size_t	 i;

	for (i = 0; i < n && sc->cost <= MAX_COST; i++) {
		switch (sc->st) {
		case S_TEXT:
			scan_text(sc, s[i], sc->off + i);
			break;
		case S_STR:
			if (s[i] == '\\')
				sc->st = S_ESC;
			else if (s[i] == sc->quote) {
				sc->st = S_TEXT;
				if (!sc->strkey)	/* a whole value */
					scan_cut(sc, sc->off + i + 1);
			}
			break;
		case S_ESC:
			sc->st = S_STR;
			break;
		case S_SLASH:
			sc->st = s[i] == '*' ? S_BLOCK : s[i] == '/' ? S_LINE :
			    S_TEXT;
			break;
		case S_LINE:
			if (s[i] == '\n')
				sc->st = S_TEXT;
			break;
		case S_BLOCK:
		case S_STAR:
			sc->st = s[i] == '*' ? S_STAR : sc->st == S_STAR &&
			    s[i] == '/' ? S_TEXT : S_BLOCK;
			break;
		}
	}
	sc->off += i;
	return i;
}

static void
note_error(struct jsonfeed *j, enum json_tokener_error e, size_t at)
{
	j->broken = 1;
	j->errat = at;
	if (e == json_tokener_error_depth)
		snprintf(j->error, sizeof j->error,
		    "JSON nested deeper than %d", MAX_DEPTH);
	else
		snprintf(j->error, sizeof j->error, "JSON: %s at byte %zu",
		    json_tokener_error_desc(e), at);
}

/* After the document, only white space. */
static void
trailing(struct jsonfeed *j, const char *s, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (!isspace((unsigned char)s[i]))
			j->trailing = 1;
}

/* The tokener takes n bytes of s, which begin at offset start. */
static void
tokenize(struct jsonfeed *j, const char *s, size_t n, size_t start)
{
	enum json_tokener_error e;
	size_t		 used;

	if (n == 0)
		return;
	/* n is at most MAX_DOC: it fits json-c's int. */
	j->root = json_tokener_parse_ex(j->tok, s, (int)n);
	e = json_tokener_get_error(j->tok);
	if (e == json_tokener_continue)
		return;
	used = json_tokener_get_parse_end(j->tok);
	if (e != json_tokener_success)
		note_error(j, e, start + used);
	else
		trailing(j, s + used, n - used);
}

int
jsonfeed_push(struct jsonfeed *j, const char *s, size_t n)
{
	const char	*limit = NULL;
	size_t		 start = j->doc.len, k;

	if (j->broken)
		return -1;
	if (j->root != NULL) {
		trailing(j, s, n);
		return 0;
	}
	if (n > MAX_DOC - j->doc.len) {
		n = MAX_DOC - j->doc.len;
		limit = "a JSON document larger than 32 MB";
	}
	buf_add(&j->doc, s, n);
	if ((k = scan(&j->sc, s, n)) < n)
		limit = "a JSON document of too many values";
	tokenize(j, s, k, start);
	if (limit != NULL && !j->broken && j->root == NULL) {
		j->broken = 1;
		j->errat = start + k;
		snprintf(j->error, sizeof j->error, "%s", limit);
	}
	return j->broken ? -1 : 0;
}

/* ---- reading what came before a break ---- */

/*
 * The document before the break, cut where the scanner last saw the end
 * of a value and closed: the items read so far, the last perhaps in part.
 */
static struct json_object *
reparse(struct jsonfeed *j)
{
	struct buf	 fixed = { NULL, 0, 0 };
	struct json_tokener *tok;
	struct json_object *o = NULL;
	struct scan	 sc;
	int		 i;

	memset(&sc, 0, sizeof sc);
	scan(&sc, j->doc.s, j->errat);
	if (sc.cut == 0)
		return NULL;
	buf_add(&fixed, j->doc.s, sc.cut);
	for (i = sc.cutdepth - 1; i >= 0; i--)
		buf_addc(&fixed, sc.stack[i] == '{' ? '}' : ']');
	if ((tok = json_tokener_new_ex(MAX_DEPTH + 1)) != NULL) {
		o = json_tokener_parse_ex(tok, fixed.s, (int)fixed.len);
		json_tokener_free(tok);
	}
	buf_free(&fixed);
	return o;
}

/* ---- the walk ---- */

static const char *
str(struct json_object *o, const char *key, size_t *len)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v) ||
	    !json_object_is_type(v, json_type_string))
		return NULL;
	*len = (size_t)json_object_get_string_len(v);
	return json_object_get_string(v);
}

static void
field(struct parser *p, struct json_object *o, const char *key,
    enum jf_field f, int prio)
{
	const char	*s;
	size_t		 len;

	if ((s = str(o, key, &len)) != NULL)
		jf_field(p, f, prio, s, len);
}

static struct json_object *
member(struct json_object *o, const char *key, enum json_type type)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v) ||
	    !json_object_is_type(v, type))
		return NULL;
	return v;
}

/* 1.1's authors[].name (the first), else 1.0's author.name. */
static void
authors(struct parser *p, struct json_object *o, int prio)
{
	struct json_object *a, *v;
	size_t		 i, n;

	if ((a = member(o, "authors", json_type_array)) != NULL) {
		n = json_object_array_length(a);
		for (i = 0; i < n; i++) {
			v = json_object_array_get_idx(a, i);
			if (json_object_is_type(v, json_type_object))
				field(p, v, "name", JF_AUTHOR, prio + 1);
		}
	}
	if ((v = member(o, "author", json_type_object)) != NULL)
		field(p, v, "name", JF_AUTHOR, prio);
}

static void
tags(struct parser *p, struct json_object *a)
{
	struct json_object *v;
	size_t		 i, n = json_object_array_length(a);

	for (i = 0; i < n; i++) {
		v = json_object_array_get_idx(a, i);
		if (json_object_is_type(v, json_type_string))
			jf_field(p, JF_CATEGORY, 1, json_object_get_string(v),
			    (size_t)json_object_get_string_len(v));
	}
}

static void
attachments(struct parser *p, struct json_object *a)
{
	struct json_object *v, *sz;
	const char	*url, *type;
	size_t		 i, n, ulen, tlen = 0;
	int64_t		 len;

	n = json_object_array_length(a);
	for (i = 0; i < n; i++) {
		v = json_object_array_get_idx(a, i);
		if (!json_object_is_type(v, json_type_object) ||
		    (url = str(v, "url", &ulen)) == NULL)
			continue;
		if ((type = str(v, "mime_type", &tlen)) == NULL)
			tlen = 0;
		len = -1;
		if ((sz = member(v, "size_in_bytes", json_type_int)) != NULL &&
		    json_object_get_int64(sz) >= 0)
			len = json_object_get_int64(sz);
		jf_enclosure(p, url, ulen, type, tlen, len);
	}
}

static int
item(struct parser *p, struct json_object *o, struct json_object *feed)
{
	struct json_object *v;

	jf_item_begin(p);
	/* A string or a number: either is its id, as written. */
	if ((v = member(o, "id", json_type_string)) != NULL ||
	    (v = member(o, "id", json_type_int)) != NULL ||
	    (v = member(o, "id", json_type_double)) != NULL)
		jf_field(p, JF_ID, 3, json_object_get_string(v),
		    strlen(json_object_get_string(v)));
	field(p, o, "url", JF_LINK, 3);
	field(p, o, "external_url", JF_LINK, 1);
	field(p, o, "title", JF_TITLE, 3);
	field(p, o, "content_html", JF_HTML, 3);
	field(p, o, "content_text", JF_TEXT, 2);
	field(p, o, "summary", JF_SUMMARY, 3);
	field(p, o, "date_published", JF_PUBLISHED, 3);
	field(p, o, "date_modified", JF_UPDATED, 3);
	field(p, o, "image", JF_THUMBNAIL, 3);
	field(p, o, "banner_image", JF_THUMBNAIL, 2);
	authors(p, o, 3);
	authors(p, feed, 1);		/* the feed's, unless it has its own */
	if ((v = member(o, "tags", json_type_array)) != NULL)
		tags(p, v);
	if ((v = member(o, "attachments", json_type_array)) != NULL)
		attachments(p, v);
	return jf_item_end(p);
}

/* The version URL: json1.0, json1.1, or FMT_UNKNOWN. */
static enum feed_format
version(struct json_object *root)
{
	const char	*s;
	size_t		 len, n;

	if ((s = str(root, "version", &len)) == NULL)
		return FMT_UNKNOWN;
	n = url_web_prefix(s);
	s += n;
	len -= n;
	while (len > 0 && s[len - 1] == '/')
		len--;
	if (len == 22 && strncasecmp(s, "jsonfeed.org/version/1", len) == 0)
		return FMT_JSON10;
	if (len == 24 && strncasecmp(s, "jsonfeed.org/version/1.1", len) == 0)
		return FMT_JSON11;
	return FMT_UNKNOWN;
}

static void
walk(struct parser *p, struct json_object *root)
{
	struct json_object *items, *v;
	size_t		 i, n;

	field(p, root, "title", JF_TITLE, 3);
	field(p, root, "home_page_url", JF_LINK, 3);
	field(p, root, "feed_url", JF_SELF, 3);
	field(p, root, "description", JF_SUBTITLE, 3);
	if ((items = member(root, "items", json_type_array)) == NULL)
		return;
	n = json_object_array_length(items);
	for (i = 0; i < n; i++) {
		v = json_object_array_get_idx(items, i);
		if (json_object_is_type(v, json_type_object) && item(p, v, root))
			return;
	}
}

int
jsonfeed_finish(struct jsonfeed *j, struct parser *p, enum feed_format *fmt,
    int *malformed, char *err, size_t errlen)
{
	struct json_object *root = j->root;

	*fmt = FMT_UNKNOWN;
	*malformed = j->broken || j->trailing;
	if (root == NULL && !j->broken) {
		snprintf(j->error, sizeof j->error,
		    "JSON: the document ends early");
		j->broken = *malformed = 1;
		j->errat = j->doc.len;
	}
	if (root == NULL) {
		json_tokener_reset(j->tok);	/* its part-built tree goes */
		root = j->root = reparse(j);
	}
	snprintf(err, errlen, "%s", j->error);
	if (root == NULL || !json_object_is_type(root, json_type_object) ||
	    ((*fmt = version(root)) == FMT_UNKNOWN &&
	    member(root, "items", json_type_array) == NULL)) {
		snprintf(err, errlen, "not a feed: %s",
		    root == NULL && j->error[0] != '\0' ? j->error :
		    "a JSON document, but no JSON Feed version or items");
		*fmt = FMT_UNKNOWN;
		return -1;
	}
	/* Items without a version: read as the current version. */
	if (*fmt == FMT_UNKNOWN)
		*fmt = FMT_JSON11;
	walk(p, root);
	return 0;
}
