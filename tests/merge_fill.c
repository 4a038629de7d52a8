/*
 * merge_fill: fill a store for the merge shell tests, or dump it.
 *   merge_fill CONF            the fixed entries (merge_fixture.c)
 *   merge_fill CONF more S N   N generated entries from number S
 *   merge_fill CONF dump       store_recent as JSON lines, strings in hex
 *   merge_fill CONF render F   the first output's document, F 0/1/2
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "merge.h"
#include "merge_fixture.h"
#include "store.h"
#include "util.h"

static void
hex(const char *k, const char *s)
{
	printf("\"%s\": ", k);
	if (s == NULL) {
		printf("null, ");
		return;
	}
	putchar('"');
	for (; *s != '\0'; s++)
		printf("%02x", (unsigned char)*s);
	printf("\", ");
}

static void
date(const char *k, int64_t t)
{
	if (t == DATE_NONE)
		printf("\"%s\": null, ", k);
	else
		printf("\"%s\": %lld, ", k, (long long)t);
}

static int
dump(void *arg, const struct stored_entry *e)
{
	size_t	 i;

	putchar('{');
	hex("feed", e->feed);
	hex("feed_title", e->feed_title);
	hex("feed_url", e->feed_url);
	hex("feed_link", e->feed_link);
	hex("id", e->id);
	hex("title", e->title);
	hex("link", e->link);
	hex("author", e->author);
	hex("author_email", e->author_email);
	hex("thumbnail", e->thumbnail);
	date("published", e->published);
	date("updated", e->updated);
	date("first_seen", e->first_seen);
	printf("\"also\": [");
	for (i = 0; i < e->nalso_feeds; i++)
		printf("%s\"%s\"", i ? ", " : "", e->also_feeds[i]);
	printf("]}\n");
	return 0;
}

int
main(int argc, char **argv)
{
	struct conf	*conf;
	struct store	*st;
	char		 err[512];
	int		 rc;

	if (argc < 2) {
		fprintf(stderr, "usage: merge_fill CONF [more S N | dump]\n");
		return 2;
	}
	if ((conf = conf_load(argv[1], err, sizeof err)) == NULL ||
	    (st = store_open(conf->database, err, sizeof err)) == NULL) {
		fprintf(stderr, "merge_fill: %s\n", err);
		return 1;
	}
	if (argc == 2)
		rc = fixture_fill(st, conf, FIXTURE_NOW);
	else if (strcmp(argv[2], "more") == 0 && argc == 5)
		rc = fixture_more(st, atoi(argv[3]), atoi(argv[4]),
		    FIXTURE_NOW);
	else if (strcmp(argv[2], "dump") == 0)
		rc = store_recent(st, dump, NULL);
	else if (strcmp(argv[2], "render") == 0 && argc == 4 &&
	    conf->noutputs > 0) {
		struct buf b = { NULL, 0, 0 };

		if ((rc = merge_render(st, conf, &conf->outputs[0],
		    atoi(argv[3]), &b, err, sizeof err)) == 0)
			fwrite(b.s, 1, b.len, stdout);
		else
			fprintf(stderr, "merge_fill: %s\n", err);
		buf_free(&b);
	}
	else
		rc = -1;
	store_close(st);
	conf_free(conf);
	return rc == -1;
}
