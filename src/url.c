/* url.c: resolving URLs (libxml2) and their canonical form for matching. */
#include "config.h"

#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/uri.h>
#include <libxml/xmlmemory.h>

#include "url.h"
#include "util.h"

/* A URL split in place: pointers and lengths into the original string. */
struct url_parts {
	const char	*scheme, *auth, *path, *query;
	size_t		 nscheme, nauth, npath, nquery;
};

/* Query parameters that only say where a click came from. */
static const char *const tracking[] = {
	"fbclid", "gclid", "dclid", "gclsrc", "msclkid", "yclid", "igshid",
	"mc_cid", "mc_eid", "_hsenc", "_hsmkt", "mkt_tok", "ref", "ref_src",
	"ref_url", "referrer", "src", "cmpid", "wt_mc", "oly_enc_id",
	"oly_anon_id", "vero_id", "_ga", "__twitter_impression",
};

/*
 * ref with what a URI may not hold percent-encoded, as a browser reads an
 * href: blanks, controls, bytes of non-ASCII characters and "<>\"^`{|}\\".
 * White space at the ends is dropped; a "%" stays as it is.  NULL when
 * nothing needed escaping.
 */
static char *
escape_loose(const char *ref)
{
	static const char hex[] = "0123456789ABCDEF";
	struct buf	 b = { NULL, 0, 0 };
	const unsigned char *p = (const unsigned char *)ref;
	size_t		 n = strlen(ref), i;
	int		 changed = 0;

	while (n > 0 && isspace(p[n - 1]))
		n--;
	changed = n != strlen(ref);
	buf_add(&b, "", 0);
	for (i = 0; i < n; i++) {
		if (p[i] <= 0x20 || p[i] >= 0x7f ||
		    strchr("<>\"^`{|}\\", p[i]) != NULL) {
			buf_addc(&b, '%');
			buf_addc(&b, hex[p[i] >> 4]);
			buf_addc(&b, hex[p[i] & 15]);
			changed = 1;
		} else
			buf_addc(&b, (char)p[i]);
	}
	if (!changed) {
		buf_free(&b);
		return NULL;
	}
	return b.s;
}

static char *
resolve(const char *base, const char *ref)
{
	xmlChar	*u;
	char	*s;

	if (base == NULL || *base == '\0') {
		xmlURIPtr p = xmlParseURI(ref);

		if (p == NULL)
			return NULL;
		s = p->scheme != NULL ? xstrdup(ref) : NULL;
		xmlFreeURI(p);
		return s;
	}
	if ((u = xmlBuildURI((const xmlChar *)ref, (const xmlChar *)base)) ==
	    NULL)
		return NULL;
	s = xstrdup((const char *)u);
	xmlFree(u);
	return s;
}

char *
url_resolve(const char *base, const char *ref)
{
	char	*s, *esc;

	if (ref == NULL)
		return NULL;
	while (isspace((unsigned char)*ref))
		ref++;
	if ((s = resolve(base, ref)) != NULL ||
	    (esc = escape_loose(ref)) == NULL)
		return s;
	s = resolve(base, esc);
	free(esc);
	return s;
}

static int
is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* RFC 3986 scheme: ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) ":" */
static size_t
scheme_len(const char *s)
{
	size_t	i;

	if (!is_alpha(s[0]))
		return 0;
	for (i = 1; s[i] != ':'; i++)
		if (!is_alpha(s[i]) && !(s[i] >= '0' && s[i] <= '9') &&
		    s[i] != '+' && s[i] != '-' && s[i] != '.')
			return 0;
	return i;
}

static void
url_split(const char *s, struct url_parts *p)
{
	memset(p, 0, sizeof(*p));
	if ((p->nscheme = scheme_len(s)) != 0) {
		p->scheme = s;
		s += p->nscheme + 1;
	}
	if (s[0] == '/' && s[1] == '/') {
		p->auth = s + 2;
		p->nauth = strcspn(p->auth, "/?#");
		s = p->auth + p->nauth;
	}
	p->path = s;
	p->npath = strcspn(s, "?#");
	s += p->npath;
	if (*s == '?') {
		p->query = s + 1;
		p->nquery = strcspn(p->query, "#");
	}
}

static int
is_web(const struct url_parts *p)
{
	return (p->nscheme == 4 && strncasecmp(p->scheme, "http", 4) == 0) ||
	    (p->nscheme == 5 && strncasecmp(p->scheme, "https", 5) == 0);
}

static int
is_tracking(const char *name, size_t len)
{
	size_t	i;

	if (len > 4 && strncasecmp(name, "utm_", 4) == 0)
		return 1;
	for (i = 0; i < nitems(tracking); i++)
		if (strlen(tracking[i]) == len &&
		    strncasecmp(name, tracking[i], len) == 0)
			return 1;
	return 0;
}

/* Host lowercased, userinfo kept, a default or empty port dropped. */
static void
canon_auth(struct buf *b, const char *a, size_t n, int web)
{
	const char	*at, *host, *colon, *end = a + n;
	size_t		 i;

	at = memchr(a, '@', n);
	host = at != NULL ? at + 1 : a;
	if (at != NULL)
		buf_add(b, a, host - a);
	colon = NULL;
	for (i = host - a; i < n; i++) {
		if (a[i] == ']')
			colon = NULL;
		else if (a[i] == ':')
			colon = a + i;
	}
	if (colon == NULL)
		colon = end;
	/* "example.org." names the same host as "example.org" */
	if (colon > host && colon[-1] == '.')
		i = colon - host - 1;
	else
		i = colon - host;
	buf_add(b, host, i);
	for (i = b->len - i; i < b->len; i++)
		b->s[i] = (char)tolower((unsigned char)b->s[i]);
	if (colon == end || colon + 1 == end)
		return;
	if (web && ((end - colon == 3 && memcmp(colon, ":80", 3) == 0) ||
	    (end - colon == 4 && memcmp(colon, ":443", 4) == 0)))
		return;
	buf_add(b, colon, end - colon);
}

/* Percent escapes in upper case, so %2f and %2F compare equal. */
static void
canon_escaped(struct buf *b, const char *s, size_t n)
{
	size_t	i;

	/* Runs without escapes copied whole: this is on every entry put. */
	for (i = 0; i < n; i++) {
		const char *pct = memchr(s + i, '%', n - i);
		size_t	 run = pct != NULL ? (size_t)(pct - s) - i : n - i;

		buf_add(b, s + i, run);
		if ((i += run) == n)
			break;
		if (i + 2 < n && isxdigit((unsigned char)s[i + 1]) &&
		    isxdigit((unsigned char)s[i + 2])) {
			char esc[3] = { '%', (char)toupper((unsigned char)s[i + 1]),
			    (char)toupper((unsigned char)s[i + 2]) };

			buf_add(b, esc, sizeof(esc));
			i += 2;
		} else
			buf_addc(b, '%');
	}
}

static void
canon_query(struct buf *b, const char *q, size_t n)
{
	const char	*p = q, *end = q + n, *amp;
	size_t		 len, name;
	int		 first = 1;

	while (p < end) {
		if ((amp = memchr(p, '&', end - p)) == NULL)
			amp = end;
		len = amp - p;
		for (name = 0; name < len && p[name] != '='; name++)
			;
		if (len > 0 && !is_tracking(p, name)) {
			buf_addc(b, first ? '?' : '&');
			canon_escaped(b, p, len);
			first = 0;
		}
		p = amp + 1;
	}
}

int
url_canon_buf(const char *url, struct buf *b)
{
	struct url_parts p;
	size_t		 i;
	int		 web;

	buf_reset(b);
	buf_add(b, "", 0);
	if (url == NULL)
		return -1;
	while (isspace((unsigned char)*url))
		url++;
	url_split(url, &p);
	web = is_web(&p);
	if (p.scheme != NULL && !web) {
		for (i = 0; i < p.nscheme; i++)
			buf_addc(b, tolower((unsigned char)p.scheme[i]));
		buf_addc(b, ':');
	}
	if (p.auth != NULL) {
		buf_add(b, "//", 2);
		canon_auth(b, p.auth, p.nauth, web);
	}
	if (p.npath == 0 && p.auth != NULL)
		buf_addc(b, '/');
	else
		canon_escaped(b, p.path, p.npath);
	if (p.query != NULL)
		canon_query(b, p.query, p.nquery);
	/* Trailing white space is never part of a link. */
	while (b->len > 0 && isspace((unsigned char)b->s[b->len - 1]))
		b->s[--b->len] = '\0';
	return 0;
}

char *
url_canon(const char *url)
{
	struct buf	 b = { 0 };

	if (url == NULL)
		return NULL;
	url_canon_buf(url, &b);
	return b.s;
}

int
url_same(const char *a, const char *b)
{
	char	*ca, *cb;
	int	 same;

	if (strcmp(a, b) == 0)
		return 1;
	ca = url_canon(a);
	cb = url_canon(b);
	same = ca != NULL && cb != NULL && strcmp(ca, cb) == 0;
	free(ca);
	free(cb);
	return same;
}

char *
url_file(const char *path)
{
	char	*abs, *url;

	if ((abs = realpath(path, NULL)) == NULL)
		return NULL;
	xasprintf(&url, "file://%s", abs);
	free(abs);
	return url;
}

int
url_host(const char *url, char *out, size_t outlen)
{
	struct url_parts p;
	const char	*h, *e, *at;
	size_t		 n, i;

	if (url == NULL || outlen == 0)
		return -1;
	url_split(url, &p);
	if (p.auth == NULL)
		return -1;
	at = memchr(p.auth, '@', p.nauth);
	h = at != NULL ? at + 1 : p.auth;
	e = p.auth + p.nauth;
	if (*h == '[') {
		h++;
		if ((e = memchr(h, ']', e - h)) == NULL)
			return -1;
	} else {
		const char *c = memchr(h, ':', e - h);

		if (c != NULL)
			e = c;
	}
	n = e - h;
	if (n == 0 || n >= outlen)
		return -1;
	for (i = 0; i < n; i++)
		out[i] = tolower((unsigned char)h[i]);
	out[n] = '\0';
	return 0;
}

int
url_is_web(const char *url)
{
	size_t	n;

	if (url == NULL || (n = scheme_len(url)) == 0 ||
	    strncmp(url + n, "://", 3) != 0)
		return 0;
	return (n == 4 && strncasecmp(url, "http", 4) == 0) ||
	    (n == 5 && strncasecmp(url, "https", 5) == 0);
}

int
url_is_fetchable(const char *url)
{
	return url_is_web(url) || (url != NULL &&
	    strncasecmp(url, "file://", 7) == 0);
}

size_t
url_web_prefix(const char *s)
{
	if (strncasecmp(s, "http://", 7) == 0)
		return 7;
	if (strncasecmp(s, "https://", 8) == 0)
		return 8;
	return 0;
}

int
url_like(const char *s)
{
	return strstr(s, "://") != NULL;
}

int
url_is_abs_iri(const char *s)
{
	const unsigned char	*p;
	size_t			 n;

	if (s == NULL || (n = scheme_len(s)) == 0 || s[n + 1] == '\0')
		return 0;
	for (p = (const unsigned char *)s + n; *p != '\0'; p++)
		if (*p <= 0x20 || *p == 0x7f || strchr("<>\"{}|\\^`", *p))
			return 0;
	return 1;
}

/* ---- the link policy ---- */

enum scheme_kind { SCH_NONE, SCH_WEB, SCH_MAILTO, SCH_DATA, SCH_OTHER };

static enum scheme_kind
scheme_kind(const char *s, size_t n)
{
	if (n == 0)
		return SCH_NONE;
	if ((n == 4 && strncasecmp(s, "http", 4) == 0) ||
	    (n == 5 && strncasecmp(s, "https", 5) == 0))
		return SCH_WEB;
	if (n == 6 && strncasecmp(s, "mailto", 6) == 0)
		return SCH_MAILTO;
	if (n == 4 && strncasecmp(s, "data", 4) == 0)
		return SCH_DATA;
	return SCH_OTHER;
}

/* May the absolute URL s, whose scheme is n bytes long, go where use says? */
static int
scheme_fits(const char *s, size_t n, enum url_use use)
{
	if (s[n + 1] == '\0')
		return 0;		/* "http:" leads nowhere */
	switch (scheme_kind(s, n)) {
	case SCH_WEB:
		return 1;
	case SCH_MAILTO:
		return use == URL_HREF;
	case SCH_DATA:
		/* Images only, and not SVG: it can script. */
		return use == URL_IMG && strncasecmp(s + 5, "image/", 6) == 0 &&
		    s[11] != '\0' && strncasecmp(s + 11, "svg", 3) != 0;
	default:
		return 0;
	}
}

/* A byte that could split a line or a word in an output: C0, DEL, the
 * lead of a C1 control (U+0080-U+009F), space. */
static int
needs_pct(const unsigned char *p, size_t left)
{
	return p[0] <= 0x20 || p[0] == 0x7f ||
	    (p[0] == 0xc2 && left > 1 && p[1] >= 0x80 && p[1] <= 0x9f);
}

/* Bytes at p (n of them) before the first one that needs_pct() or is a
 * tab or newline: printable ASCII and UTF-8 but C1 controls. */
static size_t
plain_len(const unsigned char *p, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if ((unsigned char)(p[i] - 0x21) >= 0x5e &&
		    (p[i] < 0x80 || p[i] == 0xc2))
			break;
	return i;
}

/* Append u, its scheme (n bytes) lowercased and what needs_pct() says
 * percent-encoded (plain: known to hold none). */
static void
add_encoded(struct buf *out, const char *u, size_t len, size_t n, int plain)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *p = (const unsigned char *)u;
	size_t		 i, run, k;

	for (i = 0; i < n && !(p[i] >= 'A' && p[i] <= 'Z'); i++)
		;
	if (i < n) {
		for (i = 0; i < n; i++)
			buf_addc(out, (char)tolower(p[i]));
		u += n, p += n, len -= n;
	}
	for (run = 0, i = plain ? len : plain_len(p, len); i < len; i++) {
		if (!needs_pct(p + i, len - i))
			continue;
		buf_add(out, u + run, i - run);
		for (k = p[i] == 0xc2 ? 2 : 1; k > 0; k--, i++) {
			buf_addc(out, '%');
			buf_addc(out, hex[p[i] >> 4]);
			buf_addc(out, hex[p[i] & 15]);
		}
		run = i--;
	}
	buf_add(out, u + run, len - run);
}

/* Bytes a URL path may hold that no URL parser escapes or unescapes. */
static int
plain_path_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
	    c == '~' || c == '/';
}

/*
 * "/p/1" against "https://example.org/...": the base's scheme and host,
 * then the reference.  That is what xmlBuildURI gives, at a tenth of its
 * cost, and feed HTML is full of such links.  Taken only when nothing
 * could make the two differ: a lowercase http(s) base with a plain host
 * and path (no port, user, query or escapes), a reference of plain path
 * bytes without dot segments.  Returns 0, having written nothing, when
 * the reference is not that simple.
 */
static int
abs_path_fast(struct buf *out, const char *ref, const char *base)
{
	const char	*p, *host;
	size_t		 reflen;

	if (ref[0] != '/' || ref[1] == '/')
		return 0;
	for (p = ref; *p != '\0'; p++)
		if (!plain_path_char(*p) || (p[0] == '/' && p[1] == '.'))
			return 0;
	reflen = (size_t)(p - ref);
	if (strncmp(base, "http://", 7) == 0)
		host = base + 7;
	else if (strncmp(base, "https://", 8) == 0)
		host = base + 8;
	else
		return 0;
	for (p = host; (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
	    (*p >= '0' && *p <= '9') || *p == '-' || *p == '.'; p++)
		;
	if (p == host || (*p != '\0' && *p != '/'))
		return 0;
	host = p;		/* now the end of scheme and host */
	for (; *p != '\0'; p++)
		if (!plain_path_char(*p))
			return 0;
	buf_add(out, base, (size_t)(host - base));
	buf_add(out, ref, reflen);
	return 1;
}

int
url_take(struct buf *out, const char *ref, size_t len, const char *base,
    enum url_use use)
{
	static struct buf clean;	/* reused: no malloc per link */
	const char	*u;
	char		*res;
	size_t		 i, run, n, start = out->len;
	int		 plain;

	/* As a browser reads an attribute: C0 controls and spaces off the
	 * ends, tabs and newlines gone from anywhere. */
	while (len > 0 && (unsigned char)*ref <= ' ')
		ref++, len--;
	while (len > 0 && (unsigned char)ref[len - 1] <= ' ')
		len--;
	if (len == 0)
		return -1;
	plain = plain_len((const unsigned char *)ref, len) == len;
	if (plain && ref[len] == '\0')
		u = ref;	/* the usual case: nothing to take out */
	else {
		buf_reset(&clean);
		for (i = run = 0; i < len; i++)
			if (ref[i] == '\t' || ref[i] == '\n' ||
			    ref[i] == '\r') {
				buf_add(&clean, ref + run, i - run);
				run = i + 1;
			}
		buf_add(&clean, ref + run, len - run);
		u = buf_cstr(&clean);
		len = strlen(u);
		plain = 0;
	}
	if ((n = scheme_len(u)) != 0) {
		if (!scheme_fits(u, n, use))
			return -1;
		add_encoded(out, u, len, n, plain);
		return 0;
	}
	/* Relative: what it resolves to has the base's scheme. */
	if (base == NULL || scheme_kind(base, scheme_len(base)) != SCH_WEB)
		return -1;
	if (abs_path_fast(out, u, base))
		return 0;
	if ((res = url_resolve(base, u)) == NULL)
		return -1;
	if ((n = scheme_len(res)) != 0 && scheme_kind(res, n) == SCH_WEB &&
	    res[n + 1] != '\0')
		add_encoded(out, res, strlen(res), n, 0);
	free(res);
	return out->len > start ? 0 : -1;
}

int
url_allowed(const char *url, enum url_use use)
{
	const unsigned char *p;
	size_t		 n, len;

	if (url == NULL || (n = scheme_len(url)) == 0 ||
	    !scheme_fits(url, n, use))
		return 0;
	len = strlen(url);
	for (p = (const unsigned char *)url; *p != '\0'; p++, len--)
		if (needs_pct(p, len))
			return 0;
	return 1;
}

int
url_is_smtp(const char *url)
{
	return url != NULL && (strncasecmp(url, "smtp://", 7) == 0 ||
	    strncasecmp(url, "smtps://", 8) == 0);
}

/*
 * The address rule (fetch.c applies it to the address connected to, after
 * DNS, so a name that resolves or rebinds to 127.0.0.1 is caught like
 * the literal).
 */
static int
v4_private(const unsigned char *a)
{
	return a[0] == 0 || a[0] == 10 || a[0] == 127 ||
	    (a[0] == 100 && (a[1] & 0xc0) == 64) ||	/* 100.64/10 */
	    (a[0] == 169 && a[1] == 254) ||
	    (a[0] == 172 && (a[1] & 0xf0) == 16) ||	/* 172.16/12 */
	    (a[0] == 192 && a[1] == 168);
}

static int
v6_private(const unsigned char *a)
{
	static const unsigned char mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0,
	    0, 0xff, 0xff };
	static const unsigned char zero[15];

	if (memcmp(a, mapped, sizeof(mapped)) == 0)
		return v4_private(a + 12);
	return (memcmp(a, zero, sizeof(zero)) == 0 && a[15] <= 1) || /* ::1 */
	    (a[0] & 0xfe) == 0xfc ||			/* fc00::/7 */
	    (a[0] == 0xfe && (a[1] & 0x80) == 0x80);	/* fe80::/10, fec0::/10 */
}

/* Tests see only loopback: they name one address to count as public. */
static int
test_public(int af, const unsigned char *a)
{
	const char	*v = getenv("FEEDMUX_TEST_PUBLIC_ADDR");
	unsigned char	 t[16];

	return v != NULL && inet_pton(af, v, t) == 1 &&
	    memcmp(t, a, af == AF_INET ? 4 : 16) == 0;
}

static int
addr_private(int af, const unsigned char *a)
{
	if (test_public(af, a))
		return 0;
	return af == AF_INET ? v4_private(a) : v6_private(a);
}

int
url_addr_private(const struct sockaddr *sa)
{
	struct sockaddr_in	 sin;
	struct sockaddr_in6	 sin6;

	if (sa->sa_family == AF_INET) {
		memcpy(&sin, sa, sizeof(sin));
		return addr_private(AF_INET, (unsigned char *)&sin.sin_addr);
	}
	if (sa->sa_family == AF_INET6) {
		memcpy(&sin6, sa, sizeof(sin6));
		return addr_private(AF_INET6, sin6.sin6_addr.s6_addr);
	}
	return 1;			/* not the internet */
}

int
url_ip_private(const char *ip)
{
	unsigned char	 a[16];
	char		 s[INET6_ADDRSTRLEN];

	snprintf(s, sizeof(s), "%s", ip);
	s[strcspn(s, "%")] = '\0';	/* an IPv6 zone */
	if (inet_pton(AF_INET, s, a) == 1)
		return addr_private(AF_INET, a);
	if (inet_pton(AF_INET6, s, a) == 1)
		return addr_private(AF_INET6, a);
	return 0;
}
