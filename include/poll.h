/*
 * poll.h: the poll loop shared by `feedmux poll` (one cycle) and
 * `feedmux run` (the daemon); cmd_poll and cmd_run are in cmd.h.
 */
#ifndef FEEDMUX_POLL_H
#define FEEDMUX_POLL_H

/* Exit code of `feedmux poll` when every feed polled failed. */
#define POLL_EX_ALL_FAILED	69	/* EX_UNAVAILABLE */

#endif
