/* test_html: the allow-list sanitizer and HTML to text. */
#include "config.h"

#include <string.h>

#include "html.h"
#include "url.h"
#include "util.h"
#include "tap.h"

static const char *base = "https://example.org/blog/post.html";

/* Each case twice: the fast path (when it takes it) and libxml2's. */
static void
san(const char *in, const char *want)
{
	struct buf	 b = { NULL, 0, 0 };
	int		 fp;

	for (fp = 1; fp >= 0; fp--) {
		html_fastpath = fp;
		buf_reset(&b);
		html_sanitize(&b, in, strlen(in), base);
		if (!is_str(buf_cstr(&b), want, in))
			printf("#   (fast path %s)\n", fp ? "on" : "off");
	}
	html_fastpath = 1;
	buf_free(&b);
}

static void
txt(const char *in, const char *want)
{
	struct buf	 b = { NULL, 0, 0 };
	int		 fp;

	for (fp = 1; fp >= 0; fp--) {
		html_fastpath = fp;
		buf_reset(&b);
		html_to_text(&b, in, strlen(in));
		if (!is_str(buf_cstr(&b), want, in))
			printf("#   (fast path %s)\n", fp ? "on" : "off");
	}
	html_fastpath = 1;
	buf_free(&b);
}

/* A link as the parser takes it (url_take, URL_LINK). */
static void
absurl(const char *ref, const char *b, const char *want)
{
	struct buf	 u = { NULL, 0, 0 };

	(void)url_take(&u, ref, strlen(ref), b, URL_LINK);
	if (!is_str(buf_cstr(&u), want, ref))
		printf("#   (base %s)\n", b);
	buf_free(&u);
}

static int
html_sanitize_nul(void)
{
	struct buf	 b = { NULL, 0, 0 };
	int		 same;

	html_sanitize(&b, "a\0b", 3, NULL);
	same = b.len == 2 && strcmp(b.s, "ab") == 0;
	buf_free(&b);
	return same;
}

int
main(void)
{
	struct buf	 b = { NULL, 0, 0 };
	int		 i;

	san("plain text", "plain text");
	san("  a < b > c  ", "a &lt; b &gt; c");
	san("<p>Hello <b>world</b></p>", "<p>Hello <b>world</b></p>");
	san("Hello <b>world</b>", "Hello <b>world</b>");
	san("caf&eacute; &amp; cr&egrave;me&nbsp;!", "caf\xc3\xa9 &amp; cr\xc3\xa8me\xc2\xa0!");
	san("<p>a<script>alert(1)</script>b</p>", "<p>ab</p>");
	san("<style>p{color:red}</style><p>x</p>", "<p>x</p>");
	san("<iframe src=\"https://evil.example/\">x</iframe>y", "y");
	san("<object data=\"x.swf\"><param name=a value=b>z</object>", "");
	san("<embed src=\"x.swf\">", "");
	san("<a href=\"javascript:alert(1)\">x</a>", "<a>x</a>");
	san("<a href=\" JaVa\tScRiPt:alert(1)\">x</a>", "<a>x</a>");
	san("<a href=\"vbscript:x\">x</a>", "<a>x</a>");
	san("<a href=\"data:text/html,<script>x</script>\">x</a>", "<a>x</a>");
	san("<img src=\"data:image/png;base64,AAAA\">", "<img src=\"data:image/png;base64,AAAA\">");
	san("<img src=\"data:image/svg+xml;base64,AAAA\">", "<img>");
	san("<p onclick=\"evil()\" style=\"x:expression(alert(1))\" class=c>t</p>", "<p>t</p>");
	san("<div style=\"width: expression(alert(1))\">t</div>", "<div>t</div>");
	san("<a href=\"/about\" onmouseover=\"x()\">about</a>", "<a href=\"https://example.org/about\">about</a>");
	san("<a href=\"next.html\">n</a>", "<a href=\"https://example.org/blog/next.html\">n</a>");
	san("<img src=\"../i/a.png\" alt=\"A &amp; B\">", "<img src=\"https://example.org/i/a.png\" alt=\"A &amp; B\">");
	san("<a href=\"mailto:a@example.org\">m</a>", "<a href=\"mailto:a@example.org\">m</a>");
	san("<a href=\"https://x.example/?a=1&b=2\">q</a>", "<a href=\"https://x.example/?a=1&amp;b=2\">q</a>");
	san("<p>unclosed <b>bold", "<p>unclosed <b>bold</b></p>");
	san("<b><i>misnested</b></i>", "<b><i>misnested</i></b>");
	san("<br/>line<br>two<hr>", "<br>line<br>two<hr>");
	san("<form action=\"/x\"><input name=q><button>go</button>text</form>", "text");
	san("<svg><script>alert(1)</script></svg>ok", "ok");
	san("<blockquote cite=\"q.html\">q</blockquote>", "<blockquote cite=\"https://example.org/blog/q.html\">q</blockquote>");
	san("<custom-tag>kept text</custom-tag>", "kept text");
	san("<!-- comment -->after", "after");
	san("<table><tr><td colspan=2 bgcolor=red>c</td></tr></table>", "<table><tr><td colspan=\"2\">c</td></tr></table>");
	san("<p title='a\"b'>t</p>", "<p title=\"a&quot;b\">t</p>");
	san("<html><head><title>T</title></head><body><p>doc</p></body></html>", "<p>doc</p>");
	san("", "");
	/* what the fast path takes, and what it must leave to libxml2 */
	san("<div><p>One <a href=\"x\" title='t'>two</a></p><ul><li>a</li>\n<li><b>b</b></li></ul></div>",
	    "<div><p>One <a href=\"https://example.org/blog/x\" title=\"t\">two</a></p><ul><li>a</li>\n<li><b>b</b></li></ul></div>");
	san("<P CLASS=\"x\">Upper</P>", "<p>Upper</p>");
	san("<p>a<p>b</p>", "<p>a</p><p>b</p>");
	san("<p>x<div>y</div></p>", "<p>x</p><div>y</div>");
	san("<b><p>x</p></b>", "<b></b><p>x</p>");
	san("<a href=\"/a\">1<a href=\"/b\">2</a></a>", "<a href=\"https://example.org/a\">1</a><a href=\"https://example.org/b\">2</a>");
	san("<ul>text<li>x</li></ul>", "<ul>text<li>x</li></ul>");
	san("<ol><li>a<li>b</ol>", "<ol><li>a</li><li>b</li></ol>");
	san("fish &amp; chips & peas &copy; &#169; &#x263a;", "fish &amp; chips &amp; peas \xc2\xa9 \xc2\xa9 \xe2\x98\xba");
	san("&unknown; &copy 2025", "&amp;unknown; &amp;copy 2025");
	san("<p>caf\xc3\xa9 &quot;q&quot; &apos;a&apos; &lt;tag&gt;</p>", "<p>caf\xc3\xa9 \"q\" 'a' &lt;tag&gt;</p>");
	san("<img src=x.png alt=unquoted>", "<img src=\"https://example.org/blog/x.png\" alt=\"unquoted\">");
	san("<img src=\"a.png\"/><br/><hr />", "<img src=\"https://example.org/blog/a.png\"><br><hr>");
	san("<p title=\"a&amp;b\">t</p>", "<p title=\"a&amp;b\">t</p>");
	san("<p title=\"1\" title=\"2\">t</p>", "<p title=\"1\">t</p>");
	san("<span>open", "<span>open</span>");
	san("</b>stray end", "stray end");
	san("a\r\nb", "a\r\nb");
	san("x < y <3", "x &lt; y &lt;3");
	/* invalid UTF-8 and NUL never reach the output (found by fuzzing) */
	san("caf\xe9 \xeeull", "caf\xef\xbf\xbd \xef\xbf\xbdull");
	san("<b>\xff\xfe</b>", "<b>\xef\xbf\xbd\xef\xbf\xbd</b>");
	is_int(html_sanitize_nul(), 1, "NUL dropped");
	san("<h2>T</h2><blockquote><p>q</p></blockquote>", "<h2>T</h2><blockquote><p>q</p></blockquote>");

	/* absolute-path links: the fast path and what it leaves alone */
	absurl("/p/1", "https://bench.example.com/", "https://bench.example.com/p/1");
	absurl("/p/1", "https://bench.example.com", "https://bench.example.com/p/1");
	absurl("  /a-b_c~d/e.html", "http://h.example/x/y/", "http://h.example/a-b_c~d/e.html");
	absurl("/", "https://example.org/blog/", "https://example.org/");
	absurl("/x", "https://example.org:8443/a/", "https://example.org:8443/x");
	absurl("/x", "https://user@example.org/a/", "https://user@example.org/x");
	absurl("/x", "https://example.org/a?q=1", "https://example.org/x");
	absurl("/x", "https://example.org/a%20b/", "https://example.org/x");
	absurl("//other.example/x", "https://example.org/", "https://other.example/x");
	/* not a URL reference (space, raw UTF-8): escaped as a browser does */
	absurl("/p q", "https://example.org/", "https://example.org/p%20q");
	absurl("/caf\xc3\xa9", "https://example.org/",
	    "https://example.org/caf%C3%A9");
	absurl("/p/1#frag", "https://example.org/", "https://example.org/p/1#frag");
	absurl("/p?a=1&b=2", "https://example.org/", "https://example.org/p?a=1&b=2");
	absurl("/.well-known/x", "https://example.org/", "https://example.org/.well-known/x");
	/* resolved, then the link policy: only http(s) come out */
	absurl("/p/1", "ftp://example.org/", "");
	absurl("x", "javascript:alert(1)//", "");
	absurl("/p/1", "javascript://example.org/", "");
	absurl("/p/1", "file:///home/u/", "");
	absurl("/p/1", NULL, "");
	absurl("rel/1", "https://example.org/a/b", "https://example.org/a/rel/1");

	/* entity names remembered: names that share a slot stay apart */
	txt("&eacute;&egrave;&eacute;&egrave; &Aacute;&Agrave;&Aacute;",
	    "\xc3\xa9\xc3\xa8\xc3\xa9\xc3\xa8 \xc3\x81\xc3\x80\xc3\x81");
	is_int(html_entity("egrave"), 0xe8, "html_entity egrave");
	is_int(html_entity("eacute"), 0xe9, "html_entity eacute");
	is_int(html_entity("egrave"), 0xe8, "html_entity egrave again");
	is_int(html_entity("bogus"), -1, "html_entity unknown");
	is_int(html_entity(""), -1, "html_entity empty");
	is_int(html_entity("averyveryverylongname"), -1, "html_entity long");

	txt("Plain   title\n text ", "Plain title text");
	/* folding keeps single spaces in place, folds the rest */
	txt("one two  three\tfour \n five six ", "one two three four five six");
	txt(" a b<b> c </b>d e\r\n", "a b c d e");
	txt("AT&amp;T", "AT&T");
	txt("<b>Bold</b> move", "Bold move");
	txt("caf&eacute; &rsquo;n&rsquo; more", "caf\xc3\xa9 \xe2\x80\x99n\xe2\x80\x99 more");
	txt("<p>one</p><p>two</p>", "one two");
	txt("a<br>b", "a b");
	txt("x<script>bad()</script>y", "xy");
	txt("  <i> spaced </i>  ", "spaced");
	txt("D&D", "D&D");
	txt("", "");
	txt("Caf&eacute; &amp; bar &hellip;", "Caf\xc3\xa9 & bar \xe2\x80\xa6");
	txt("fish & chips", "fish & chips");
	txt("bad \xc3 byte", "bad \xef\xbf\xbd byte");
	txt("&bogus; &copy 1", "&bogus; &copy 1");

	/* A void or unknown element left open holds nothing: libxml2 keeps
	 * <embed> open to the next end tag, the text after it is kept. */
	san("<p>A <embed src=\"x\"> B</p><p>C</p>", "<p>A  B</p><p>C</p>");
	san("<p>1 <param name=a> 2 <base href=x> 3</p><p>4</p>",
	    "<p>1  2  3</p><p>4</p>");
	san("<p>x <widget> y</p><p>z</p>", "<p>x  y</p><p>z</p>");
	san("<div>a <embed src=x> b <b>c</b></div>", "<div>a  b <b>c</b></div>");
	txt("<p>A <embed src=\"x\"> B</p><p>C</p>", "A B C");
	ok(html_element("embed", 5) && html_element("B", 1) &&
	    html_element("blockquote", 10), "html_element: known elements");
	ok(!html_element("dialog", 6) && !html_element("", 0) &&
	    !html_element("b", 0) && !html_element("widgets-and-more", 16),
	    "html_element: others");

	/* The reused parser context survives many calls. */
	for (i = 0; i < 10000; i++) {
		buf_reset(&b);
		html_sanitize(&b, "<p>x<b>y</b></p>", 16, NULL);
	}
	is_str(buf_cstr(&b), "<p>x<b>y</b></p>", "10000 calls");
	buf_free(&b);
	return done_testing();
}
