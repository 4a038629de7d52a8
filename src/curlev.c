/*
 * curlev.c: the libcurl <-> libevent glue, after curl's multi-event
 * example: one event per socket from the socket callback, one timer from
 * the timer callback, finished transfers drained with curl_multi_info_read.
 * Shared by feed fetching and SMTP delivery.
 */
#include "config.h"

#include <stdlib.h>

#include <event2/event.h>

#include "curlev.h"
#include "log.h"
#include "util.h"

struct curlev {
	struct event_base *base;
	CURLM		*multi;
	struct event	*timer;
	curlev_done_cb	 done;
	void		*arg;
	int		*freed;		/* set when freed inside a callback */
};

static void
check_done(struct curlev *cv)
{
	CURLMsg	*m;
	int	 left, freed = 0;

	cv->freed = &freed;
	while ((m = curl_multi_info_read(cv->multi, &left)) != NULL) {
		if (m->msg != CURLMSG_DONE)
			continue;
		cv->done(cv->arg, m->easy_handle, m->data.result);
		if (freed)
			return;
	}
	cv->freed = NULL;
}

static void
on_socket(evutil_socket_t fd, short kind, void *arg)
{
	struct curlev	*cv = arg;
	int		 running, action = 0;

	if (kind & EV_READ)
		action |= CURL_CSELECT_IN;
	if (kind & EV_WRITE)
		action |= CURL_CSELECT_OUT;
	curl_multi_socket_action(cv->multi, fd, action, &running);
	check_done(cv);
}

static void
on_timeout(evutil_socket_t fd, short kind, void *arg)
{
	struct curlev	*cv = arg;
	int		 running;

	curl_multi_socket_action(cv->multi, CURL_SOCKET_TIMEOUT, 0, &running);
	check_done(cv);
}

static int
curl_timer_cb(CURLM *multi, long ms, void *arg)
{
	struct curlev	*cv = arg;
	struct timeval	 tv;

	if (ms < 0) {
		evtimer_del(cv->timer);
		return 0;
	}
	tv.tv_sec = ms / 1000;
	tv.tv_usec = (ms % 1000) * 1000;
	evtimer_add(cv->timer, &tv);
	return 0;
}

/* One persistent event per socket curl uses, remade when its interest changes. */
static int
curl_socket_cb(CURL *easy, curl_socket_t s, int what, void *arg, void *sp)
{
	struct curlev	*cv = arg;
	struct event	*ev = sp;
	short		 kind = EV_PERSIST;

	if (ev != NULL) {
		event_free(ev);
		curl_multi_assign(cv->multi, s, NULL);
	}
	if (what == CURL_POLL_REMOVE)
		return 0;
	if (what & CURL_POLL_IN)
		kind |= EV_READ;
	if (what & CURL_POLL_OUT)
		kind |= EV_WRITE;
	if ((ev = event_new(cv->base, s, kind, on_socket, cv)) == NULL)
		fatalx("event_new failed");
	event_add(ev, NULL);
	curl_multi_assign(cv->multi, s, ev);
	return 0;
}

struct curlev *
curlev_new(struct event_base *base, curlev_done_cb done, void *arg)
{
	struct curlev	*cv = xcalloc(1, sizeof *cv);

	cv->base = base;
	cv->done = done;
	cv->arg = arg;
	if ((cv->multi = curl_multi_init()) == NULL ||
	    (cv->timer = evtimer_new(base, on_timeout, cv)) == NULL) {
		curlev_free(cv);
		return NULL;
	}
	curl_multi_setopt(cv->multi, CURLMOPT_SOCKETFUNCTION, curl_socket_cb);
	curl_multi_setopt(cv->multi, CURLMOPT_SOCKETDATA, cv);
	curl_multi_setopt(cv->multi, CURLMOPT_TIMERFUNCTION, curl_timer_cb);
	curl_multi_setopt(cv->multi, CURLMOPT_TIMERDATA, cv);
	return cv;
}

int
curlev_add(struct curlev *cv, CURL *easy)
{
	return curl_multi_add_handle(cv->multi, easy) == CURLM_OK ? 0 : -1;
}

void
curlev_remove(struct curlev *cv, CURL *easy)
{
	curl_multi_remove_handle(cv->multi, easy);
}

void
curlev_free(struct curlev *cv)
{
	if (cv == NULL)
		return;
	if (cv->freed != NULL)
		*cv->freed = 1;
	if (cv->multi != NULL)
		curl_multi_cleanup(cv->multi);
	if (cv->timer != NULL)
		event_free(cv->timer);
	free(cv);
}
