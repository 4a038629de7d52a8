/* status.c: not written yet (stub so the tree links). */
#include <stdio.h>
#include <sysexits.h>
#include "cmd.h"

int
cmd_list(struct conf *conf, int argc, char **argv)
{
	(void)conf; (void)argc;
	fprintf(stderr, "feedmux: %s: not implemented yet\n", argv[0]);
	return EX_UNAVAILABLE;
}

int
cmd_status(struct conf *conf, int argc, char **argv)
{
	(void)conf; (void)argc;
	fprintf(stderr, "feedmux: %s: not implemented yet\n", argv[0]);
	return EX_UNAVAILABLE;
}
