/* digest.c: not written yet (stub so the tree links). */
#include <stdio.h>
#include <sysexits.h>
#include "cmd.h"

int
cmd_digest(struct conf *conf, int argc, char **argv)
{
	(void)conf; (void)argc;
	fprintf(stderr, "feedmux: %s: not implemented yet\n", argv[0]);
	return EX_UNAVAILABLE;
}
