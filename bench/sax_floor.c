/*
 * sax_floor: libxml2's push SAX2 parser alone, with empty callbacks, on
 * stdin (or FILE): the floor under `feedmux parse`.
 *
 * It sets the callbacks parse_tags.c sets, with the same options, and pushes
 * what read(2) gives in 64 KB pieces as parse_cmd.c does, so what is left
 * between this and feedmux is our own work.  The input is not cleaned or
 * decoded first, so its entity references go to libxml2 as written.
 * Prints the process's CPU seconds (user + system) on stdout.
 *
 *   sax_floor [FILE] > /dev/null
 */
#include "config.h"

#include <sys/resource.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <libxml/parser.h>

static long	 nelems, nbytes;

static void
on_start(void *ctx, const xmlChar *localname, const xmlChar *prefix,
    const xmlChar *uri, int nns, const xmlChar **nss, int nattrs,
    int ndefaulted, const xmlChar **attrs)
{
	nelems++;		/* so the call is not optimized away */
}

static void
on_end(void *ctx, const xmlChar *localname, const xmlChar *prefix,
    const xmlChar *uri)
{
}

static void
on_text(void *ctx, const xmlChar *s, int len)
{
	nbytes += len;
}

static void
on_error(void *ctx, xmlErrorPtr e)
{
}

static double
cpu_seconds(void)
{
	struct rusage	 ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_utime.tv_sec + ru.ru_stime.tv_sec +
	    (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

int
main(int argc, char **argv)
{
	static char	 chunk[65536];
	xmlSAXHandler	 sax;
	xmlParserCtxtPtr ctxt;
	ssize_t		 n;
	int		 fd = STDIN_FILENO;

	if (argc > 2) {
		fprintf(stderr, "usage: sax_floor [FILE]\n");
		return 64;
	}
	if (argc == 2 && (fd = open(argv[1], O_RDONLY)) == -1) {
		fprintf(stderr, "sax_floor: %s: %s\n", argv[1],
		    strerror(errno));
		return 66;
	}
	memset(&sax, 0, sizeof sax);
	sax.startElementNs = on_start;
	sax.endElementNs = on_end;
	sax.characters = on_text;
	sax.cdataBlock = on_text;
	sax.serror = on_error;
	sax.initialized = XML_SAX2_MAGIC;
	if ((ctxt = xmlCreatePushParserCtxt(&sax, NULL, NULL, 0, NULL)) ==
	    NULL)
		return 70;
	xmlCtxtUseOptions(ctxt, XML_PARSE_RECOVER | XML_PARSE_NONET |
	    XML_PARSE_NOENT | XML_PARSE_IGNORE_ENC | XML_PARSE_NOERROR |
	    XML_PARSE_NOWARNING);
	for (;;) {
		if ((n = read(fd, chunk, sizeof chunk)) == -1) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, "sax_floor: read: %s\n",
			    strerror(errno));
			return 74;
		}
		if (n == 0)
			break;
		xmlParseChunk(ctxt, chunk, (int)n, 0);
	}
	xmlParseChunk(ctxt, NULL, 0, 1);
	xmlFreeParserCtxt(ctxt);
	printf("%.3f cpu s, %ld elements, %ld text bytes\n", cpu_seconds(),
	    nelems, nbytes);
	return 0;
}
