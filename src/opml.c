/* opml.c: not written yet (stub so the tree links). */
#include <stdio.h>
#include <sysexits.h>
#include "cmd.h"

int
cmd_import(struct conf *conf, int argc, char **argv)
{
	(void)conf; (void)argc;
	fprintf(stderr, "feedmux: %s: not implemented yet\n", argv[0]);
	return EX_UNAVAILABLE;
}

int
cmd_export(struct conf *conf, int argc, char **argv)
{
	(void)conf; (void)argc;
	fprintf(stderr, "feedmux: %s: not implemented yet\n", argv[0]);
	return EX_UNAVAILABLE;
}

int
cmd_add(struct conf *conf, int argc, char **argv)
{
	(void)conf; (void)argc;
	fprintf(stderr, "feedmux: %s: not implemented yet\n", argv[0]);
	return EX_UNAVAILABLE;
}

int
cmd_remove(struct conf *conf, int argc, char **argv)
{
	(void)conf; (void)argc;
	fprintf(stderr, "feedmux: %s: not implemented yet\n", argv[0]);
	return EX_UNAVAILABLE;
}
