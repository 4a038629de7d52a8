/*
 * cmd.c: the command table, the one home of every command's usage line and
 * option help; the commands themselves live with the module they drive.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <sysexits.h>

#include "cmd.h"
#include "conf.h"
#include "log.h"
#include "util.h"

const char *cmd_config_path;

static const struct cmd_opt run_opts[] = {
	{ "--daemon", "detach; return once the daemon is ready" },
	{ NULL, NULL }
};
static const struct cmd_opt poll_opts[] = {
	{ "--all", "fetch every feed now, not only the ones due" },
	{ NULL, NULL }
};
static const struct cmd_opt parse_opts[] = {
	{ "--json", "print one JSON document instead of a summary" },
	{ "--charset CS", "the charset a Content-Type header would give" },
	{ "--base URL", "the input's own URL: relative links resolve "
	    "against it" },
	{ "--rules FEED", "show what the rules of that configured feed "
	    "would hide" },
	{ "FILE|URL|-", "a file, an http(s) or file URL, or - for "
	    "standard input" },
	{ NULL, NULL }
};
static const struct cmd_opt list_opts[] = {
	{ "--json", "print JSON" },
	{ "--rejected [FEED]", "the stored entries the rules hide, of FEED "
	    "or all" },
	{ NULL, NULL }
};
static const struct cmd_opt status_opts[] = {
	{ "--json", "print JSON" },
	{ NULL, NULL }
};
static const struct cmd_opt merge_opts[] = {
	{ "-o name", "only [output \"name\"]; \"\" is the unnamed one" },
	{ "-p atom|rss|json|html", "print that output's document and "
	    "write nothing" },
	{ "-T", "print the river page's built-in template" },
	{ NULL, NULL }
};
static const struct cmd_opt digest_opts[] = {
	{ "-n", "print what the next digest would hold; send "
	    "nothing" },
	{ "-H", "with -n, print the HTML instead" },
	{ "-T html|text", "print that built-in template" },
	{ NULL, NULL }
};
static const struct cmd_opt import_opts[] = {
	{ "FILE.opml", "the OPML file; folders become categories" },
	{ NULL, NULL }
};
static const struct cmd_opt export_opts[] = {
	{ "-o FILE", "write to FILE, not standard output" },
	{ NULL, NULL }
};
static const struct cmd_opt add_opts[] = {
	{ "URL", "a feed, or a page that announces one" },
	{ "--name NAME", "the section's name (default: from the feed's "
	    "title)" },
	{ "--category CATEGORY", "the feed's category" },
	{ "--title TITLE", "the title shown instead of the feed's own" },
	{ NULL, NULL }
};
static const struct cmd_opt remove_opts[] = {
	{ "NAME|URL", "the feed's name or its URL" },
	{ NULL, NULL }
};
static const struct cmd_opt check_config_opts[] = {
	{ "--keys", "list every configuration key as \"section key\"" },
	{ NULL, NULL }
};
static const struct cmd_opt db_opts[] = {
	{ "copy FROM TO", "copy all of FROM into TO, a new database; each "
	    "a file or a postgresql:// URI" },
	{ NULL, NULL }
};
static const struct cmd_opt no_opts[] = {
	{ NULL, NULL }
};

static const struct command commands[] = {
	{ "run", cmd_run, 1, "[--daemon]", "run the service loop", run_opts },
	{ "poll", cmd_poll, 1, "[--all]", "poll the feeds that are due, once",
	    poll_opts },
	{ "parse", cmd_parse, 0,
	    "[--json] [--charset CS] [--base URL] [--rules FEED] FILE|URL|-",
	    "parse one feed and print it normalized", parse_opts },
	{ "list", cmd_list, 0, "[--json] [--rejected [FEED]]",
	    "list the configured feeds, or what the rules hid", list_opts },
	{ "status", cmd_status, 1, "[--json]", "show each feed's state",
	    status_opts },
	{ "merge", cmd_merge, 1, "[-o name] [-p atom|rss|json|html] | -T",
	    "write the merged feeds now", merge_opts },
	{ "digest", cmd_digest, 1, "[-n [-H]] [NAME] | -T html|text",
	    "make and deliver a digest now", digest_opts },
	{ "hooks", cmd_hooks, 1, "",
	    "run each hook once on the entries new to it", no_opts },
	{ "import", cmd_import, 0, "FILE.opml", "subscribe to an OPML file",
	    import_opts },
	{ "export", cmd_export, 0, "[-o FILE]",
	    "write the subscriptions as OPML", export_opts },
	{ "add", cmd_add, 0,
	    "URL [--name NAME] [--category CATEGORY] [--title TITLE]",
	    "subscribe to a feed", add_opts },
	{ "remove", cmd_remove, 0, "NAME|URL", "unsubscribe", remove_opts },
	{ "check-config", cmd_check_config, 0, "[--keys]",
	    "validate the configuration", check_config_opts },
	{ "db", cmd_db, 0, "copy FROM TO",
	    "copy a whole database into a new one", db_opts },
};

const struct command *
cmd_find(const char *name)
{
	size_t	 i;

	for (i = 0; i < nitems(commands); i++)
		if (strcmp(name, commands[i].name) == 0)
			return &commands[i];
	return NULL;
}

int
cmd_usage(const char *name)
{
	const struct command *c;

	if ((c = cmd_find(name)) == NULL)
		fatalx("no command \"%s\" in the table", name);
	fprintf(stderr, "usage: feedmux %s%s%s\n", c->name,
	    c->synopsis[0] != '\0' ? " " : "", c->synopsis);
	return EX_USAGE;
}

void
cmd_help(FILE *f, const struct command *c)
{
	const struct cmd_opt *o;

	fprintf(f, "usage: feedmux [-qv] [-c file] %s%s%s\n  %s\n", c->name,
	    c->synopsis[0] != '\0' ? " " : "", c->synopsis, c->what);
	if (c->opts[0].flag != NULL)
		fprintf(f, "\n");
	for (o = c->opts; o->flag != NULL; o++) {
		/* A long flag gets its own line, the help under it: two
		 * spaces always part a flag from its help. */
		if (strlen(o->flag) > 18)
			fprintf(f, "  %s\n  %-20s %s\n", o->flag, "", o->help);
		else
			fprintf(f, "  %-20s %s\n", o->flag, o->help);
	}
}

void
cmd_list_all(FILE *f)
{
	size_t	 i;

	for (i = 0; i < nitems(commands); i++)
		fprintf(f, "  %-13s %s\n", commands[i].name, commands[i].what);
}

int
cmd_check_config(struct conf *conf, int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "--keys") == 0) {
		conf_print_keys(stdout);
		return EX_OK;
	}
	if (argc > 1)
		return cmd_usage(argv[0]);
	conf_report(conf, stdout);
	return EX_OK;
}
