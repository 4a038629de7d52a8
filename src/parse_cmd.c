/*
 * parse_cmd.c: feedmux parse FILE|URL|- [--json] [--charset CS] [--base URL]
 *	[--rules FEED]
 *
 * The parser on its own, stdin or a file or a URL to stdout: what tests,
 * fuzzing and people debugging a feed use.  Bytes are pushed to the
 * parser as they are read, as the daemon does; a URL is fetched by the
 * daemon's client (fetch_once), under its rules.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sysexits.h>
#include <unistd.h>

#include "cmd.h"
#include "encoding.h"
#include "fetch.h"
#include "json.h"
#include "parse.h"
#include "rules.h"
#include "store.h"
#include "url.h"
#include "util.h"

struct pcmd {
	int		 json;
	int		 n;		/* entries so far */
	struct buf	 out;		/* entries, printed at the end */
	struct feed_meta meta;		/* copied: valid after finish */
	char		*mstr[5];
	int		 have_meta;
	struct parser	*parser;
	const char	*charset;	/* --charset */
	const char	*base;		/* --base: a file's URL */
	const struct conf *conf;
	const struct feed_conf *rules;	/* --rules: whose rules to try */
	int		 nrejected;
};

static void
text_field(struct buf *b, const char *name, const char *v)
{
	if (v != NULL)
		buf_printf(b, "    %-10s %s\n", name, v);
}

static void
text_date(struct buf *b, const char *name, int64_t t)
{
	char	 d[21];

	if (t == DATE_NONE)
		return;
	fmt_rfc3339(d, t);
	text_field(b, name, d);
}

static void
text_entry(struct buf *b, int n, const struct entry *e, const char *why)
{
	size_t	 i;

	buf_printf(b, "\n%d. %s\n", n, e->title != NULL ? e->title :
	    "(no title)");
	text_field(b, "link:", e->link);
	text_field(b, "id:", e->id);
	text_field(b, "author:", e->author);
	text_field(b, "email:", e->author_email);
	text_field(b, "thumbnail:", e->thumbnail);
	text_date(b, "published:", e->published);
	text_date(b, "updated:", e->updated);
	for (i = 0; i < e->ncategories; i++)
		text_field(b, "category:", e->categories[i]);
	for (i = 0; i < e->nenclosures; i++)
		buf_printf(b, "    %-10s %s (%s, %lld bytes)\n", "enclosure:",
		    e->enclosures[i].url, e->enclosures[i].type ?
		    e->enclosures[i].type : "no type",
		    (long long)e->enclosures[i].length);
	text_field(b, "summary:", e->summary);
	text_field(b, "content:", e->content);
	if (e->truncated)
		text_field(b, "truncated:", "yes");
	text_field(b, "rejected:", why);
}

/* The rule of --rules FEED (or a global one) that would hide e; or NULL. */
static const char *
try_rules(struct pcmd *c, const struct entry *e)
{
	struct stored_entry se;

	if (c->rules == NULL)
		return NULL;
	memset(&se, 0, sizeof se);
	se.feed = c->rules->name;
	se.feed_title = c->rules->title;
	se.category = c->rules->category;
	se.id = e->id;
	se.title = e->title;
	se.link = e->link;
	se.author = e->author;
	se.author_email = e->author_email;
	se.thumbnail = e->thumbnail;
	se.summary = e->summary;
	se.content = e->content;
	se.published = e->published;
	se.updated = e->updated;
	se.categories = e->categories;
	se.ncategories = e->ncategories;
	se.enclosures = e->enclosures;
	se.nenclosures = e->nenclosures;
	return rules_hide(c->conf, &se);
}

static int
on_entry(void *arg, const struct entry *e)
{
	struct pcmd	*c = arg;
	const char	*why = try_rules(c, e);

	c->nrejected += why != NULL;
	if (c->json) {
		/* Streamed: a 50 MB feed need not become 50 MB of memory. */
		buf_adds(&c->out, c->n++ > 0 ? ",\n  " : "{\"entries\": [\n  ");
		json_entry(&c->out, e, c->rules != NULL ? JSON_ENTRY_RULES : 0,
		    why);
		if (c->out.len >= 65536) {
			fwrite(c->out.s, 1, c->out.len, stdout);
			buf_reset(&c->out);
		}
	} else
		text_entry(&c->out, ++c->n, e, why);
	return 0;
}

static void
on_feed(void *arg, const struct feed_meta *m)
{
	struct pcmd	*c = arg;
	const char	*v[5] = { m->title, m->link, m->self, m->subtitle,
	    m->id };
	int		 i;

	c->meta = *m;
	for (i = 0; i < 5; i++)
		c->mstr[i] = v[i] != NULL ? xstrdup(v[i]) : NULL;
	c->have_meta = 1;
}

/* key, then the hint's value, or null when it is 0 (not given). */
static void
json_hint(struct buf *b, const char *key, int64_t v)
{
	buf_adds(b, key);
	if (v > 0)
		buf_printf(b, "%lld", (long long)v);
	else
		buf_adds(b, "null");
}

/*
 * The feed's scheduling hints as the scheduler gets them: ttl (minutes),
 * sy:updatePeriod / updateFrequency (the period in seconds), skipHours
 * (0-23, UTC) and skipDays (names); null or [] when the feed gives none.
 */
static void
json_schedule(struct buf *b, const struct feed_meta *m)
{
	static const char *const days[] = { "Sunday", "Monday", "Tuesday",
	    "Wednesday", "Thursday", "Friday", "Saturday" };
	const char	*sep = "";
	int		 i;

	json_hint(b, ",\n  \"ttl\": ", m->ttl);
	json_hint(b, ", \"update_period\": ", m->sy_period);
	json_hint(b, ", \"update_frequency\": ", m->sy_frequency);
	buf_adds(b, ",\n  \"skip_hours\": [");
	for (i = 0; i < 24; i++)
		if (m->skip_hours & (UINT32_C(1) << i)) {
			buf_printf(b, "%s%d", sep, i);
			sep = ", ";
		}
	buf_adds(b, "], \"skip_days\": [");
	for (sep = "", i = 0; i < 7; i++)
		if (m->skip_days & (1u << i)) {
			buf_printf(b, "%s\"%s\"", sep, days[i]);
			sep = ", ";
		}
	buf_adds(b, "]");
}

static void
print_json(struct pcmd *c, const struct parse_result *res)
{
	struct buf	 b = { NULL, 0, 0 };

	/*
	 * The entries went out as they came; the rest is known only now.
	 * What was printed decides how to go on: parser_finish may have
	 * handed over one more entry (cut off mid-way) after the last push.
	 */
	buf_adds(&b, c->n > 0 ? "\n ],\n" : "{\"entries\": [],\n");
	buf_printf(&b, " \"malformed\": %s, \"format\": \"%s\", "
	    "\"charset\": ", res->malformed ? "true" : "false",
	    parse_format_name(res->format));
	json_str(&b, res->charset);
	buf_adds(&b, ",\n \"feed\": {\"title\": ");
	json_str(&b, c->mstr[0]);
	buf_adds(&b, ", \"link\": ");
	json_str(&b, c->mstr[1]);
	buf_adds(&b, ", \"self\": ");
	json_str(&b, c->mstr[2]);
	buf_adds(&b, ",\n  \"subtitle\": ");
	json_str(&b, c->mstr[3]);
	buf_adds(&b, ", \"id\": ");
	json_str(&b, c->mstr[4]);
	buf_adds(&b, ", \"updated\": ");
	json_date(&b, c->meta.updated);
	json_schedule(&b, &c->meta);
	buf_adds(&b, "}}\n");
	fwrite(buf_cstr(&c->out), 1, c->out.len, stdout);
	fwrite(b.s, 1, b.len, stdout);
	buf_free(&b);
}

static void
print_text(struct pcmd *c, const struct parse_result *res)
{
	struct buf	 b = { NULL, 0, 0 };

	buf_printf(&b, "%s (%s)%s, %d entr%s\n",
	    parse_format_name(res->format), res->charset,
	    res->malformed ? ", malformed" : "", res->nentries,
	    res->nentries == 1 ? "y" : "ies");
	if (c->rules != NULL)
		buf_printf(&b, "rules of feed \"%s\": %d of %d rejected\n",
		    c->rules->name, c->nrejected, c->n);
	buf_printf(&b, "%s\n", c->mstr[0] != NULL ? c->mstr[0] : "(no title)");
	text_field(&b, "link:", c->mstr[1]);
	text_field(&b, "self:", c->mstr[2]);
	text_field(&b, "subtitle:", c->mstr[3]);
	text_field(&b, "id:", c->mstr[4]);
	text_date(&b, "updated:", c->meta.updated);
	fwrite(b.s, 1, b.len, stdout);
	fwrite(buf_cstr(&c->out), 1, c->out.len, stdout);
	buf_free(&b);
}

static const struct parse_cb pcb = { on_entry, on_feed };

static int
read_fd(struct pcmd *c, int fd, const char *name)
{
	static char	 chunk[65536];
	ssize_t		 n;

	c->parser = parser_new(c->base, c->charset, &pcb, c);
	for (;;) {
		if ((n = read(fd, chunk, sizeof chunk)) == -1) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, "feedmux: parse: %s: %s\n", name,
			    strerror(errno));
			return EX_IOERR;
		}
		if (n == 0 || parser_push(c->parser, chunk, (size_t)n) == -1)
			return EX_OK;
	}
}

static int
read_url(struct pcmd *c, const struct conf *conf, const char *url)
{
	struct fetch_reply r;
	char		 cs[64];

	if (fetch_once(url, &conf->defaults, 0, &r) == -1) {
		fprintf(stderr, "feedmux: parse: %s\n", r.error);
		fetch_reply_free(&r);
		return r.noinput ? EX_NOINPUT : EX_UNAVAILABLE;
	}
	http_charset(r.ctype, cs, sizeof cs);
	c->parser = parser_new(r.url, c->charset != NULL ? c->charset :
	    cs[0] != '\0' ? cs : NULL, &pcb, c);
	if (r.body.len > 0)
		(void)parser_push(c->parser, r.body.s, r.body.len);
	fetch_reply_free(&r);
	return EX_OK;
}

static int
read_input(struct pcmd *c, const struct conf *conf, const char *src)
{
	int	 fd, rc;

	if (strcmp(src, "-") == 0)
		return read_fd(c, STDIN_FILENO, "stdin");
	if (url_like(src))
		return read_url(c, conf, src);
	if ((fd = open(src, O_RDONLY | O_CLOEXEC)) == -1) {
		fprintf(stderr, "feedmux: parse: %s: %s\n", src,
		    strerror(errno));
		return EX_NOINPUT;
	}
	rc = read_fd(c, fd, src);
	close(fd);
	return rc;
}

int
cmd_parse(struct conf *conf, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "charset", required_argument, NULL, 'C' },
		{ "base", required_argument, NULL, 'b' },
		{ "rules", required_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 }
	};
	struct pcmd		 c;
	struct parse_result	 res;
	int			 ch, rc, i;

	memset(&c, 0, sizeof c);
	c.conf = conf;
	while ((ch = getopt_long(argc, argv, "jC:b:r:", longopts, NULL)) !=
	    -1) {
		switch (ch) {
		case 'j':
			c.json = 1;
			break;
		case 'C':
			c.charset = optarg;
			break;
		case 'b':
			c.base = optarg;
			break;
		case 'r':
			if ((c.rules = conf_feed(conf, optarg)) == NULL) {
				fprintf(stderr, "feedmux: parse: no feed \"%s\" "
				    "in the config\n", optarg);
				return EX_USAGE;
			}
			break;
		default:
			goto usage;
		}
	}
	if (argc - optind != 1)
		goto usage;
	if ((rc = read_input(&c, conf, argv[optind])) != EX_OK) {
		if (c.parser != NULL)
			parser_free(c.parser);
		return rc;
	}
	rc = EX_OK;
	if (parser_finish(c.parser, &res) == -1) {
		fprintf(stderr, "feedmux: parse: %s: %s\n", argv[optind],
		    res.error);
		rc = EX_DATAERR;
	} else {
		if (res.malformed && res.error[0] != '\0')
			fprintf(stderr, "feedmux: parse: %s: malformed, %s\n",
			    argv[optind], res.error);
		if (c.json)
			print_json(&c, &res);
		else
			print_text(&c, &res);
	}
	parser_free(c.parser);
	for (i = 0; i < 5; i++)
		free(c.mstr[i]);
	buf_free(&c.out);
	return rc;
usage:
	return cmd_usage(argv[0]);
}
