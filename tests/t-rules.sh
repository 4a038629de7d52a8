#!/bin/sh
# t-rules.sh: match and exclude_match in [feedmux] and [feed] hide entries
# polled from real feed files from all three merged outputs and the
# digest, while they stay stored: a changed rule applies without a fetch,
# list --rejected names the rule that hid each, parse --rules shows what
# a feed's rules would reject; bad rules are refused with file:line.
. "$top_srcdir/tests/lib.sh"
F="$FEEDMUX -c $T/feedmux.conf"
# lacks FILE STRING DESCRIPTION (fixed string)
lacks() {
	if grep -qF -- "$2" "$1"; then ok 1 "$3"; grep -nF -- "$2" "$1" |
	    head -5 | sed 's/^/#   /'; else ok 0 "$3"; fi
}

# Newest first: hidden entries sit between the shown ones, so limits that
# counted them would drop "Rust 2.0 is out".
cat >"$T/news.xml" <<'EOF2'
<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>News</title><link>https://news.example/</link>
<item><title>Kernel release 6.1</title><link>https://news.example/1</link><guid>n1</guid><description>&lt;p&gt;New &lt;b&gt;scheduler&lt;/b&gt;&lt;/p&gt;</description><pubDate>Mon, 30 Nov 2026 10:00:00 GMT</pubDate></item>
<item><title>Sponsored: buy things</title><link>https://news.example/2</link><guid>n2</guid><description>Great deals</description><pubDate>Mon, 30 Nov 2026 09:00:00 GMT</pubDate></item>
<item><title>Weekly roundup</title><link>https://news.example/3</link><guid>n3</guid><description>This week &lt;em&gt;crypto&lt;/em&gt; news</description><pubDate>Mon, 30 Nov 2026 08:00:00 GMT</pubDate></item>
<item><title>Hello there</title><link>https://news.example/4</link><guid>n4</guid><author>bob@spam.example (Spammy Bob)</author><description>hi</description><pubDate>Mon, 30 Nov 2026 07:00:00 GMT</pubDate></item>
<item><title>Advert item</title><link>https://news.example/5</link><guid>n5</guid><category>Ads</category><description>x</description><pubDate>Mon, 30 Nov 2026 06:00:00 GMT</pubDate></item>
</channel></rss>
EOF2
cat >"$T/blog.xml" <<'EOF2'
<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Blog</title><id>urn:blog</id><updated>2026-11-29T10:00:00Z</updated>
<entry><title>Go news</title><id>urn:b2</id><link href="https://blog.example/2"/><published>2026-11-29T11:00:00Z</published><updated>2026-11-29T11:00:00Z</updated><summary>slow</summary></entry>
<entry><title>Rust 2.0 is out</title><id>urn:b1</id><link href="https://blog.example/1"/><published>2026-11-29T10:00:00Z</published><updated>2026-11-29T10:00:00Z</updated><summary>fast</summary></entry>
</feed>
EOF2
# write_conf MAIN-RULES NEWS-RULES: the config, with its outputs.
write_conf() {
	cat >"$T/feedmux.conf" <<EOC
[feedmux]
database = $T/db.sqlite
$1
[output]
atom = $T/atom.xml
rss = $T/rss.xml
json = $T/feed.json
entries = 2
[digest]
dir = $T/digests
max_entries = 2
[feed "news"]
url = file://$T/news.xml
$2
[feed "blog"]
url = file://$T/blog.xml
match = rust
EOC
}
main_rules="exclude_match = week crypto
exclude_match = spammy"
news_rules="exclude_match = ^sponsored
exclude_match = ^ads\$"
write_conf "$main_rules" "$news_rules"
check "check-config takes the rules (exclude_match repeated)" $F check-config
$F list --rejected >"$T/rej0"
contains "$T/rej0" "no stored entry is hidden by the rules" "list --rejected before any poll"
test ! -e "$T/db.sqlite"; ok $? "and it creates no database"
check "poll the two feed files" $F poll --all
hidden="Sponsored:_buy Weekly_roundup Hello_there Advert_item Go_news"

check "merge" $F merge
"$FEEDMUX" -c "$T/feedmux.conf" digest -n >"$T/digest.txt"
for f in atom.xml rss.xml feed.json digest.txt; do
	contains "$T/$f" "Kernel release 6.1" "$f: an entry no rule hides"
	contains "$T/$f" "Rust 2.0 is out" \
	    "$f: the feed's match keeps; limits count shown entries only"
	for h in $hidden; do
		lacks "$T/$f" "$(echo "$h" | tr _ ' ')" "$f: no \"$h\""
	done
done
lacks "$T/digest.txt" "more, not listed" "digest: max_entries counts shown entries"
$PY -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("SELECT count(*) FROM entries").fetchone()[0])' "$T/db.sqlite" >"$T/n"
is "$(cat "$T/n")" 7 "hidden entries are stored"

# What the rules hid, newest first, with the rule.
$F list --rejected >"$T/rej"
is $? 0 "list --rejected exits 0"
contains "$T/rej" 'rejected by [feed "news"] exclude_match = ^sponsored' \
    "list --rejected names a feed rule"
contains "$T/rej" 'rejected by [feedmux] exclude_match = week crypto' \
    "list --rejected names a global rule (on the text without markup)"
contains "$T/rej" 'rejected by [feedmux] exclude_match = spammy' \
    "the second global exclude_match (on the author)"
contains "$T/rej" 'rejected by [feed "news"] exclude_match = ^ads$' \
    "the second feed exclude_match (on a category)"
contains "$T/rej" 'rejected by [feed "blog"] match = rust' \
    "list --rejected names a match rule"
lacks "$T/rej" "Kernel release" "list --rejected: no shown entry"
is "$(grep -c '^news ' "$T/rej")" 4 "four news entries hidden"
first=$(grep -v '^ ' "$T/rej" | head -1)
case $first in "news  2026-11-30T09:00:00Z  Sponsored: buy things") r=0;; *) r=1;; esac
ok $r "newest first, with feed, date and title"
$F list --rejected blog --json >"$T/rej.json"
check "list --rejected --json is JSON" $PY -m json.tool "$T/rej.json"
is "$($PY -c 'import json,sys; d=json.load(open(sys.argv[1])); print(len(d), d[0]["title"], d[0]["rejected_by"])' "$T/rej.json")" \
    '1 Go news [feed "blog"] match = rust' "list --rejected FEED --json: that feed's only"
check_fail "list --rejected of an unknown feed fails" $F list --rejected nosuch

# A changed rule applies at once: no poll, the feed file gone.
rm "$T/news.xml"
write_conf "$main_rules" "exclude_match = ^ads\$"
check "merge after the rule changed" $F merge
contains "$T/atom.xml" "Sponsored: buy things" "dropped rule: entry shown without a fetch"
lacks "$T/atom.xml" "Advert item" "the rule kept still hides"
$F list --rejected >"$T/rej2"
lacks "$T/rej2" "Sponsored" "list --rejected follows the changed rule"
write_conf "$main_rules" "$news_rules"

# parse --rules: what the feed's rules (and the global ones) would reject.
$F poll --all >/dev/null 2>&1
cat >"$T/doc.xml" <<'EOF2'
<?xml version="1.0"?>
<rss version="2.0"><channel><title>T</title>
<item><title>Sponsored post</title><guid>d1</guid></item>
<item><title>Plain</title><guid>d2</guid><description>a &lt;i&gt;week&lt;/i&gt; crypto fun</description></item>
<item><title>Fine</title><guid>d3</guid></item>
</channel></rss>
EOF2
$F parse --rules news "$T/doc.xml" >"$T/p.txt"
is $? 0 "parse --rules exits 0"
contains "$T/p.txt" 'rejected:  [feed "news"] exclude_match = ^sponsored' \
    "parse --rules: the feed's rule"
contains "$T/p.txt" 'rejected:  [feedmux] exclude_match = week crypto' \
    "parse --rules: a global rule"
contains "$T/p.txt" 'rules of feed "news": 2 of 3 rejected' "parse --rules: the count"
$F parse --json --rules news - <"$T/doc.xml" >"$T/p.json"
is "$($PY -c 'import json,sys; print([e["rejected_by"] for e in json.load(open(sys.argv[1]))["entries"]])' "$T/p.json")" \
    "['[feed \"news\"] exclude_match = ^sponsored', '[feedmux] exclude_match = week crypto', None]" \
    "parse --json --rules: rejected_by per entry"
$F parse --json "$T/doc.xml" >"$T/p0.json"
lacks "$T/p0.json" "rejected_by" "parse --json without --rules: no rejected_by"
check_fail "parse --rules of an unknown feed fails" $F parse --rules nosuch "$T/doc.xml"

# The daemon: a rule changed by a reload rewrites the outputs at once.
check "merge with the rules back" $F merge
lacks "$T/atom.xml" "Sponsored: buy things" "the rule hides again"
$F -v run 2>"$T/log" & dpid=$!
stop_daemon() { kill "$dpid"; }
at_exit stop_daemon
wait_for grep -q "running:" "$T/log"; ok $? "the daemon runs"
write_conf "$main_rules" "exclude_match = ^ads\$"
kill -HUP "$dpid"
wait_for grep -q "configuration reloaded" "$T/log"; ok $? "reloaded"
wait_for grep -q "Sponsored: buy things" "$T/atom.xml"
ok $? "reload: the output shows what the dropped rule hid, with no fetch"
kill "$dpid"; wait "$dpid" 2>/dev/null

# Bad rules are refused with file:line.
bad() {	# bad DESCRIPTION EXPECTED-MESSAGE CONFIG-TEXT
	printf '%s\n' "$3" >"$T/bad.conf"
	"$FEEDMUX" -c "$T/bad.conf" check-config >/dev/null 2>"$T/bad.err"
	is $? 78 "$1: exit 78"
	contains "$T/bad.err" "$2" "$1: file:line"
}
bad "bad regex in [feed]" "$T/bad.conf:4: exclude_match: bad regular expression \"(oops\"" \
"[feedmux]
database = $T/db2.sqlite
[feed \"x\"]
exclude_match = (oops
url = https://x.example/"
bad "bad regex in [feedmux]" "$T/bad.conf:2: match: bad regular expression" \
"[feedmux]
match = a{2,1}"
bad "match twice in a section" "$T/bad.conf:3: duplicate key \"match\"" \
"[feedmux]
match = a
match = b"
bad "bad regex in [digest]" "$T/bad.conf:3: match: bad regular expression" \
"[digest \"x\"]
at = 07:00
match = a{2,1}"
done_testing
