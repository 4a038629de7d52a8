/* json.c: writing JSON strings and dates. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "encoding.h"
#include "json.h"
#include "parse.h"
#include "url.h"

/*
 * Whatever it is given, the string written is valid UTF-8 (a byte that
 * is not becomes U+FFFD) with every control character and DEL escaped:
 * safe to print on a terminal.  valid: s is known to be UTF-8 without
 * DEL already (the parser's strings), so its other bytes are copied unread.
 */
static void
escape(struct buf *b, const char *s, size_t len, int valid)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s;
	char	 u[6] = { '\\', 'u', '0', '0' };
	size_t	 i, run;
	unsigned char c = 0;
	int	 n;

	buf_addc(b, '"');
	for (i = 0, run = 0; i < len; i++) {
		/* Most of it is plain text: eight bytes at a time, then the
		 * ASCII before what stopped that, byte by byte. */
		while (len - i >= 8 && !word_has(p + i, 0x20, '"', '\\') &&
		    (valid || !word_high(p + i)))
			i += 8;
		while (i < len && (c = p[i]) >= 0x20 && c < 0x7f && c != '"' &&
		    c != '\\')
			i++;
		if (i == len)
			break;
		if (c >= 0x80 && valid)
			continue;
		if (c >= 0x80 && (n = utf8_seq(p + i, len - i)) > 0) {
			/* Whole words of a script other than Latin go at once. */
			while ((i += (size_t)n) < len && p[i] >= 0x80 &&
			    (n = utf8_seq(p + i, len - i)) > 0)
				;
			i--;
			continue;
		}
		buf_add(b, s + run, i - run);
		run = i + 1;
		switch (c) {
		case '"':  buf_add(b, "\\\"", 2); break;
		case '\\': buf_add(b, "\\\\", 2); break;
		case '\n': buf_add(b, "\\n", 2); break;
		case '\r': buf_add(b, "\\r", 2); break;
		case '\t': buf_add(b, "\\t", 2); break;
		default:
			if (c >= 0x80)		/* not UTF-8 */
				buf_add(b, "\xef\xbf\xbd", 3);
			else {
				u[4] = hex[c >> 4];
				u[5] = hex[c & 15];
				buf_add(b, u, 6);
			}
		}
	}
	buf_add(b, s + run, len - run);
	buf_addc(b, '"');
}

void
json_strn(struct buf *b, const char *s, size_t len)
{
	escape(b, s, len, 0);
}

void
json_str(struct buf *b, const char *s)
{
	if (s == NULL)
		buf_add(b, "null", 4);
	else
		escape(b, s, strlen(s), 0);
}

void
json_str_utf8(struct buf *b, const char *s)
{
	if (s == NULL)
		buf_add(b, "null", 4);
	else
		escape(b, s, strlen(s), 1);
}

void
json_date(struct buf *b, int64_t t)
{
	char	 d[21];

	if (t == DATE_NONE) {
		buf_add(b, "null", 4);
		return;
	}
	fmt_rfc3339(d, t);
	buf_addc(b, '"');
	buf_add(b, d, 20);
	buf_addc(b, '"');
}

/*
 * A URL of a stored entry goes out only if the link policy allows it now,
 * as merge.c checks on output: older versions stored what it refuses.
 */
static const char *
stored_url(int flags, const char *url)
{
	if (!(flags & JSON_ENTRY_STORED) || url_allowed(url, URL_LINK))
		return url;
	return NULL;
}

/*
 * An entry as `feedmux parse --json` prints it; hooks print stored
 * entries through it too, so both always agree.
 */
void
json_entry(struct buf *b, const struct entry *e, int flags, const char *why)
{
	void	(*str)(struct buf *, const char *) = flags & JSON_ENTRY_STORED ?
	    json_str : json_str_utf8;
	size_t	 i, n;

	buf_adds(b, "{\"id\": ");
	str(b, e->id);
	buf_adds(b, ", \"title\": ");
	str(b, e->title);
	buf_adds(b, ", \"link\": ");
	str(b, stored_url(flags, e->link));
	buf_adds(b, ", \"author\": ");
	str(b, e->author);
	buf_adds(b, ", \"author_email\": ");
	str(b, e->author_email);
	buf_adds(b, ", \"thumbnail\": ");
	str(b, stored_url(flags, e->thumbnail));
	buf_adds(b, ",\n   \"published\": ");
	json_date(b, e->published);
	buf_adds(b, ", \"updated\": ");
	json_date(b, e->updated);
	buf_adds(b, ",\n   \"summary\": ");
	str(b, e->summary);
	buf_adds(b, ",\n   \"content\": ");
	str(b, e->content);
	buf_adds(b, ",\n   \"categories\": [");
	for (i = 0; i < e->ncategories; i++) {
		if (i > 0)
			buf_adds(b, ", ");
		str(b, e->categories[i]);
	}
	buf_adds(b, "], \"enclosures\": [");
	for (i = n = 0; i < e->nenclosures; i++) {
		if (stored_url(flags, e->enclosures[i].url) == NULL)
			continue;
		buf_adds(b, n++ > 0 ? ", {\"url\": " : "{\"url\": ");
		str(b, e->enclosures[i].url);
		buf_adds(b, ", \"type\": ");
		str(b, e->enclosures[i].type);
		if (e->enclosures[i].length >= 0)
			buf_printf(b, ", \"length\": %lld}",
			    (long long)e->enclosures[i].length);
		else
			buf_adds(b, ", \"length\": null}");
	}
	buf_adds(b, e->truncated ? "], \"truncated\": true" : "]");
	if (flags & JSON_ENTRY_RULES) {
		buf_adds(b, ", \"rejected_by\": ");
		json_str(b, why);
	}
	buf_addc(b, '}');
}
