/*
 * cmd.h: the subcommands.  main.c parses global options, loads the config
 * and calls one of these with argv[0] the subcommand's name; each parses
 * its own options with getopt and returns a sysexits.h code.
 */
#ifndef FEEDMUX_CMD_H
#define FEEDMUX_CMD_H

#include "subs.h"	/* add, remove, import, export */

struct conf;

int	cmd_run(struct conf *, int, char **);		/* poll.c */
int	cmd_poll(struct conf *, int, char **);		/* poll.c */
int	cmd_parse(struct conf *, int, char **);		/* parse_cmd.c */
int	cmd_list(struct conf *, int, char **);		/* status.c */
int	cmd_status(struct conf *, int, char **);	/* status.c */
int	cmd_merge(struct conf *, int, char **);		/* merge.c */
int	cmd_digest(struct conf *, int, char **);	/* digest.c */
int	cmd_hooks(struct conf *, int, char **);	/* hooks.c */

/* The config path given with -c (or the default), for commands that edit
 * or reload it; NULL when running on built-in defaults. */
extern const char *cmd_config_path;

#endif
