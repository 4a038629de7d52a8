/* main.c: global options, the config, and the subcommand table. */
#include "config.h"

#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include <libxml/parser.h>

#include "cmd.h"
#include "conf.h"
#include "fetch.h"
#include "log.h"
#include "poll.h"
#include "store.h"
#include "util.h"

const char *cmd_config_path;

static int cmd_check_config(struct conf *, int, char **);

static const struct command {
	const char	*name;
	int		(*fn)(struct conf *, int, char **);
	int		 state;		/* uses the database */
	const char	*args;
	const char	*what;
} commands[] = {
	{ "run", cmd_run, 1, "[--daemon]", "run the service loop" },
	{ "poll", cmd_poll, 1, "[--all]", "poll the feeds that are due, once" },
	{ "parse", cmd_parse, 0,
	    "[--json] [--charset CS] [--base URL] [--rules FEED] FILE|URL|-",
	    "parse one feed and print it normalized" },
	{ "list", cmd_list, 0, "[--json] [--rejected [FEED]]",
	    "list the configured feeds, or what the rules hid" },
	{ "status", cmd_status, 1, "[--json]", "show each feed's state" },
	{ "merge", cmd_merge, 1, "[-o NAME] [-p atom|rss|json|html] | -T",
	    "write the merged feeds now" },
	{ "digest", cmd_digest, 1, "[-n [-H]] | -T html|text",
	    "make and deliver a digest now" },
	{ "hooks", cmd_hooks, 1, "",
	    "run each hook once on the entries new to it" },
	{ "import", cmd_import, 0, "FILE.opml", "subscribe to an OPML file" },
	{ "export", cmd_export, 0, "[-o FILE]", "write the subscriptions as OPML" },
	{ "add", cmd_add, 0, "URL [--name N] [--category C] [--title T]",
	    "subscribe to a feed" },
	{ "remove", cmd_remove, 0, "NAME|URL", "unsubscribe" },
	{ "check-config", cmd_check_config, 0, "[--keys]",
	    "validate the configuration" },
};

static void
usage(FILE *f)
{
	size_t	 i;

	fprintf(f, "usage: feedmux [-qv] [-c file] command [args]\n"
	    "       feedmux --help | --version\n\ncommands:\n");
	for (i = 0; i < nitems(commands); i++)
		fprintf(f, "  %-13s %s\n", commands[i].name, commands[i].what);
	fprintf(f, "\nSee feedmux(1) and feedmux.conf(5).\n");
}

static void
command_usage(FILE *f, const struct command *c)
{
	fprintf(f, "usage: feedmux [-qv] [-c file] %s%s%s\n  %s\n", c->name,
	    c->args[0] ? " " : "", c->args, c->what);
}

static int
cmd_check_config(struct conf *conf, int argc, char **argv)
{
	size_t	 i;

	if (argc == 2 && strcmp(argv[1], "--keys") == 0) {
		conf_print_keys(stdout);
		return EX_OK;
	}
	if (argc > 1) {
		command_usage(stderr, &commands[nitems(commands) - 1]);
		return EX_USAGE;
	}
	printf("%s: ok: %zu feed%s, %zu output%s\n",
	    conf->path ? conf->path : "(built-in defaults)", conf->nfeeds,
	    conf->nfeeds == 1 ? "" : "s", conf->noutputs,
	    conf->noutputs == 1 ? "" : "s");
	printf("database: %s\n", conf->database);
	for (i = 0; i < conf->noutputs; i++) {
		const struct output_conf *o = &conf->outputs[i];
		const char *name = o->name[0] ? o->name : "merged feed";

		if (o->atom)
			printf("%s (Atom): %s\n", name, o->atom);
		if (o->rss)
			printf("%s (RSS): %s\n", name, o->rss);
		if (o->json)
			printf("%s (JSON Feed): %s\n", name, o->json);
		if (o->html)
			printf("%s (river page): %s\n", name, o->html);
	}
	printf("digests: %s\n", conf->digest.dir);
	if (conf->listen)
		printf("listening on: http://%s/\n", conf->listen);
	return EX_OK;
}

/* --help or --version anywhere before "--" answers at once. */
static int
early_flag(int argc, char **argv, const char *flag)
{
	int	 i;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			return 0;
		if (strcmp(argv[i], flag) == 0)
			return 1;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	const struct command	*cmd = NULL;
	struct conf		*conf;
	char			 err[1024];
	int			 ch, verbose = 0, quiet = 0, rc;
	size_t			 i;

	signal(SIGPIPE, SIG_IGN);
	log_init(LOG_LVL_WARN, 0);
	while ((ch = getopt_long(argc, argv, "+c:hqvV", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			cmd_config_path = optarg;
			break;
		case 'h':
			usage(stdout);
			return EX_OK;
		case 'q':
			quiet = 1;
			break;
		case 'v':
			verbose++;
			break;
		case 'V':
			printf("feedmux %s\n", PACKAGE_VERSION);
			return EX_OK;
		default:
			usage(stderr);
			return EX_USAGE;
		}
	}
	argc -= optind;
	argv += optind;
	if (argc == 0) {
		usage(stderr);
		return EX_USAGE;
	}
	for (i = 0; i < nitems(commands); i++)
		if (strcmp(argv[0], commands[i].name) == 0)
			cmd = &commands[i];
	if (cmd == NULL) {
		fprintf(stderr, "feedmux: unknown command \"%s\"\n", argv[0]);
		usage(stderr);
		return EX_USAGE;
	}
	if (early_flag(argc, argv, "--version")) {
		printf("feedmux %s\n", PACKAGE_VERSION);
		return EX_OK;
	}
	if (early_flag(argc, argv, "--help") || early_flag(argc, argv, "-h")) {
		command_usage(stdout, cmd);
		return EX_OK;
	}

	if (cmd_config_path == NULL)
		cmd_config_path = conf_default_path();
	if ((conf = conf_load(cmd_config_path, err, sizeof err)) == NULL) {
		fprintf(stderr, "feedmux: %s\n", err);
		return EX_CONFIG;
	}
	if (quiet)
		conf->log_level = LOG_LVL_ERROR;
	else if (verbose > 0)
		conf->log_level = verbose > 1 ? LOG_LVL_DEBUG : LOG_LVL_INFO;
	log_init((enum log_level)conf->log_level, conf->syslog);

	/* The default state directory may not exist yet. */
	if (cmd->state && !store_is_server(conf->database) &&
	    mkdir_parents(conf->database, err, sizeof err) == -1) {
		fprintf(stderr, "feedmux: cannot create the database's "
		    "directory: %s\n", err);
		conf_free(conf);
		return EX_CANTCREAT;
	}
	fetch_global_init();
	xmlInitParser();
	optind = 0;	/* reset getopt for the command's own options */
	rc = cmd->fn(conf, argc, argv);
	/* One exit code for a damaged database, whatever the command. */
	if (store_damaged()) {
		if (rc == EX_OK || rc == POLL_EX_ALL_FAILED)
			log_errorx("%s: %s", conf->database, STORE_DAMAGED);
		rc = EX_DATAERR;
	}
	conf_free(conf);
	xmlCleanupParser();
	fetch_global_cleanup();
	return rc;
}
