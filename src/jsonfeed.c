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
#include "util.h"

#define MAX_DEPTH	64			/* nesting of arrays and objects */
#define MAX_DOC		(32 * 1024 * 1024)	/* the tree lives in memory */

struct jsonfeed {
	struct json_tokener *tok;
	struct json_object *root;
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

int
jsonfeed_push(struct jsonfeed *j, const char *s, size_t n)
{
	enum json_tokener_error e;
	size_t		 start = j->doc.len, used, k;

	if (j->broken)
		return -1;
	if (n == 0)
		return 0;
	if (j->root != NULL) {		/* only white space may follow */
		for (k = 0; k < n; k++)
			if (!isspace((unsigned char)s[k]))
				j->trailing = 1;
		return 0;
	}
	if (n > MAX_DOC - j->doc.len) {
		j->broken = 1;
		j->errat = j->doc.len;
		snprintf(j->error, sizeof j->error,
		    "a JSON document larger than %d bytes", MAX_DOC);
		return -1;
	}
	buf_add(&j->doc, s, n);
	/* n is at most MAX_DOC: it fits json-c's int. */
	j->root = json_tokener_parse_ex(j->tok, s, (int)n);
	e = json_tokener_get_error(j->tok);
	if (e == json_tokener_continue)
		return 0;
	used = json_tokener_get_parse_end(j->tok);
	if (e != json_tokener_success) {
		note_error(j, e, start + used);
		return -1;
	}
	return jsonfeed_push(j, s + used, n - used);
}

/* ---- reading what came before a break ---- */

/*
 * The longest prefix of s that ends between two values, closed: the
 * brackets still open are closed in reverse.  Returns -1 if there is none.
 */
static int
repair(const char *s, size_t n, struct buf *out)
{
	char	 stack[MAX_DEPTH + 1], close[MAX_DEPTH + 1];
	size_t	 i, cut = 0;
	int	 depth = 0, cutdepth = 0, instr = 0, key = 0, strkey = 0;

	/* key: the next string is an object's member name, not a value. */
	for (i = 0; i < n; i++) {
		if (instr) {
			if (s[i] == '\\')
				i++;
			else if (s[i] == '"') {
				instr = 0;
				if (!strkey)	/* a whole string value */
					cut = i + 1, cutdepth = depth;
			}
			continue;
		}
		switch (s[i]) {
		case '"':
			instr = 1;
			strkey = key;
			key = 0;
			break;
		case '{':
		case '[':
			if (depth == (int)sizeof stack)
				goto done;
			stack[depth++] = s[i];
			key = s[i] == '{';
			cut = i + 1, cutdepth = depth;
			break;
		case '}':
		case ']':
			if (depth == 0 || stack[depth - 1] != (s[i] == '}' ?
			    '{' : '['))
				goto done;
			depth--;
			cut = i + 1, cutdepth = depth;
			break;
		case ',':
			cut = i, cutdepth = depth;
			key = depth > 0 && stack[depth - 1] == '{';
			break;
		default:
			break;
		}
	}
done:
	if (cut == 0)
		return -1;
	buf_add(out, s, cut);
	for (i = 0; i < (size_t)cutdepth; i++)
		close[i] = stack[cutdepth - 1 - i] == '{' ? '}' : ']';
	buf_add(out, close, (size_t)cutdepth);
	return 0;
}

static struct json_object *
reparse(struct jsonfeed *j)
{
	struct buf	 fixed = { NULL, 0, 0 };
	struct json_tokener *tok;
	struct json_object *o = NULL;

	if (repair(j->doc.s, j->errat, &fixed) == 0 &&
	    (tok = json_tokener_new_ex(MAX_DEPTH + 1)) != NULL) {
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
	size_t		 len;

	if ((s = str(root, "version", &len)) == NULL)
		return FMT_UNKNOWN;
	if (strncasecmp(s, "https://", 8) == 0)
		s += 8, len -= 8;
	else if (strncasecmp(s, "http://", 7) == 0)
		s += 7, len -= 7;
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
	if (root == NULL)
		root = j->root = reparse(j);
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
