/* test_sched.c: the run queue, backoff, hints and skipHours/skipDays. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sched.h"
#include "tap.h"

static void
test_heap(void)
{
	struct sched	*s = sched_new(NULL, NULL, NULL);
	struct sched_item it[200], *x;
	int64_t		 last = INT64_MIN;
	int		 i, sorted = 1, n = 0;

	for (i = 0; i < 200; i++) {
		it[i].idx = SIZE_MAX;
		it[i].arg = &it[i];
		sched_add(s, &it[i], (i * 7919) % 1000);
	}
	sched_remove(s, &it[10]);
	sched_remove(s, &it[10]);		/* twice: a no-op */
	sched_add(s, &it[20], -5);		/* moved to the front */
	is_int((int64_t)sched_len(s), 199, "199 queued after one removal");
	is_int(sched_peek(s)->when, -5, "a moved item comes first");
	while ((x = sched_pop(s)) != NULL) {
		if (x->when < last || x == &it[10])
			sorted = 0;
		last = x->when;
		n++;
	}
	ok(sorted, "items leave in time order, removed one absent");
	is_int(n, 199, "every item popped once");
	sched_free(s);
}

static void
test_backoff(void)
{
	int64_t	 d, prev = 0;
	int	 n, grows = 1;

	is_int(sched_backoff(1, 1800, 86400, 0), 1800, "first failure: interval");
	is_int(sched_backoff(2, 1800, 86400, 0), 3600, "second: doubled");
	is_int(sched_backoff(3, 1800, 86400, 0), 7200, "third: doubled again");
	for (n = 1; n < 40; n++) {
		d = sched_backoff(n, 1800, 86400, 0);
		if (d < prev)
			grows = 0;
		prev = d;
	}
	ok(grows, "backoff never shrinks as failures grow");
	is_int(sched_backoff(40, 1800, 86400, 0), 86400, "capped at backoff_max");
	is_int(sched_backoff(1000, 1800, 86400, 0), 86400, "no overflow");
	d = sched_backoff(10, 1800, 86400, 12345);
	ok(d <= 86400 && d >= 86400 - 86400 / 8, "jitter stays under the cap "
	    "and within 1/8 (%lld)", (long long)d);
}

static void
test_hints(void)
{
	struct feed_state st;
	struct feed_opts  o;
	const char	*why;

	memset(&st, 0, sizeof(st));
	memset(&o, 0, sizeof(o));
	o.interval = 1800;
	o.interval_min = 300;
	o.interval_max = 86400;
	is_int(sched_interval(&st, &o, &why), 1800, "no hints: the interval");
	is_str(why, "interval", "reason interval");
	st.ttl = 120;
	is_int(sched_interval(&st, &o, &why), 7200, "ttl 120 min lengthens");
	is_str(why, "ttl", "reason ttl");
	st.ttl = 5;
	is_int(sched_interval(&st, &o, &why), 1800, "a short ttl does not "
	    "shorten the interval");
	st.ttl = 0;
	st.sy_period = 86400;
	st.sy_frequency = 2;
	is_int(sched_interval(&st, &o, &why), 43200, "updatePeriod daily x2");
	is_str(why, "updatePeriod", "reason updatePeriod");
	st.sy_period = 0;
	st.max_age = 7 * 86400;
	is_int(sched_interval(&st, &o, &why), 86400, "max-age bounded by "
	    "interval_max");
	is_str(why, "interval-max", "reason interval-max");
	st.max_age = 0;
	o.interval = 10;
	is_int(sched_interval(&st, &o, &why), 300, "interval raised to "
	    "interval_min");
}

static void
test_skip(void)
{
	struct feed_state st;
	int64_t		 t = 1700000000;	/* Tue 2023-11-14 22:13:20 UTC */

	memset(&st, 0, sizeof(st));
	is_int(sched_skip(&st, t), t, "no skip hints: unchanged");
	st.skip_hours = 1u << 22 | 1u << 23;
	is_int(sched_skip(&st, t), 1700006400, "hours 22-23 skipped: midnight");
	st.skip_hours = 0;
	st.skip_days = 1u << 2;			/* Tuesday */
	is_int(sched_skip(&st, t), 1700006400, "Tuesday skipped: Wednesday");
	st.skip_hours = 0xffffff;
	is_int(sched_skip(&st, t), t, "every hour skipped: hint ignored");
}

static void
test_plan(void)
{
	struct feed_state st;
	struct feed_opts  o;
	struct conf	  c;

	memset(&st, 0, sizeof(st));
	memset(&o, 0, sizeof(o));
	memset(&c, 0, sizeof(c));
	o.interval = 3600;
	c.backoff_max = 86400;
	sched_plan(&st, &o, &c, SCHED_OK, 0, 1000);
	is_int(st.next_poll, 4600, "success: now + interval (no jitter)");
	is_str(st.next_reason, "interval", "reason interval");
	sched_plan(&st, &o, &c, SCHED_RETRY_AFTER, 5000, 1000);
	is_int(st.next_poll, 5000, "Retry-After time kept");
	is_str(st.next_reason, "retry-after", "reason retry-after");
	sched_plan(&st, &o, &c, SCHED_RETRY_AFTER, 1000 + 30 * 86400, 1000);
	is_int(st.next_poll, 1000 + 86400, "a far Retry-After capped");
	st.failures = 3;
	sched_plan(&st, &o, &c, SCHED_ERROR, 0, 1000);
	ok(st.next_poll > 1000 + 3600 * 3 && st.next_poll <= 1000 + 4 * 3600,
	    "third failure: about 4 intervals");
	is_str(st.next_reason, "backoff", "reason backoff");
	free(st.next_reason);
}

static void
test_hosts(void)
{
	struct hosts	*h = hosts_new();
	char		 k[128];
	int64_t		 until;

	hosts_key("https://a.blog.example.com/feed", k, sizeof(k));
	is_str(k, "example.com", "subdomains grouped by registered domain");
	hosts_key("http://news.bbc.co.uk/rss", k, sizeof(k));
	is_str(k, "bbc.co.uk", "two-level ccTLD suffix");
	hosts_key("https://x.y.example.com.au/rss", k, sizeof(k));
	is_str(k, "example.com.au", "suffix from the public suffix list");
	hosts_key("https://alice.blogspot.com/feeds", k, sizeof(k));
	is_str(k, "blogspot.com", "blogs on one platform share its limit");
	hosts_key("https://EXAMPLE.org/feed", k, sizeof(k));
	is_str(k, "example.org", "host lowercased");
	hosts_key("http://127.0.0.1:8080/x", k, sizeof(k));
	is_str(k, "127.0.0.1", "IP literal whole");
	hosts_key("file:///tmp/x.xml", k, sizeof(k));
	is_str(k, "", "file: has no host");
	hosts_key("http://u:pw@Feeds.Example.CO.UK:8080/x", k, sizeof(k));
	is_str(k, "example.co.uk", "user info and port left out");
	hosts_key("http://[::1]:8080/x", k, sizeof(k));
	is_str(k, "[::1]", "IPv6 literal whole, in brackets");
	hosts_key("not a url", k, sizeof(k));
	is_str(k, "", "no URL, no host");
	ok(hosts_may_start(h, "example.com", 2, 0, &until), "first may start");
	hosts_started(h, "example.com");
	hosts_started(h, "example.com");
	ok(!hosts_may_start(h, "example.com", 2, 0, &until) && until == 0,
	    "per-host limit reached");
	hosts_done(h, "example.com");
	ok(hosts_may_start(h, "example.com", 2, 0, &until), "a slot freed");
	hosts_block(h, "example.com", 500);
	ok(!hosts_may_start(h, "example.com", 2, 100, &until) && until == 500,
	    "blocked until Retry-After");
	ok(hosts_may_start(h, "example.com", 2, 500, &until), "free after it");
	hosts_free(h);
}

int
main(void)
{
	test_heap();
	test_backoff();
	test_hints();
	test_skip();
	test_plan();
	test_hosts();
	return done_testing();
}
