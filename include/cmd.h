/*
 * cmd.h: the subcommands.  main.c parses global options, loads the config
 * and calls one of these with argv[0] the subcommand's name; each parses
 * its own options with getopt and returns a sysexits.h code.  Their usage
 * and option help live in one place, the table in cmd.c.
 */
#ifndef FEEDMUX_CMD_H
#define FEEDMUX_CMD_H

#include <stdio.h>

#include "subs.h"	/* add, remove, import, export */

struct conf;

/* One option or argument of a command, as --help shows it. */
struct cmd_opt {
	const char	*flag;		/* "--rules FEED", "-o NAME", "URL" */
	const char	*help;
};

struct command {
	const char	*name;
	int		(*fn)(struct conf *, int, char **);
	int		 state;		/* uses the database */
	const char	*synopsis;	/* what follows the name */
	const char	*what;		/* one line for the command list */
	const struct cmd_opt *opts;	/* ends with a NULL flag */
};

/* The command called name, or NULL. */
const struct command *cmd_find(const char *name);
/* "usage: feedmux NAME SYNOPSIS" on stderr; returns EX_USAGE. */
int	cmd_usage(const char *name);
/* The synopsis, the description and each option's help, for --help. */
void	cmd_help(FILE *, const struct command *);
/* Every command with its description, for feedmux --help. */
void	cmd_list_all(FILE *);

int	cmd_run(struct conf *, int, char **);		/* poll.c */
int	cmd_poll(struct conf *, int, char **);		/* poll.c */
int	cmd_parse(struct conf *, int, char **);		/* parse_cmd.c */
int	cmd_list(struct conf *, int, char **);		/* status.c */
int	cmd_status(struct conf *, int, char **);	/* status.c */
int	cmd_merge(struct conf *, int, char **);		/* merge.c */
int	cmd_digest(struct conf *, int, char **);	/* digest.c */
int	cmd_hooks(struct conf *, int, char **);	/* hooks.c */
int	cmd_check_config(struct conf *, int, char **);	/* cmd.c */
int	cmd_db(struct conf *, int, char **);		/* dbcmd.c */

/* The config path given with -c (or the default), for commands that edit
 * or reload it; NULL when running on built-in defaults. */
extern const char *cmd_config_path;

#endif
