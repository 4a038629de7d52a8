/*
 * mail.h: composing a digest email and handing it to SMTP (libcurl) or a
 * sendmail command.  Messages use CRLF line ends throughout.
 */
#ifndef FEEDMUX_MAIL_H
#define FEEDMUX_MAIL_H

#include <stddef.h>
#include <stdint.h>

#include "conf.h"
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

/*
 * Deliver msg to every address in dc->mail_to with dc->mail_from as the
 * envelope sender.  Returns 0 once the server (or sendmail) accepted it,
 * else -1 with err set.
 */
int	mail_send_smtp(const struct digest_conf *, const char *msg, size_t len,
	    char *err, size_t errlen);
/* Run the sendmail command and wait for it. */
int	mail_send_sendmail(const struct digest_conf *, const char *msg,
	    size_t len, char *err, size_t errlen);

/*
 * The same on the event loop: the child's stdin, stdout and stderr are
 * one end of a socketpair driven by a bufferevent; done() is called once
 * with ok = 1 when it exited 0, else 0 and an error message.
 */
typedef void (*mail_done_cb)(void *, int ok, const char *err);
/* SMTP through a libcurl multi handle driven by the event loop. */
int	mail_smtp_start(struct event_base *, const struct digest_conf *,
	    const char *msg, size_t len, mail_done_cb, void *arg, char *err,
	    size_t errlen);
int	mail_sendmail_start(struct event_base *, const struct digest_conf *,
	    const char *msg, size_t len, mail_done_cb, void *arg, char *err,
	    size_t errlen);

#endif
