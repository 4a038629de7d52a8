/*
 * parse_int.h: what the parser's files share, private to them.
 *
 * parse.c drives the pipeline (decoder, cleaner, libxml2 or the JSON Feed
 * reader) and holds the public API; parse_clean.c is the cleaner;
 * parse_tags.c the namespace and tag tables and the SAX2 element
 * handlers; parse_text.c the records, where a captured element's text
 * becomes a field.  struct parser is the one state they share.  The few
 * helpers below run for every field: inline, as they were in one file.
 */
#ifndef FEEDMUX_PARSE_INT_H
#define FEEDMUX_PARSE_INT_H

#include <stddef.h>
#include <stdint.h>

#include <libxml/parser.h>

#include "parse.h"
#include "util.h"

/* Raw bytes kept of one field; the rest is read and dropped. */
#define RAW_TITLE	(8 * PARSE_MAX_TITLE)	/* markup shrinks to text */
#define RAW_TEXT	(2 * PARSE_MAX_TEXT)
#define RAW_OTHER	(64 * 1024)		/* ids, links, dates, numbers */
#define SNIFF		1024			/* bytes to choose an encoding */
#define MAX_DEPTH	256			/* element nesting */

enum ns {
	NS_NONE, NS_RSS, NS_RSS090, NS_ATOM, NS_ATOM03, NS_RDF, NS_CONTENT,
	NS_DC, NS_DCTERMS, NS_MEDIA, NS_ITUNES, NS_SY, NS_XHTML, NS_FB,
	NS_OTHER
};

/* Where an element is: a direct child of the feed, an entry, or of one
 * of the few nested containers we read. */
enum ctx { C_FEED, C_ENTRY, C_AUTHOR, C_SKIPH, C_SKIPD, C_MGROUP };

enum field {
	F_TITLE, F_LINK, F_SUBTITLE, F_SUMMARY, F_CONTENT, F_PUBLISHED,
	F_UPDATED, F_ID, F_AUTHOR, F_EMAIL, F_THUMBNAIL, F_SELF, F_CATEGORY,
	F_TTL, F_HOUR, F_DAY,
	F_SYPERIOD, F_SYFREQ,
	/* read from attributes at the start tag */
	F_ATOMLINK, F_ENCLOSURE, F_MEDIA, F_THUMB, F_ATOMCAT,
	/* nested containers */
	F_SUB_AUTHOR, F_SUB_SKIPH, F_SUB_SKIPD, F_SUB_MGROUP
};
#define F_NSTR	(F_CATEGORY + 1)	/* fields stored as strings */

/* A row of the tag table (parse_tags.c); a higher prio beats a lower one. */
struct tag {
	enum ns		 ns;
	const char	*name;
	enum ctx	 ctx;
	enum field	 field;
	int		 prio;
};

/* A string field: an offset into its arena, and who set it. */
struct sval {
	size_t	 off;
	int	 prio;		/* 0: not set */
};

struct penc {
	size_t	 url, type;	/* type: SIZE_MAX when not given */
	int64_t	 length;
};

/* The entry being read; also used for the feed's own fields. */
struct rec {
	struct buf	 arena;
	struct sval	 s[F_NSTR];
	int64_t		 published, updated;
	int		 pprio, uprio;
	int		 permalink;	/* guid isPermaLink (default true) */
	size_t		*cats;
	size_t		 ncats, capcats;
	struct penc	*encs;
	size_t		 nencs, capencs;
	int		 truncated;	/* a field was cut */
	struct buf	 tmp;		/* scratch for repairs and cuts */
};

/* What a string is, for the check at rec_close(). */
enum tkind {
	T_LINE,		/* one line: ids, URLs, types */
	T_SHORT,	/* one line of at most PARSE_MAX_TITLE bytes */
	T_HTML		/* sanitized HTML of at most PARSE_MAX_TEXT bytes */
};

/* M_B64: Atom 0.3 base64, decoded at the end and then read as cb64 says. */
enum mode { M_SKIP, M_TEXT, M_HTML, M_XHTML, M_ESC, M_B64 };

struct base {
	int	 depth;
	char	*uri;
};

/* A tag lookup remembered (see tag_cached). */
struct tagmemo {
	const xmlChar	*name;
	enum ns		 ns;
	enum ctx	 ctx;
	const struct tag *t;		/* NULL: not in the table */
};

struct parser {
	xmlParserCtxtPtr ctxt;
	const struct parse_cb *cb;
	void		*arg;
	char		*docbase;
	char		*http_charset;
	struct decoder	*dec;
	struct buf	 sniff;		/* bytes kept until SNIFF arrive */
	struct buf	 utf8;		/* decoder output */
	struct buf	 clean;		/* cleaner output */
	struct buf	 carry;		/* cleaner input held back */
	int		 cstate;	/* cleaner state */
	struct jsonfeed	*json;		/* a JSON Feed: the rest goes there */
	int		 json_done;	/* it wants no more */
	struct dtd	*dtd;		/* the DOCTYPE's entities */
	size_t		 entspent;	/* of ENT_BUDGET */
	int		 entover;	/* an expansion went past a limit */
	size_t		 crun;		/* bytes into a CDATA section */

	enum feed_format format;
	int		 root;		/* a feed root element was seen */
	int		 atom_nons;	/* Atom without a namespace */
	int		 depth, feed_depth, entry_depth;
	enum ctx	 sub;
	int		 sub_depth;
	int		 stopped, nentries;
	int		 limited;	/* stopped by a limit: malformed */
	char		 error[256];

	/* the field being captured */
	enum mode	 cmode;
	enum mode	 cb64;		/* what base64 decodes to */
	const struct tag *ctag;
	int		 cdepth, cdiv, ctitle_html;
	int		 ctrunc;	/* more came than cmax */
	size_t		 cmax;		/* raw bytes kept of this field */
	struct buf	 text;
	struct buf	 ref;		/* an attribute's URL, NUL-terminated */

	struct rec	 e, f;		/* entry, feed */
	struct feed_meta meta;
	const char	**catv;		/* handed out with an entry */
	struct enclosure *encv;
	size_t		 capcatv, capencv;
	struct base	 bases[64];
	int		 nbases;
	const xmlChar	*nsptr[8];	/* URI pointers seen (interned) */
	enum ns		 nsval[8];
	unsigned	 nsnext;
	struct tagmemo	 tmemo[32];
	unsigned	 ntmemo;	/* lookups remembered so far */
};

/* The base for relative URLs here: xml:base, the document's, the feed's. */
static inline const char *
cur_base(struct parser *p)
{
	if (p->nbases > 0)
		return p->bases[p->nbases - 1].uri;
	if (p->docbase != NULL)
		return p->docbase;
	/* No document URL: the feed's own link is the best guess. */
	if (p->f.s[F_LINK].prio > 0)
		return p->f.arena.s + p->f.s[F_LINK].off;
	return NULL;
}

/* What a field's string is (rec_close() checks it as that). */
static inline enum tkind
field_kind(enum field f)
{
	return f == F_TITLE || f == F_SUBTITLE || f == F_AUTHOR ||
	    f == F_CATEGORY ? T_SHORT : f == F_SUMMARY || f == F_CONTENT ?
	    T_HTML : T_LINE;
}

/* How many bytes of a field's raw text are kept while it is read. */
static inline size_t
field_raw_max(enum field f)
{
	return field_kind(f) == T_SHORT ? RAW_TITLE :
	    field_kind(f) == T_HTML ? RAW_TEXT : RAW_OTHER;
}

/* A record's string field, or NULL when none was set. */
static inline const char *
rstr(const struct rec *r, enum field f)
{
	return r->s[f].prio > 0 ? r->arena.s + r->s[f].off : NULL;
}

/* parse_tags.c */
void	 parse_sax_init(xmlSAXHandler *);

/* parse_text.c */
void	 rec_reset(struct rec *);
void	 rec_free(struct rec *);
void	 rec_set(struct rec *, enum field, int prio, size_t off);
void	 rec_add_cat(struct rec *, const char *, size_t);
int	 rec_add_url(struct parser *, struct rec *, const char *, size_t);
void	 rec_set_thumb(struct parser *, struct rec *, const char *, size_t,
	    int prio);
void	 rec_add_enc(struct parser *, struct rec *, const char *url,
	    size_t ulen, const char *type, size_t tlen, const char *length,
	    size_t llen);
void	 cap_end(struct parser *);
void	 entry_emit(struct parser *);

/* parse_clean.c */
size_t	 parse_clean(struct parser *, const char *, size_t, int last,
	    struct buf *);

#endif
