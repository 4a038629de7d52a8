/*
 * mail.h: composing an email and handing it to a transport, SMTP
 * (libcurl) or a sendmail command, on the event loop.  Messages use CRLF
 * line ends throughout.  Nothing here knows about digests or the config.
 */
#ifndef FEEDMUX_MAIL_H
#define FEEDMUX_MAIL_H

#include <stddef.h>
#include <stdint.h>

#include "util.h"

struct event_base;

struct mail {
	const char	 *from;		/* "addr" or "Name <addr>" */
	char *const	 *to;
	size_t		  nto;
	const char	 *subject;	/* UTF-8; cleaned and encoded here */
	const char	 *message_id;	/* without the angle brackets */
	const char	 *list_id;	/* "<...>" value of List-Id */
	int64_t		  date;
	const char	 *text;		/* UTF-8 bodies, LF line ends */
	const char	 *html;
};

/* The whole message: headers and a multipart/alternative body in
 * quoted-printable. */
void	mail_format(struct buf *out, const struct mail *);

/* Building blocks, exposed for tests. */
/* Copy s without CR, LF or other control characters (tab becomes space). */
void	mail_clean(struct buf *out, const char *s);
/* "Name: value", value cleaned, RFC 2047 encoded when not plain ASCII,
 * folded under 78 columns, ending in CRLF. */
void	mail_header(struct buf *out, const char *name, const char *value);
/* Quoted-printable with CRLF line ends and lines of at most 76 octets. */
void	mail_qp(struct buf *out, const char *s, size_t len);
/* The bare address of "Name <addr>" or "addr", into out. */
void	mail_addr(struct buf *out, const char *s);
/* The next address of a comma-separated list at *v into one (commas in
 * quoted names are not separators); 0 at the end. */
int	mail_list_next(const char **v, struct buf *one);
/* 1 when s is "addr" or "Name <addr>" with a plausible addr. */
int	mail_addr_ok(const char *s);

/* How mail travels: what a transport needs, filled in by the caller. */
struct mail_conf {
	const char	 *from;		/* envelope sender, "addr" or "Name <addr>" */
	char *const	 *to;		/* envelope recipients, the same forms */
	size_t		  nto;
	const char	 *smtp;		/* smtp:// or smtps:// URL */
	const char	 *smtp_user;
	const char	 *smtp_password;
	int		  starttls;	/* 1: require STARTTLS on smtp:// */
	const char	 *smtp_cafile;	/* CA bundle to verify the server */
	const char	 *sendmail;	/* command line, split at white space */
};

/* Called once per delivery: ok = 1 once the server (or sendmail) took
 * the message, else 0 and why. */
typedef void (*mail_done_cb)(void *, int ok, const char *err);

struct mail_job;

/*
 * A transport, chosen once from the settings (as OpenSMTPD picks a queue
 * backend); the caller never asks which.  start() begins handing msg over
 * on the event loop (0), or fails at once (-1, err set, nothing to
 * finish).  When the transfer or the child is over, finish() gives the
 * outcome (0, or -1 with err) and releases the transport's state; then
 * the caller's done() runs.  Both are called only from mail.c.
 */
struct mail_transport {
	const char	*name;		/* "smtp", "sendmail" */
	int		(*start)(struct mail_job *, struct event_base *,
			    const struct mail_conf *, const char *msg,
			    size_t len, char *err, size_t errlen);
	int		(*finish)(struct mail_job *, char *err, size_t errlen);
};

/* The sendmail child when a command is set, else SMTP; NULL: neither. */
const struct mail_transport *mail_transport(const struct mail_conf *);

/*
 * Deliver msg to every address in mc->to with mc->from as the envelope
 * sender, on base.  Returns 0 and calls done() once from the loop later,
 * or -1 with err set (done() is not called).  A one-shot command runs
 * base until done() came.
 */
int	mail_start(const struct mail_transport *, struct event_base *,
	    const struct mail_conf *, const char *msg, size_t len,
	    mail_done_cb done, void *arg, char *err, size_t errlen);

#endif
