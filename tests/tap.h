/* tap.h: a few TAP helpers for C unit tests (one line per check). */
#ifndef FEEDMUX_TAP_H
#define FEEDMUX_TAP_H

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int tap_n, tap_failed;

static int __attribute__((format(printf, 2, 3), unused))
ok(int cond, const char *fmt, ...)
{
	va_list ap;

	printf("%sok %d - ", cond ? "" : "not ", ++tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	if (!cond)
		tap_failed++;
	fflush(stdout);
	return cond;
}

static int __attribute__((unused))
is_str(const char *got, const char *want, const char *name)
{
	int same = (got == NULL && want == NULL) ||
	    (got != NULL && want != NULL && strcmp(got, want) == 0);

	if (!ok(same, "%s", name))
		printf("#   got:  %s\n#   want: %s\n", got ? got : "(null)",
		    want ? want : "(null)");
	return same;
}

static int __attribute__((unused))
is_int(int64_t got, int64_t want, const char *name)
{
	if (!ok(got == want, "%s", name))
		printf("#   got:  %" PRId64 "\n#   want: %" PRId64 "\n", got, want);
	return got == want;
}

/* Remove a test's temporary directory (and everything in it). */
static void __attribute__((unused))
rm_tree(const char *dir)
{
	char	 cmd[4200];

	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		printf("# could not remove %s\n", dir);
}

static int __attribute__((unused))
done_testing(void)
{
	printf("1..%d\n", tap_n);
	return tap_failed != 0;
}

#endif
