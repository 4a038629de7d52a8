/* main.c: global options, the config, and the command it runs. */
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

static void
usage(FILE *f)
{
	fprintf(f, "usage: feedmux [-qv] [-c file] command [args]\n"
	    "       feedmux --help | --version\n"
	    "       feedmux help [command] | command --help\n\ncommands:\n");
	cmd_list_all(f);
	fprintf(f, "\nSee feedmux(1) and feedmux.conf(5).\n");
}

/* "feedmux help [command]": what --help prints, before or after one. */
static int
help(int argc, char **argv)
{
	const struct command	*cmd;

	if (argc == 1) {
		usage(stdout);
		return EX_OK;
	}
	if (argc > 2 || (cmd = cmd_find(argv[1])) == NULL) {
		if (argc == 2)
			fprintf(stderr, "feedmux: unknown command \"%s\"\n",
			    argv[1]);
		usage(stderr);
		return EX_USAGE;
	}
	cmd_help(stdout, cmd);
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
	if (strcmp(argv[0], "help") == 0)
		return help(argc, argv);
	if ((cmd = cmd_find(argv[0])) == NULL) {
		fprintf(stderr, "feedmux: unknown command \"%s\"\n", argv[0]);
		usage(stderr);
		return EX_USAGE;
	}
	if (early_flag(argc, argv, "--version")) {
		printf("feedmux %s\n", PACKAGE_VERSION);
		return EX_OK;
	}
	if (early_flag(argc, argv, "--help") || early_flag(argc, argv, "-h")) {
		cmd_help(stdout, cmd);
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
