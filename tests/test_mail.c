/* test_mail: header cleaning and encoding, quoted-printable, the message. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "mail.h"
#include "tap.h"
#include "util.h"

static int
lines_ok(const char *s, size_t max)
{
	const char *nl;

	for (; *s != '\0'; s = nl + 2) {
		if ((nl = strstr(s, "\r\n")) == NULL)
			return 0;	/* no bare ends, last line ends too */
		if ((size_t)(nl - s) > max || memchr(s, '\n', nl - s) != NULL)
			return 0;
	}
	return 1;
}

int
main(void)
{
	struct buf b = { NULL, 0, 0 };
	char *to[] = { "a@example.org", "Bee <b@example.org>" };
	struct mail m;
	char big[3000];

	mail_clean(&b, "Hi\r\nBcc: evil@example.org\x01\x7f\ttab");
	is_str(buf_cstr(&b), "HiBcc: evil@example.org tab",
	    "clean drops CR, LF and controls");
	buf_reset(&b);
	mail_header(&b, "Subject", "New\r\nBcc: evil@example.org");
	is_str(buf_cstr(&b), "Subject: NewBcc: evil@example.org\r\n",
	    "an injected header stays inside the subject");
	buf_reset(&b);
	mail_header(&b, "Subject", "Gr\xc3\xbc\xc3\x9f" "e");
	is_str(buf_cstr(&b), "Subject: =?UTF-8?B?R3LDvMOfZQ==?=\r\n",
	    "non-ASCII subject is RFC 2047 encoded");
	buf_reset(&b);
	mail_header(&b, "Subject", "=?UTF-8?B?Zm9v?= literal");
	ok(strncmp(buf_cstr(&b), "Subject: =?UTF-8?B?PT9V", 23) == 0,
	    "text that looks like an encoded word is encoded itself");
	buf_reset(&b);
	memset(big, 0, sizeof(big));
	for (size_t i = 0; i < 60; i++)
		strcat(big, "\xc3\xa9t\xc3\xa9 ");
	mail_header(&b, "Subject", big);
	ok(lines_ok(buf_cstr(&b), 76), "long encoded subject folded under 78");
	ok(strstr(buf_cstr(&b), "\r\n =?UTF-8?B?") != NULL,
	    "folded into several encoded words");
	buf_reset(&b);
	mail_header(&b, "Subject", "one two three four five six seven eight "
	    "nine ten eleven twelve thirteen fourteen fifteen sixteen");
	ok(lines_ok(buf_cstr(&b), 78) && strstr(buf_cstr(&b), "\r\n ") != NULL,
	    "long ASCII subject folded at a space");
	buf_reset(&b);
	mail_header(&b, "From", "Caf\xc3\xa9 Digest <d@example.org>");
	is_str(buf_cstr(&b), "From: =?UTF-8?B?Q2Fmw6kgRGlnZXN0?= <d@example.org>\r\n",
	    "only the display name of an address is encoded");
	buf_reset(&b);
	mail_header(&b, "To", "reader-number-one@example.org, "
	    "reader-number-two@example.org, reader-number-three@example.org");
	is_str(buf_cstr(&b), "To: reader-number-one@example.org, "
	    "reader-number-two@example.org,\r\n reader-number-three@example.org"
	    "\r\n", "long address lists fold between addresses");
	buf_reset(&b);
	mail_addr(&b, "Feed Mux <feedmux@example.org>");
	is_str(buf_cstr(&b), "feedmux@example.org", "address from Name <addr>");
	buf_reset(&b);
	mail_header(&b, "To", "\"Doe, John\" <john@example.org>, "
	    "\"M\xc3\xbcller, A\" <a@example.org>");
	is_str(buf_cstr(&b), "To: \"Doe, John\" <john@example.org>,\r\n"
	    " =?UTF-8?B?TcO8bGxlciwgQQ==?= <a@example.org>\r\n",
	    "quoted names keep their commas; an encoded one loses its quotes");
	{
		const char *v = " a@b.example ,\"x, y\" <c@d.example>,, e@f.example";
		struct buf one = { NULL, 0, 0 };
		int n = 0;

		while (mail_list_next(&v, &one))
			n++;
		is_int(n, 3, "an address list splits on commas outside quotes");
		buf_free(&one);
	}
	ok(mail_addr_ok("Jane <jane@example.org>") &&
	    mail_addr_ok("jane@example.org") && !mail_addr_ok("jane") &&
	    !mail_addr_ok("@example.org") && !mail_addr_ok("jane@") &&
	    !mail_addr_ok("Jane <jane@example.org") &&
	    !mail_addr_ok("Jane <jane@example.org> x") &&
	    !mail_addr_ok("a@b\r\nBcc: c@d"), "what an address must look like");

	buf_reset(&b);
	mail_qp(&b, "a=b caf\xc3\xa9 \n.dot\nFrom here\ntrail \n", 33);
	is_str(buf_cstr(&b), "a=3Db caf=C3=A9=20\r\n=2Edot\r\n=46rom here\r\n"
	    "trail=20\r\n", "quoted-printable escapes");
	buf_reset(&b);
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	big[100] = '=';
	mail_qp(&b, big, strlen(big));
	ok(lines_ok(buf_cstr(&b), 76), "QP lines at most 76 octets");

	memset(&m, 0, sizeof(m));
	m.from = "feedmux <feedmux@example.org>";
	m.to = to;
	m.nto = 2;
	m.subject = "Digest \xe2\x80\x94 caf\xc3\xa9";
	m.message_id = "d.1@example.org";
	m.list_id = "feedmux digest <feedmux-digest.example.org>";
	m.date = 1790000000;
	m.text = "plain\n";
	m.html = "<p>html</p>\n";
	buf_reset(&b);
	mail_format(&b, &m);
	ok(lines_ok(buf_cstr(&b), 998), "message lines end in CRLF, under 998");
	ok(strstr(b.s, "Date: Mon, 21 Sep 2026 14:13:20 +0000\r\n") != NULL,
	    "Date header");
	ok(strstr(b.s, "To: a@example.org, Bee <b@example.org>\r\n") != NULL,
	    "To lists every recipient");
	ok(strstr(b.s, "Message-ID: <d.1@example.org>\r\n") != NULL,
	    "Message-ID");
	ok(strstr(b.s, "MIME-Version: 1.0\r\n") != NULL, "MIME-Version");
	ok(strstr(b.s, "multipart/alternative") != NULL, "multipart/alternative");
	ok(strstr(b.s, "Subject: =?UTF-8?B?") != NULL, "subject encoded");
	buf_free(&b);
	return done_testing();
}
