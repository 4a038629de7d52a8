/* curlev.h: libcurl's multi socket interface driven by a libevent loop. */
#ifndef FEEDMUX_CURLEV_H
#define FEEDMUX_CURLEV_H

#include <curl/curl.h>

struct event_base;
struct curlev;

/*
 * done is called once for each transfer that ends, with its result; it
 * removes the handle (curlev_remove) and may even free the curlev.
 */
typedef void (*curlev_done_cb)(void *arg, CURL *, CURLcode);

struct curlev	*curlev_new(struct event_base *, curlev_done_cb, void *arg);
int		 curlev_add(struct curlev *, CURL *);
void		 curlev_remove(struct curlev *, CURL *);
void		 curlev_free(struct curlev *);

#endif
