/*
 * encoding.c: the bytes of a document -> UTF-8, whatever it claims.
 *
 * UTF-8, windows-1252 (which is what "ISO-8859-1" means on the web) and
 * UTF-16 are decoded here; anything else goes through iconv(3).
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <iconv.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "encoding.h"
#include "util.h"

enum enc { ENC_UTF8, ENC_1252, ENC_UTF16LE, ENC_UTF16BE, ENC_ICONV };

struct decoder {
	enum enc	 enc;
	int		 undecided;	/* legacy charset not yet checked */
	iconv_t		 cd;
	unsigned char	 tail[8];	/* an incomplete sequence */
	size_t		 ntail;
	char		 name[32];
};

/* windows-1252 0x80-0x9f; the five holes map to themselves (WHATWG). */
static const uint16_t cp1252[32] = {
	0x20ac, 0x0081, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021,
	0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008d, 0x017d, 0x008f,
	0x0090, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014,
	0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0x009d, 0x017e, 0x0178,
};

static uint32_t
from1252(unsigned char c)
{
	return c >= 0x80 && c < 0xa0 ? cp1252[c - 0x80] : c;
}

/* Valid UTF-8 with at least one multi-byte sequence (the end may be cut). */
static int
looks_utf8(const unsigned char *p, size_t len)
{
	size_t	 i = 0;
	int	 n, multi = 0;

	while (i < len) {
		if ((n = utf8_seq(p + i, len - i)) == -1)
			return 0;
		if (n == 0)
			break;
		multi |= n > 1;
		i += (size_t)n;
	}
	return multi;
}

static enum enc
enc_of(const char *name)
{
	/* Every WHATWG label of windows-1252 (and "latin-1"): browsers read
	 * 0x80-0x9f of these as windows-1252, never as C1 controls. */
	static const char *const latin[] = { "iso-8859-1", "iso8859-1",
	    "iso88591", "iso_8859-1", "iso_8859-1:1987", "latin1", "latin-1",
	    "l1", "csisolatin1", "ibm819", "cp819", "iso-ir-100",
	    "windows-1252", "cp1252", "x-cp1252", "us-ascii", "ascii",
	    "ansi_x3.4-1968" };
	size_t	 i;

	if (strcasecmp(name, "utf-8") == 0 || strcasecmp(name, "utf8") == 0)
		return ENC_UTF8;
	for (i = 0; i < nitems(latin); i++)
		if (strcasecmp(name, latin[i]) == 0)
			return ENC_1252;
	if (strcasecmp(name, "utf-16le") == 0)
		return ENC_UTF16LE;
	if (strcasecmp(name, "utf-16be") == 0 || strcasecmp(name, "utf-16") == 0)
		return ENC_UTF16BE;
	return ENC_ICONV;
}

int
xml_decl_encoding(const char *head, size_t len, char *out, size_t outlen)
{
	const char	*p, *end, *q;
	char		 quote;
	size_t		 n;

	if (len < 6 || memcmp(head, "<?xml", 5) != 0)
		return -1;
	if ((end = memchr(head, '>', len)) == NULL)
		end = head + len;
	for (p = head + 5; p + 8 < end; p++)
		if (memcmp(p, "encoding", 8) == 0)
			break;
	if (p + 8 >= end)
		return -1;
	for (p += 8; p < end && (isspace((unsigned char)*p) || *p == '='); p++)
		;
	if (p == end || (*p != '"' && *p != '\''))
		return -1;
	quote = *p++;
	if ((q = memchr(p, quote, (size_t)(end - p))) == NULL)
		return -1;
	if ((n = (size_t)(q - p)) == 0 || n >= outlen)
		return -1;
	memcpy(out, p, n);
	out[n] = '\0';
	return 0;
}

/* BOM, or the UTF-16 form of "<?" without one. */
static int
sniff_bom(const unsigned char *p, size_t len, enum enc *enc, size_t *bom)
{
	*bom = 0;
	if (len >= 3 && p[0] == 0xef && p[1] == 0xbb && p[2] == 0xbf) {
		*enc = ENC_UTF8;
		*bom = 3;
	} else if (len >= 2 && p[0] == 0xfe && p[1] == 0xff) {
		*enc = ENC_UTF16BE;
		*bom = 2;
	} else if (len >= 2 && p[0] == 0xff && p[1] == 0xfe) {
		*enc = ENC_UTF16LE;
		*bom = 2;
	} else if (len >= 4 && p[0] == '<' && p[1] == 0 && p[2] != 0 &&
	    p[3] == 0)
		*enc = ENC_UTF16LE;
	else if (len >= 4 && p[0] == 0 && p[1] == '<' && p[2] == 0 &&
	    p[3] != 0)
		*enc = ENC_UTF16BE;
	else
		return -1;
	return 0;
}

static void
set_name(struct decoder *d, const char *name)
{
	size_t	 i;

	for (i = 0; name[i] != '\0' && i + 1 < sizeof d->name; i++)
		d->name[i] = (char)tolower((unsigned char)name[i]);
	d->name[i] = '\0';
}

static void
use(struct decoder *d, enum enc enc)
{
	static const char *const names[] = { "utf-8", "windows-1252",
	    "utf-16le", "utf-16be" };

	if (d->cd != (iconv_t)-1) {
		iconv_close(d->cd);
		d->cd = (iconv_t)-1;
	}
	d->enc = enc;
	d->undecided = 0;
	if (enc != ENC_ICONV)
		set_name(d, names[enc]);
}

/* A named legacy charset: iconv, or UTF-8 when iconv does not know it. */
static void
use_named(struct decoder *d, const char *name)
{
	enum enc	 enc = enc_of(name);

	use(d, enc);
	if (enc == ENC_ICONV) {
		set_name(d, name);
		if ((d->cd = iconv_open("UTF-8", name)) == (iconv_t)-1)
			use(d, ENC_UTF8);
	}
	/* Checked at the first non-ASCII byte: it may be UTF-8 really. */
	d->undecided = d->enc == ENC_1252 || d->enc == ENC_ICONV;
}

struct decoder *
decoder_new(const char *head, size_t len, const char *http_charset,
    size_t *bom)
{
	struct decoder	*d = xcalloc(1, sizeof *d);
	enum enc	 enc;
	char		 decl[32];

	d->cd = (iconv_t)-1;
	if (sniff_bom((const unsigned char *)head, len, &enc, bom) == 0)
		use(d, enc);
	else if (http_charset != NULL && *http_charset != '\0' &&
	    !(enc_of(http_charset) == ENC_UTF16LE ||
	    enc_of(http_charset) == ENC_UTF16BE))
		use_named(d, http_charset);
	else if (xml_decl_encoding(head, len, decl, sizeof decl) == 0 &&
	    enc_of(decl) != ENC_UTF16LE && enc_of(decl) != ENC_UTF16BE)
		use_named(d, decl);
	else
		use(d, ENC_UTF8);
	return d;
}

const char *
decoder_name(const struct decoder *d)
{
	return d->name;
}

void
decoder_free(struct decoder *d)
{
	if (d == NULL)
		return;
	if (d->cd != (iconv_t)-1)
		iconv_close(d->cd);
	free(d);
}

/* The length of the valid UTF-8 at the start of p (whole sequences). */
static size_t
utf8_prefix(const unsigned char *p, size_t len)
{
	uint64_t w;
	size_t	 i = 0;
	int	 n;

	while (i < len) {
		/* Feeds are mostly ASCII: eight bytes at a time while no
		 * byte has its top bit set. */
		while (len - i >= 8) {
			memcpy(&w, p + i, 8);
			if (w & 0x8080808080808080ULL)
				break;
			i += 8;
		}
		if (i == len)
			break;
		if (p[i] < 0x80) {
			i++;
			continue;
		}
		if ((n = utf8_seq(p + i, len - i)) <= 0)
			break;
		i += (size_t)n;
	}
	return i;
}

/* UTF-8 passed through; a byte that is not UTF-8 read as windows-1252. */
static size_t
run_utf8(const unsigned char *p, size_t len, int last, struct buf *out)
{
	size_t	 i = 0, run = 0;

	while (i < len) {
		i += utf8_prefix(p + i, len - i);
		if (i == len)
			break;
		if (utf8_seq(p + i, len - i) == 0 && !last)
			break;		/* the rest comes with the next call */
		buf_add(out, p + run, i - run);
		buf_add_utf8(out, from1252(p[i]));
		run = ++i;
	}
	buf_add(out, p + run, i - run);
	return i;
}

static size_t
run_1252(const unsigned char *p, size_t len, struct buf *out)
{
	size_t	 i, run = 0;

	for (i = 0; i < len; i++) {
		if (p[i] < 0x80)
			continue;
		buf_add(out, p + run, i - run);
		buf_add_utf8(out, from1252(p[i]));
		run = i + 1;
	}
	buf_add(out, p + run, len - run);
	return len;
}

static size_t
run_utf16(const unsigned char *p, size_t len, int last, int be,
    struct buf *out)
{
	size_t		 i;
	uint32_t	 c, c2;

	for (i = 0; i + 1 < len; i += 2) {
		c = be ? (uint32_t)p[i] << 8 | p[i + 1] :
		    (uint32_t)p[i + 1] << 8 | p[i];
		if (c >= 0xd800 && c < 0xdc00) {
			if (i + 3 >= len) {
				if (!last)
					break;
				c = 0xfffd;
			} else {
				c2 = be ? (uint32_t)p[i + 2] << 8 | p[i + 3] :
				    (uint32_t)p[i + 3] << 8 | p[i + 2];
				if (c2 >= 0xdc00 && c2 < 0xe000) {
					c = 0x10000 + ((c - 0xd800) << 10) +
					    (c2 - 0xdc00);
					i += 2;
				} else
					c = 0xfffd;
			}
		} else if (c >= 0xdc00 && c < 0xe000)
			c = 0xfffd;
		buf_add_utf8(out, c);
	}
	return last ? len : i;
}

static size_t
run_iconv(struct decoder *d, const unsigned char *p, size_t len, int last,
    struct buf *out)
{
	char	*in = (char *)(uintptr_t)p, *o;
	size_t	 inleft = len, oleft;

	while (inleft > 0) {
		buf_grow(out, inleft * 4 + 16);
		o = out->s + out->len;
		oleft = out->cap - out->len - 1;
		if (iconv(d->cd, &in, &inleft, &o, &oleft) != (size_t)-1) {
			out->len = (size_t)(o - out->s);
			continue;
		}
		out->len = (size_t)(o - out->s);
		if (errno == E2BIG)
			continue;
		if (errno == EINVAL && !last)
			break;		/* incomplete: wait for more */
		/* Invalid or cut off: one replacement character, go on. */
		buf_add_utf8(out, 0xfffd);
		in++;
		inleft--;
		iconv(d->cd, NULL, NULL, NULL, NULL);
	}
	if (out->s != NULL)
		out->s[out->len] = '\0';
	return len - inleft;
}

/* At the first non-ASCII byte of a legacy charset: is it UTF-8 really? */
static void
decide(struct decoder *d, const unsigned char *p, size_t len)
{
	size_t	 i;

	for (i = 0; i < len && p[i] < 0x80; i++)
		;
	if (i == len)
		return;
	if (looks_utf8(p + i, len - i < 1024 ? len - i : 1024))
		use(d, ENC_UTF8);
	d->undecided = 0;
}

static size_t
run(struct decoder *d, const unsigned char *p, size_t len, int last,
    struct buf *out)
{
	if (d->undecided)
		decide(d, p, len);
	switch (d->enc) {
	case ENC_UTF8:
		return run_utf8(p, len, last, out);
	case ENC_1252:
		return run_1252(p, len, out);
	case ENC_UTF16LE:
	case ENC_UTF16BE:
		return run_utf16(p, len, last, d->enc == ENC_UTF16BE, out);
	case ENC_ICONV:
		return run_iconv(d, p, len, last, out);
	}
	return len;
}

size_t
decoder_valid(const struct decoder *d, const char *in, size_t len)
{
	if (d->enc != ENC_UTF8 || d->ntail > 0)
		return 0;
	return utf8_prefix((const unsigned char *)in, len);
}

void
decoder_run(struct decoder *d, const char *in, size_t len, int last,
    struct buf *out)
{
	const unsigned char *p = (const unsigned char *)in;
	unsigned char	 tmp[16];
	size_t		 n, k, used;

	buf_grow(out, len);
	out->s[out->len] = '\0';
	/* Finish a sequence cut at the end of the last call first. */
	while (d->ntail > 0 && (len > 0 || last)) {
		k = len < sizeof tmp - d->ntail ? len : sizeof tmp - d->ntail;
		memcpy(tmp, d->tail, d->ntail);
		memcpy(tmp + d->ntail, p, k);
		n = d->ntail + k;
		used = run(d, tmp, n, last && k == len, out);
		if (used < d->ntail) {		/* still incomplete */
			memcpy(d->tail + d->ntail, p, k);
			d->ntail += k;
			if (d->ntail > sizeof d->tail)
				d->ntail = 0;	/* cannot be; be safe */
			return;
		}
		used -= d->ntail;
		d->ntail = 0;
		p += used;
		len -= used;
		if (len == 0 && !last)
			return;
		break;
	}
	used = run(d, p, len, last, out);
	if (used < len) {
		d->ntail = len - used;
		if (d->ntail > sizeof d->tail)
			d->ntail = sizeof d->tail;
		memcpy(d->tail, p + used, d->ntail);
	}
}

int
looks_html(const char *p, size_t len)
{
	const char	*end = p + len;

	if (len >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
		p += 3;
	while (p < end && isspace((unsigned char)*p))
		p++;
	return (end - p >= 14 && strncasecmp(p, "<!doctype html", 14) == 0) ||
	    (end - p >= 5 && strncasecmp(p, "<html", 5) == 0);
}

void
http_charset(const char *ct, char *out, size_t outlen)
{
	const char	*p;
	size_t		 n;

	out[0] = '\0';
	if (ct == NULL || (p = strcasestr(ct, "charset=")) == NULL)
		return;
	p += 8;
	if (*p == '"')
		p++;
	n = strcspn(p, "\"; \t");
	if (n > 0 && n < outlen) {
		memcpy(out, p, n);
		out[n] = '\0';
	}
}

/* ---- clean text: what the parser hands out ---- */

/* U+0080 to U+009F, the C1 controls (U+009B is a terminal's CSI), at p. */
static int
is_c1(const unsigned char *p, size_t left)
{
	return p[0] == 0xc2 && left > 1 && p[1] >= 0x80 && p[1] < 0xa0;
}

/* Sixteen bytes compared at once (GCC's and clang's vector extension:
 * SSE2 on x86-64, NEON on arm64, plain code elsewhere). */
typedef unsigned char	v16u __attribute__((vector_size(16)));
typedef signed char	v16s __attribute__((vector_size(16)));

/* No byte below 0x20 (TAB and LF aside with lines), DEL or 0xc2 in the
 * sixteen at p? */
static inline int
plain16(const unsigned char *p, int lines)
{
	v16u		 x;
	v16s		 m;
	uint64_t	 h[2];

	memcpy(&x, p, 16);
	m = x < 0x20;
	if (lines)
		m &= (x != '\t') & (x != '\n');
	m |= (x == 0x7f) | (x == 0xc2);
	memcpy(h, &m, 16);
	return (h[0] | h[1]) == 0;
}

/* Controls and DEL only, in text known to be UTF-8: sixteen bytes at a
 * time, non-ASCII included (a C1 control's UTF-8 begins with 0xc2); the
 * last few padded to sixteen, so short strings take one look too. */
static size_t
ctl_free_len(const unsigned char *p, size_t len, int lines)
{
	unsigned char	 t[16];
	size_t		 i = 0, end;

	while (i < len) {
		while (len - i >= 16 && plain16(p + i, lines))
			i += 16;
		if (len - i < 16) {
			memset(t, 'a', sizeof t);
			memcpy(t, p + i, len - i);
			if (plain16(t, lines))
				return len;
		}
		for (end = len - i >= 16 ? i + 16 : len; i < end; i++)
			if (p[i] == 0x7f || (p[i] < 0x20 && (!lines ||
			    (p[i] != '\t' && p[i] != '\n'))) ||
			    (p[i] == 0xc2 && is_c1(p + i, len - i)))
				return i;
	}
	return i;
}

size_t
utf8_text_len(const char *s, size_t len, int flags)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t	 i = 0;
	int	 lines = flags & UTF8_LINES, n;

	if (flags & UTF8_VALID)
		return ctl_free_len(p, len, lines);
	while (i < len) {
		/* Mostly printable ASCII: eight bytes at a time. */
		while (len - i >= 8 && !word_high(p + i) &&
		    !word_has(p + i, 0x20, 0x7f, 0x7f))
			i += 8;
		while (i < len && p[i] >= 0x20 && p[i] < 0x7f)
			i++;
		if (i == len)
			break;
		if (p[i] < 0x20) {
			if (!lines || (p[i] != '\t' && p[i] != '\n'))
				break;
			i++;
			continue;
		}
		if (p[i] == 0x7f)
			break;
		/* Whole words of a script other than Latin go at once. */
		while (i < len && p[i] >= 0x80 && !is_c1(p + i, len - i) &&
		    (n = utf8_seq(p + i, len - i)) > 0)
			i += (size_t)n;
		if (i < len && p[i] >= 0x80)
			break;		/* not UTF-8, or a C1 control */
	}
	return i;
}

void
utf8_text(struct buf *out, const char *s, size_t len, int flags)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t	 i = 0, k;
	int	 lines = flags & UTF8_LINES;

	while (i < len) {
		k = utf8_text_len(s + i, len - i, lines);
		buf_add(out, s + i, k);
		if ((i += k) == len)
			break;
		if (p[i] == '\t' || p[i] == '\n' || p[i] == '\r')
			buf_addc(out, lines && p[i] != '\r' ? p[i] : ' ');
		else if (is_c1(p + i, len - i))
			i++;			/* both its bytes dropped */
		else if (p[i] >= 0x80)		/* not UTF-8 */
			buf_add(out, "\xef\xbf\xbd", 3);
		i++;		/* other controls and DEL: dropped */
	}
}

size_t
utf8_cut(const char *s, size_t len, size_t max)
{
	if (len <= max)
		return len;
	/* Back over continuation bytes to the start of a character. */
	while (max > 0 && ((unsigned char)s[max] & 0xc0) == 0x80)
		max--;
	return max;
}

size_t
utf8_chars(const char *s, size_t len)
{
	size_t	 i, n = 0;

	for (i = 0; i < len; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			n++;
	return n;
}

size_t
utf8_cut_words(const char *s, size_t len, size_t max)
{
	size_t	 i, chars = 0, space = 0;

	for (i = 0; i < len; i++) {
		if (((unsigned char)s[i] & 0xc0) == 0x80)
			continue;
		if (s[i] == ' ')
			space = i;
		if (++chars > max)
			return space > 0 ? space : i;
	}
	return len;
}

void
utf8_line(char *s)
{
	unsigned char	*p = (unsigned char *)s;
	size_t		 len = strlen(s), i = 0;
	int		 n;

	while (i < len) {
		if (p[i] < 0x20 || p[i] == 0x7f) {
			p[i++] = ' ';
			continue;
		}
		if (is_c1(p + i, len - i)) {
			p[i++] = ' ';
			p[i++] = ' ';
			continue;
		}
		if ((n = utf8_seq(p + i, len - i)) > 0) {
			i += (size_t)n;
			continue;
		}
		if (n == 0) {		/* cut short at the end */
			p[i] = '\0';
			break;
		}
		p[i++] = '?';
	}
}

size_t
utf8_bad_len(const unsigned char *p, size_t avail)
{
	size_t	 n = 1;

	/* A prefix that is still a sequence's beginning reads as incomplete. */
	while (n < avail && utf8_seq(p, n + 1) == 0)
		n++;
	return n;
}

size_t
utf8_encode(char u[4], uint32_t c)
{
	/* Surrogates and what lies past Unicode are not characters. */
	if ((c >= 0xd800 && c < 0xe000) || c > 0x10ffff)
		c = 0xfffd;
	if (c < 0x80) {
		u[0] = (char)c;
		return 1;
	}
	if (c < 0x800) {
		u[0] = (char)(0xc0 | c >> 6);
		u[1] = (char)(0x80 | (c & 0x3f));
		return 2;
	}
	if (c < 0x10000) {
		u[0] = (char)(0xe0 | c >> 12);
		u[1] = (char)(0x80 | ((c >> 6) & 0x3f));
		u[2] = (char)(0x80 | (c & 0x3f));
		return 3;
	}
	u[0] = (char)(0xf0 | c >> 18);
	u[1] = (char)(0x80 | ((c >> 12) & 0x3f));
	u[2] = (char)(0x80 | ((c >> 6) & 0x3f));
	u[3] = (char)(0x80 | (c & 0x3f));
	return 4;
}

void
buf_add_utf8(struct buf *out, uint32_t c)
{
	char	 u[4];

	buf_add(out, u, utf8_encode(u, c));
}

/* U+00C0 to U+00FF, then U+0100 to U+017F, as base letters ('*': kept). */
static const char latin1_base[] =
    "aaaaaaaceeeeiiiidnooooo*ouuuuyts"
    "aaaaaaaceeeeiiiidnooooo*ouuuuyty";
static const char latin_a_base[] =
    "aaaaaaccccccccddddeeeeeeeeeegggggggghhhhiiiiiiiiiiiijjkkk"
    "llllllllllnnnnnnnnnoooooooorrrrrrsssssssstttttt"
    "uuuuuuuuuuuuwwyyyzzzzzzs";

static uint32_t
fold_cp(uint32_t c)
{
	if (c < 0x80)
		return c >= 'A' && c <= 'Z' ? c + 0x20 : c;
	if (c >= 0xc0 && c < 0x100 && latin1_base[c - 0xc0] != '*')
		return (unsigned char)latin1_base[c - 0xc0];
	if (c >= 0x100 && c < 0x180)
		return (unsigned char)latin_a_base[c - 0x100];
	if ((c >= 0x391 && c <= 0x3a9) || (c >= 0x410 && c <= 0x42f))
		return c + 0x20;	/* Greek, Cyrillic capitals */
	if (c >= 0x400 && c <= 0x40f)
		return c + 0x50;
	return c;
}

void
utf8_fold(struct buf *out, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t		 avail = strlen(s);
	uint32_t	 c;
	int		 n;

	while (avail > 0) {
		if ((n = utf8_decode(p, avail, &c)) <= 0) {
			p++, avail--;		/* not UTF-8: sorts as nothing */
			continue;
		}
		p += n, avail -= (size_t)n;
		buf_add_utf8(out, fold_cp(c));
	}
	buf_add(out, "", 0);
}
