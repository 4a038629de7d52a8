/*
 * httpd_serve: the HTTP endpoint alone, over the store a config names, for
 * t-httpd.sh.  Runs until SIGTERM; SIGHUP calls httpd_refresh().
 */
#include "config.h"

#include <signal.h>
#include <stdio.h>

#include <event2/event.h>

#include "conf.h"
#include "httpd.h"
#include "store.h"

static struct event_base *base;

static void
on_signal(evutil_socket_t sig, short ev, void *arg)
{
	struct httpd	**h = arg;

	if (sig == SIGHUP)
		httpd_refresh(*h);
	else
		event_base_loopbreak(base);
}

int
main(int argc, char **argv)
{
	struct event		*ev_term, *ev_hup;
	struct conf		*conf;
	struct store		*st;
	struct httpd		*h = NULL;
	char			 err[512];

	if (argc != 2) {
		fprintf(stderr, "usage: httpd_serve CONF\n");
		return 2;
	}
	if ((conf = conf_load(argv[1], err, sizeof err)) == NULL ||
	    (st = store_open(conf->database, err, sizeof err)) == NULL) {
		fprintf(stderr, "httpd_serve: %s\n", err);
		return 1;
	}
	base = event_base_new();
	signal(SIGPIPE, SIG_IGN);
	if ((h = httpd_start(base, conf, st, err, sizeof err)) == NULL) {
		fprintf(stderr, "httpd_serve: %s\n", err);
		return 1;
	}
	ev_term = evsignal_new(base, SIGTERM, on_signal, &h);
	ev_hup = evsignal_new(base, SIGHUP, on_signal, &h);
	evsignal_add(ev_term, NULL);
	evsignal_add(ev_hup, NULL);
	event_base_dispatch(base);
	event_free(ev_term);
	event_free(ev_hup);
	httpd_stop(h);
	store_close(st);
	conf_free(conf);
	event_base_free(base);
	return 0;
}
