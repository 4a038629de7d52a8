/*
 * mail.c: email.  The message is built here, in full, before any
 * delivery starts, so SMTP and sendmail send the same bytes and a retry
 * sends exactly what the first attempt would have.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>

#include "curlev.h"
#include "encoding.h"
#include "log.h"
#include "mail.h"
#include "util.h"

#define QP_LINE		76	/* RFC 2045 */
#define HDR_LINE	76	/* keep folded header lines under 78 */
#define EW_BYTES	39	/* UTF-8 bytes per encoded word: 52 base64 chars */
#define OUTPUT_MAX	1024	/* sendmail diagnostics kept for the error */

void
mail_clean(struct buf *out, const char *s)
{
	unsigned char c;

	buf_add(out, "", 0);
	for (; s != NULL && *s != '\0'; s++) {
		c = (unsigned char)*s;
		if (c == '\t')
			buf_addc(out, ' ');
		else if (c >= 0x20 && c != 0x7f)
			buf_addc(out, c);
	}
}

void
mail_addr(struct buf *out, const char *s)
{
	const char *lt, *gt;
	struct buf tmp = { NULL, 0, 0 };

	mail_clean(&tmp, s);
	s = buf_cstr(&tmp);
	if ((lt = strrchr(s, '<')) != NULL && (gt = strchr(lt, '>')) != NULL)
		buf_add(out, lt + 1, gt - lt - 1);
	else
		buf_adds(out, s);
	buf_add(out, "", 0);
	buf_free(&tmp);
}

/*
 * The next address of a list such as `a@b, Jane Doe <c@d>, "Doe, J" <e@f>`
 * into one, trimmed: commas inside quotes or angle brackets do not end an
 * address.  Returns 0 at the end of the list.
 */
int
mail_list_next(const char **vp, struct buf *one)
{
	const char	*v = *vp, *start;
	int		 quote = 0, angle = 0;

	while (*v == ',' || *v == ' ' || *v == '\t')
		v++;
	*vp = v;
	if (*v == '\0')
		return 0;
	for (start = v; *v != '\0'; v++) {
		if (*v == '\\' && quote && v[1] != '\0')
			v++;
		else if (*v == '"')
			quote = !quote;
		else if (!quote && *v == '<')
			angle = 1;
		else if (!quote && *v == '>')
			angle = 0;
		else if (!quote && !angle && *v == ',')
			break;
	}
	*vp = v;
	buf_reset(one);
	buf_add(one, start, (size_t)(v - start));
	strtrim(one->s);
	one->len = strlen(one->s);
	return 1;
}

/* "addr" or "Name <addr>", addr a local part, "@" and a domain. */
int
mail_addr_ok(const char *s)
{
	struct buf	 a = { NULL, 0, 0 };
	const char	*p, *at, *lt = strchr(s, '<');
	int		 ok;

	for (p = s; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return 0;
	if (lt != NULL && (strchr(lt, '>') == NULL ||
	    strchr(lt, '>')[1] != '\0'))
		return 0;
	mail_addr(&a, s);
	p = buf_cstr(&a);
	at = strrchr(p, '@');
	ok = at != NULL && at > p && at[1] != '\0' &&
	    strpbrk(p, " \t<>,;\"()[]\\") == NULL;
	buf_free(&a);
	return ok;
}

static int
is_plain(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s >= 0x7f || (s[0] == '=' && s[1] == '?'))
			return 0;
	return 1;
}

static void
base64(struct buf *out, const unsigned char *p, size_t n)
{
	static const char b64[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	uint32_t v;
	size_t i;

	for (i = 0; i + 2 < n; i += 3) {
		v = p[i] << 16 | p[i + 1] << 8 | p[i + 2];
		buf_addc(out, b64[v >> 18 & 63]);
		buf_addc(out, b64[v >> 12 & 63]);
		buf_addc(out, b64[v >> 6 & 63]);
		buf_addc(out, b64[v & 63]);
	}
	if (i < n) {
		v = p[i] << 16 | (i + 1 < n ? p[i + 1] << 8 : 0);
		buf_addc(out, b64[v >> 18 & 63]);
		buf_addc(out, b64[v >> 12 & 63]);
		buf_addc(out, i + 1 < n ? b64[v >> 6 & 63] : '=');
		buf_addc(out, '=');
	}
}

/* Encoded words never split a UTF-8 sequence (RFC 2047 section 5). */
static void
header_encoded(struct buf *out, const char *s)
{
	size_t len = strlen(s), n;

	while (len > 0) {
		/* Not UTF-8 at all: a byte at a time, never nothing. */
		if ((n = utf8_cut(s, len, EW_BYTES)) == 0)
			n = 1;
		buf_adds(out, "=?UTF-8?B?");
		base64(out, (const unsigned char *)s, n);
		buf_adds(out, "?=");
		s += n;
		len -= n;
		if (len > 0)
			buf_adds(out, "\r\n ");
	}
}

/* Fold plain text at spaces; a word longer than a line stays whole. */
static void
header_plain(struct buf *out, const char *s, size_t col)
{
	const char *sp;
	size_t wlen;

	while (*s != '\0') {
		sp = strchr(s + 1, ' ');
		wlen = sp ? (size_t)(sp - s) : strlen(s);
		if (col + wlen > HDR_LINE && col > 1 && *s == ' ') {
			buf_adds(out, "\r\n");
			col = 0;
		}
		buf_add(out, s, wlen);
		col += wlen;
		s += wlen;
	}
}

/*
 * An address list: only display names may be encoded words, the <addr>
 * parts stay as they are (RFC 2047 section 5); folded between addresses.
 */
static void
header_addrs(struct buf *out, const char *v, size_t col)
{
	struct buf one = { NULL, 0, 0 }, enc = { NULL, 0, 0 };
	const char *lt;
	int first = 1;

	while (mail_list_next(&v, &one)) {
		if (one.s[0] == '\0')
			continue;
		buf_reset(&enc);
		if ((lt = strrchr(one.s, '<')) != NULL && lt > one.s) {
			buf_add(&enc, one.s, lt - one.s);
			strtrim(enc.s);
			enc.len = strlen(enc.s);
			if (!is_plain(enc.s)) {
				/* An encoded word is never quoted. */
				char *name = xstrdup(enc.s), *n = name;

				if (n[0] == '"' && n[1] != '\0' &&
				    n[strlen(n) - 1] == '"') {
					n[strlen(n) - 1] = '\0';
					n++;
				}
				buf_reset(&enc);
				header_encoded(&enc, n);
				free(name);
			}
			buf_addc(&enc, ' ');
			buf_adds(&enc, lt);
		} else
			buf_adds(&enc, one.s);
		if (!first) {
			buf_addc(out, ',');
			col++;
			if (col + 1 + enc.len > HDR_LINE) {
				buf_adds(out, "\r\n");
				col = 0;
			}
			buf_addc(out, ' ');
			col++;
		}
		buf_add(out, enc.s, enc.len);
		col += enc.len;
		first = 0;
	}
	buf_free(&one);
	buf_free(&enc);
}

void
mail_header(struct buf *out, const char *name, const char *value)
{
	struct buf v = { NULL, 0, 0 };

	mail_clean(&v, value);
	buf_printf(out, "%s: ", name);
	if (strcasecmp(name, "From") == 0 || strcasecmp(name, "To") == 0)
		header_addrs(out, buf_cstr(&v), strlen(name) + 2);
	else if (is_plain(buf_cstr(&v)))
		header_plain(out, buf_cstr(&v), strlen(name) + 2);
	else
		header_encoded(out, buf_cstr(&v));
	buf_adds(out, "\r\n");
	buf_free(&v);
}

static int
qp_literal(unsigned char c, const char *p, const char *end, size_t col)
{
	if (c == '=' || c > 126 || (c < 32 && c != ' ' && c != '\t'))
		return 0;
	/* Trailing white space would be eaten by transports. */
	if ((c == ' ' || c == '\t') && (p + 1 == end || p[1] == '\n' ||
	    (p[1] == '\r' && p + 2 < end && p[2] == '\n')))
		return 0;
	/* A lone dot or "From " at line start upsets some transports. */
	if (col == 0 && (c == '.' || (c == 'F' && end - p >= 5 &&
	    memcmp(p, "From ", 5) == 0)))
		return 0;
	return 1;
}

void
mail_qp(struct buf *out, const char *s, size_t len)
{
	const char *p, *end = s + len;
	unsigned char c;
	size_t col = 0, w;

	buf_add(out, "", 0);
	for (p = s; p < end; p++) {
		c = (unsigned char)*p;
		if (c == '\r' && p + 1 < end && p[1] == '\n')
			continue;
		if (c == '\n') {
			buf_adds(out, "\r\n");
			col = 0;
			continue;
		}
		w = qp_literal(c, p, end, col) ? 1 : 3;
		if (col + w > QP_LINE - 1) {
			buf_adds(out, "=\r\n");
			col = 0;
			if (w == 3 && qp_literal(c, p, end, col))
				w = 1;
		}
		if (w == 1)
			buf_addc(out, c);
		else
			buf_printf(out, "=%02X", c);
		col += w;
	}
	if (col > 0)
		buf_adds(out, "\r\n");
}

static void
fmt_date5322(char out[40], int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;

	gmtime_r(&tt, &tm);
	strftime(out, 40, "%a, %d %b %Y %H:%M:%S +0000", &tm);
}

static void
mail_part(struct buf *out, const char *boundary, const char *type,
    const char *body)
{
	buf_printf(out, "--%s\r\n", boundary);
	buf_printf(out, "Content-Type: %s; charset=UTF-8\r\n", type);
	buf_adds(out, "Content-Transfer-Encoding: quoted-printable\r\n\r\n");
	mail_qp(out, body, strlen(body));
}

void
mail_format(struct buf *out, const struct mail *m)
{
	struct buf to = { NULL, 0, 0 };
	char date[40], boundary[64];
	size_t i;

	fmt_date5322(date, m->date);
	for (i = 0; i < m->nto; i++) {
		if (i > 0)
			buf_adds(&to, ", ");
		buf_adds(&to, m->to[i]);
	}
	/* QP never leaves "=_" in a body, so this cannot occur inside one. */
	snprintf(boundary, sizeof(boundary), "=_feedmux_%lld",
	    (long long)m->date);
	buf_add(out, "", 0);
	mail_header(out, "Date", date);
	mail_header(out, "From", m->from);
	mail_header(out, "To", buf_cstr(&to));
	mail_header(out, "Subject", m->subject);
	buf_adds(out, "Message-ID: <");
	mail_clean(out, m->message_id);
	buf_adds(out, ">\r\n");
	if (m->list_id != NULL)
		mail_header(out, "List-Id", m->list_id);
	mail_header(out, "Auto-Submitted", "auto-generated");
	buf_adds(out, "MIME-Version: 1.0\r\n");
	buf_printf(out, "Content-Type: multipart/alternative;\r\n"
	    " boundary=\"%s\"\r\n\r\n", boundary);
	buf_adds(out, "This is a message in MIME format.\r\n\r\n");
	mail_part(out, boundary, "text/plain", m->text);
	mail_part(out, boundary, "text/html", m->html);
	buf_printf(out, "--%s--\r\n", boundary);
	buf_free(&to);
}

/*
 * One delivery, whichever transport carries it.  The transport keeps its
 * own state in priv and calls job_end() once its transfer or child is over.
 */
struct mail_job {
	const struct mail_transport	*t;
	void				*priv;
	mail_done_cb			 done;
	void				*arg;
};

/* Ask the transport for the outcome, tell the caller, forget the job. */
static void
job_end(struct mail_job *job)
{
	char err[512] = "";
	int ok;

	ok = job->t->finish(job, err, sizeof(err)) == 0;
	job->done(job->arg, ok, ok ? NULL : err);
	free(job);
}

int
mail_start(const struct mail_transport *t, struct event_base *base,
    const struct mail_conf *mc, const char *msg, size_t len,
    mail_done_cb done, void *arg, char *err, size_t errlen)
{
	struct mail_job *job;

	job = xcalloc(1, sizeof(*job));
	job->t = t;
	job->done = done;
	job->arg = arg;
	if (t->start(job, base, mc, msg, len, err, errlen) == -1) {
		free(job);
		return -1;
	}
	return 0;
}

struct upload {
	const char	*p;
	size_t		 left;
};

static size_t
smtp_read(char *dst, size_t size, size_t n, void *arg)
{
	struct upload *u = arg;
	size_t len = size * n;

	if (len > u->left)
		len = u->left;
	memcpy(dst, u->p, len);
	u->p += len;
	u->left -= len;
	return len;
}

static struct curl_slist *
smtp_rcpts(const struct mail_conf *mc)
{
	struct curl_slist *l = NULL, *nl;
	struct buf a = { NULL, 0, 0 };
	size_t i;

	for (i = 0; i < mc->nto; i++) {
		buf_reset(&a);
		buf_addc(&a, '<');
		mail_addr(&a, mc->to[i]);
		buf_addc(&a, '>');
		if ((nl = curl_slist_append(l, buf_cstr(&a))) == NULL)
			fatalx("curl_slist_append: out of memory");
		l = nl;
	}
	buf_free(&a);
	return l;
}

/* One SMTP transfer: what the read callback and the options point at. */
struct smtp_job {
	CURL			*easy;
	struct curlev		*cv;
	struct curl_slist	*rcpt;
	struct buf		 from;
	struct buf		 msg;
	struct upload		 u;
	char			 cerr[CURL_ERROR_SIZE];
	char			*url;
	CURLcode		 rc;
};

static void
smtp_setopts(struct smtp_job *j, const struct mail_conf *mc, size_t len)
{
	CURL *c = j->easy;

	curl_easy_setopt(c, CURLOPT_URL, mc->smtp);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
	curl_easy_setopt(c, CURLOPT_MAIL_FROM, buf_cstr(&j->from));
	curl_easy_setopt(c, CURLOPT_MAIL_RCPT, j->rcpt);
	curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(c, CURLOPT_READFUNCTION, smtp_read);
	curl_easy_setopt(c, CURLOPT_READDATA, &j->u);
	curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, (curl_off_t)len);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, j->cerr);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 30L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 120L);
	if (mc->starttls)
		curl_easy_setopt(c, CURLOPT_USE_SSL, (long)CURLUSESSL_ALL);
	if (mc->smtp_cafile != NULL)
		curl_easy_setopt(c, CURLOPT_CAINFO, mc->smtp_cafile);
	if (mc->smtp_user != NULL)
		curl_easy_setopt(c, CURLOPT_USERNAME, mc->smtp_user);
	if (mc->smtp_password != NULL)
		curl_easy_setopt(c, CURLOPT_PASSWORD, mc->smtp_password);
}

static void
smtp_job_free(struct smtp_job *j)
{
	if (j->cv != NULL) {
		curlev_remove(j->cv, j->easy);
		curlev_free(j->cv);
	}
	curl_easy_cleanup(j->easy);
	curl_slist_free_all(j->rcpt);
	buf_free(&j->from);
	buf_free(&j->msg);
	free(j->url);
	free(j);
}

/* The transfer is over (curlev.c runs it on the loop). */
static void
smtp_done(void *arg, CURL *easy, CURLcode rc)
{
	struct mail_job *job = arg;

	((struct smtp_job *)job->priv)->rc = rc;
	job_end(job);
}

/* SMTP through a libcurl multi handle driven by the event loop. */
static int
smtp_start(struct mail_job *job, struct event_base *base,
    const struct mail_conf *mc, const char *msg, size_t len, char *err,
    size_t errlen)
{
	struct smtp_job *j;
	CURL *c;

	if ((c = curl_easy_init()) == NULL) {
		snprintf(err, errlen, "curl_easy_init failed");
		return -1;
	}
	j = xcalloc(1, sizeof(*j));
	j->easy = c;
	j->url = xstrdup(mc->smtp);
	buf_add(&j->msg, msg, len);
	j->u.p = j->msg.s;
	j->u.left = len;
	buf_addc(&j->from, '<');
	mail_addr(&j->from, mc->from);
	buf_addc(&j->from, '>');
	j->rcpt = smtp_rcpts(mc);
	smtp_setopts(j, mc, len);
	job->priv = j;
	if ((j->cv = curlev_new(base, smtp_done, job)) == NULL ||
	    curlev_add(j->cv, j->easy) == -1) {
		snprintf(err, errlen, "cannot set up libcurl on libevent");
		smtp_job_free(j);
		return -1;
	}
	return 0;
}

static int
smtp_finish(struct mail_job *job, char *err, size_t errlen)
{
	struct smtp_job *j = job->priv;
	CURLcode rc = j->rc;

	if (rc != CURLE_OK)
		snprintf(err, errlen, "%s: %s", j->url,
		    j->cerr[0] ? j->cerr : curl_easy_strerror(rc));
	smtp_job_free(j);
	return rc == CURLE_OK ? 0 : -1;
}

/*
 * The command is split at white space and run without a shell.  The
 * envelope sender goes in with -f; recipients are added as arguments
 * unless the command reads them from the headers (-t).
 */
static char **
sendmail_argv(const struct mail_conf *mc)
{
	char **argv = NULL, *copy, *w, *save = NULL;
	size_t n = 0, i;
	int has_t = 0, has_f = 0;
	struct buf a = { NULL, 0, 0 };

	copy = xstrdup(mc->sendmail);
	for (w = strtok_r(copy, " \t", &save); w; w = strtok_r(NULL, " \t", &save)) {
		argv = xreallocarray(argv, n + 2, sizeof(*argv));
		argv[n++] = xstrdup(w);
		has_t |= strcmp(w, "-t") == 0;
		has_f |= n > 1 && strncmp(w, "-f", 2) == 0;
	}
	free(copy);
	argv = xreallocarray(argv, n + 3 + mc->nto, sizeof(*argv));
	if (!has_f && mc->from != NULL) {
		mail_addr(&a, mc->from);
		argv[n++] = xstrdup("-f");
		argv[n++] = xstrdup(buf_cstr(&a));
	}
	for (i = 0; !has_t && i < mc->nto; i++) {
		buf_reset(&a);
		mail_addr(&a, mc->to[i]);
		if (buf_cstr(&a)[0] != '-' && buf_cstr(&a)[0] != '\0')
			argv[n++] = xstrdup(buf_cstr(&a));
	}
	argv[n] = NULL;
	buf_free(&a);
	return argv;
}

static void
argv_free(char **argv)
{
	size_t i;

	for (i = 0; argv[i] != NULL; i++)
		free(argv[i]);
	free(argv);
}

/* Fork the command with stdin, stdout and stderr on one socket. */
static pid_t
sendmail_spawn(const struct mail_conf *mc, int *fd, char *err,
    size_t errlen)
{
	char **argv;
	int sv[2];
	pid_t pid;

	if (mc->sendmail == NULL || strspn(mc->sendmail, " \t") ==
	    strlen(mc->sendmail)) {
		snprintf(err, errlen, "no sendmail command");
		return -1;
	}
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == -1) {
		snprintf(err, errlen, "socketpair: %s", strerror(errno));
		return -1;
	}
	argv = sendmail_argv(mc);
	if ((pid = fork()) == -1) {
		snprintf(err, errlen, "fork: %s", strerror(errno));
		close(sv[0]);
		close(sv[1]);
		argv_free(argv);
		return -1;
	}
	if (pid == 0) {
		close(sv[0]);
		signal(SIGPIPE, SIG_DFL);
		if (dup2(sv[1], 0) == -1 || dup2(sv[1], 1) == -1 ||
		    dup2(sv[1], 2) == -1)
			_exit(127);
		if (sv[1] > 2)
			close(sv[1]);
		execvp(argv[0], argv);
		dprintf(2, "%s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	close(sv[1]);
	argv_free(argv);
	*fd = sv[0];
	return pid;
}

/* sendmail wants local line ends: CRLF becomes LF. */
static void
to_lf(struct buf *out, const char *msg, size_t len)
{
	size_t i;

	buf_add(out, "", 0);
	for (i = 0; i < len; i++)
		if (!(msg[i] == '\r' && i + 1 < len && msg[i + 1] == '\n'))
			buf_addc(out, msg[i]);
}

static int
sendmail_status(const char *cmd, int status, const char *output, char *err,
    size_t errlen)
{
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	if (WIFEXITED(status))
		snprintf(err, errlen, "%s: exit %d%s%.200s", cmd,
		    WEXITSTATUS(status), *output ? ": " : "", output);
	else
		snprintf(err, errlen, "%s: killed by signal %d", cmd,
		    WTERMSIG(status));
	return -1;
}

/* The child's stdin, stdout and stderr are one end of a socketpair
 * driven by a bufferevent. */
struct sendmail_job {
	struct bufferevent	*bev;
	pid_t			 pid;
	char			*cmd;
	struct buf		 out;
	int			 written;	/* the whole message went out */
};

static void
sendmail_read(struct bufferevent *bev, void *arg)
{
	struct mail_job *job = arg;
	struct sendmail_job *sj = job->priv;
	struct evbuffer *in = bufferevent_get_input(bev);
	size_t n = evbuffer_get_length(in);

	if (sj->out.len < OUTPUT_MAX)
		buf_add(&sj->out, evbuffer_pullup(in, n), n);
	evbuffer_drain(in, n);
}

/* The whole message is written: the child sees end of input. */
static void
sendmail_written(struct bufferevent *bev, void *arg)
{
	struct mail_job *job = arg;

	((struct sendmail_job *)job->priv)->written = 1;
	shutdown(bufferevent_getfd(bev), SHUT_WR);
}

static void
sendmail_event(struct bufferevent *bev, short what, void *arg)
{
	if (what & (BEV_EVENT_EOF | BEV_EVENT_ERROR))
		job_end(arg);
}

static int
sendmail_start(struct mail_job *job, struct event_base *base,
    const struct mail_conf *mc, const char *msg, size_t len, char *err,
    size_t errlen)
{
	struct sendmail_job *sj;
	struct buf lf = { NULL, 0, 0 };
	int fd;

	/* A child that quits without reading must not kill this process. */
	signal(SIGPIPE, SIG_IGN);
	sj = xcalloc(1, sizeof(*sj));
	if ((sj->pid = sendmail_spawn(mc, &fd, err, errlen)) == -1) {
		free(sj);
		return -1;
	}
	evutil_make_socket_nonblocking(fd);
	sj->bev = bufferevent_socket_new(base, fd, BEV_OPT_CLOSE_ON_FREE);
	sj->cmd = xstrdup(mc->sendmail);
	buf_add(&sj->out, "", 0);
	job->priv = sj;
	to_lf(&lf, msg, len);
	bufferevent_setcb(sj->bev, sendmail_read, sendmail_written,
	    sendmail_event, job);
	bufferevent_write(sj->bev, lf.s, lf.len);
	bufferevent_enable(sj->bev, EV_READ | EV_WRITE);
	buf_free(&lf);
	return 0;
}

/* Reap the child: accepted only when it exited 0 after reading it all. */
static int
sendmail_finish(struct mail_job *job, char *err, size_t errlen)
{
	struct sendmail_job *sj = job->priv;
	int status, rc;

	bufferevent_free(sj->bev);	/* closes the socket */
	while (waitpid(sj->pid, &status, 0) == -1 && errno == EINTR)
		;
	strtrim(sj->out.s);
	rc = sendmail_status(sj->cmd, status, sj->out.s, err, errlen);
	if (rc == 0 && !sj->written) {
		snprintf(err, errlen, "%s: exited before reading the message",
		    sj->cmd);
		rc = -1;
	}
	buf_free(&sj->out);
	free(sj->cmd);
	free(sj);
	return rc;
}

static const struct mail_transport transport_smtp = {
	"smtp", smtp_start, smtp_finish
};
static const struct mail_transport transport_sendmail = {
	"sendmail", sendmail_start, sendmail_finish
};

const struct mail_transport *
mail_transport(const struct mail_conf *mc)
{
	if (mc->sendmail != NULL)
		return &transport_sendmail;
	if (mc->smtp != NULL)
		return &transport_smtp;
	return NULL;
}
