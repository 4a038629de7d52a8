/*
 * subs.h: subscriptions, which live in the config file.  Each command
 * takes the loaded config and argv (argv[0] its name) and returns a
 * sysexits.h code; add, remove and import edit the file in place (under a
 * lock, checked with conf_load, replaced atomically) and tell a running
 * daemon to reload it.
 */
#ifndef FEEDMUX_SUBS_H
#define FEEDMUX_SUBS_H

struct conf;

/* add URL|PATH: a feed, or the feed a web page announces (discover.h). */
int	cmd_add(struct conf *, int, char **);
/* remove NAME|URL: cuts the feed's section, comments around it kept. */
int	cmd_remove(struct conf *, int, char **);
/* import FILE.opml: the feeds not yet subscribed (opml.h). */
int	cmd_import(struct conf *, int, char **);
/* export [-o FILE]: the subscriptions as OPML. */
int	cmd_export(struct conf *, int, char **);

#endif
