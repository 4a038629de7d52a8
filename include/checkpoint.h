/*
 * checkpoint.h: WAL checkpoints of a writer connection on a thread of
 * their own, so that commits never wait for fsync (see checkpoint.c).
 */
#ifndef FEEDMUX_CHECKPOINT_H
#define FEEDMUX_CHECKPOINT_H

#include <stddef.h>

#include <sqlite3.h>

struct checkpointer;

/*
 * Takes over writer's WAL hook and checkpoints every `pages` pages of WAL
 * (0: 2000); the database at path must be in WAL mode.
 */
struct checkpointer *checkpointer_start(sqlite3 *writer, const char *path,
	    int pages, char *err, size_t errlen);
/* Stops and joins the thread; unhook the writer first. */
void	checkpointer_stop(struct checkpointer *);

#endif
