/* test_template: the mustache-style subset of template.h. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "template.h"
#include "util.h"

static char out[4096];

static const char *
render(const char *tmpl, const struct tobj *data, enum tmpl_mode mode)
{
	struct buf b = { NULL, 0, 0 };
	char err[256];

	if (template_render(&b, tmpl, data, mode, err, sizeof(err)) == -1)
		snprintf(out, sizeof(out), "ERROR %s", err);
	else
		snprintf(out, sizeof(out), "%s", buf_cstr(&b));
	buf_free(&b);
	return out;
}

static const char *
fails(const char *tmpl)
{
	if (template_check(tmpl, out, sizeof(out)) == 0)
		return "(accepted)";
	return out;
}

int
main(void)
{
	struct tobj *d = tobj_new(), *i;

	tobj_set(d, "name", "<b>Tom & \"Jerry\"</b>");
	tobj_set(d, "empty", "");
	tobj_setf(d, "n", "%d", 42);
	i = tobj_add(d, "items");
	tobj_set(i, "t", "one");
	i = tobj_add(d, "items");
	tobj_set(i, "t", "two");
	tobj_set(i, "n", "inner");

	is_str(render("Hi {{name}}!", d, TMPL_HTML),
	    "Hi &lt;b&gt;Tom &amp; &quot;Jerry&quot;&lt;/b&gt;!",
	    "HTML mode escapes {{name}}");
	is_str(render("{{name}}", d, TMPL_TEXT), "<b>Tom & \"Jerry\"</b>",
	    "text mode leaves values alone");
	is_str(render("{{{name}}}|{{&name}}", d, TMPL_HTML),
	    "<b>Tom & \"Jerry\"</b>|<b>Tom & \"Jerry\"</b>",
	    "triple braces and & are raw");
	is_str(render("[{{missing}}]", d, TMPL_HTML), "[]",
	    "a missing name renders as nothing");
	is_str(render("{{#items}}<{{t}}:{{n}}>{{/items}}", d, TMPL_TEXT),
	    "<one:42><two:inner>",
	    "lists repeat; inner names shadow outer ones");
	is_str(render("{{#n}}yes{{/n}}{{#empty}}no{{/empty}}"
	    "{{^empty}}E{{/empty}}{{^missing}}M{{/missing}}{{^items}}I{{/items}}",
	    d, TMPL_TEXT), "yesEM", "sections and inverted sections on values");
	is_str(render("a\n  {{#items}}\n- {{t}}\n  {{/items}}\nb\n", d,
	    TMPL_TEXT), "a\n- one\n- two\nb\n",
	    "section tags alone on a line leave no blank line");
	is_str(render("x{{! a comment }}y", d, TMPL_TEXT), "xy",
	    "comments vanish");
	is_str(render("{{ n }}", d, TMPL_TEXT), "42", "spaces inside tags");
	is_str(render("{ {n} }", d, TMPL_TEXT), "{ {n} }",
	    "single braces are text");
	is_str(fails("{{#a}}\n{{/b}}"), "line 2: {{/b}} closes no open section",
	    "a mismatched close is reported with its line");
	is_str(fails("x\n\n{{#a}}"), "line 3: {{#a}} is not closed",
	    "an unclosed section is reported");
	is_str(fails("x {{name"), "line 1: unterminated tag",
	    "an unterminated tag is reported");
	is_str(fails("{{}}"), "line 1: empty tag", "an empty tag is reported");
	is_str(fails("{{#a}}{{#b}}{{/b}}{{/a}}"), "(accepted)",
	    "nested sections are accepted");
	tobj_free(d);

	/*
	 * The tree's pool: values larger than a block, many small ones
	 * across blocks, a value set again, tobj_setf past its buffer, and a
	 * list of thousands in order.  ASan and valgrind check the memory.
	 */
	{
		struct buf	 big = { NULL, 0, 0 }, want = { NULL, 0, 0 };
		struct buf	 got = { NULL, 0, 0 };
		char		 err[256], num[16];
		int		 k, same;

		d = tobj_new();
		for (k = 0; k < 100000; k++)
			buf_addc(&big, 'a' + k % 26);
		tobj_set(d, "big", "first");
		tobj_set(d, "big", buf_cstr(&big));
		tobj_setf(d, "long", "%s-%0300d", "x", 7);
		for (k = 0; k < 5000; k++) {
			i = tobj_add(d, "items");
			snprintf(num, sizeof(num), "%d", k);
			tobj_set(i, "k", num);
			tobj_setf(i, "sq", "%d", k * k);
			buf_printf(&want, "%d:%d,", k, k * k);
		}
		same = template_render(&got, "{{big}}", d, TMPL_TEXT, err,
		    sizeof(err)) == 0 && strcmp(buf_cstr(&got),
		    buf_cstr(&big)) == 0;
		ok(same, "a 100 KB value set over a short one comes back whole");
		buf_reset(&got);
		template_render(&got, "{{long}}", d, TMPL_TEXT, err,
		    sizeof(err));
		ok(got.len == 302 && strncmp(buf_cstr(&got), "x-000", 5) == 0 &&
		    buf_cstr(&got)[301] == '7', "tobj_setf past 256 bytes");
		buf_reset(&got);
		template_render(&got, "{{#items}}{{k}}:{{sq}},{{/items}}", d,
		    TMPL_TEXT, err, sizeof(err));
		ok(strcmp(buf_cstr(&got), buf_cstr(&want)) == 0,
		    "5,000 items across pool blocks, in the order added");
		tobj_free(d);
		buf_free(&big);
		buf_free(&want);
		buf_free(&got);
	}
	return done_testing();
}
