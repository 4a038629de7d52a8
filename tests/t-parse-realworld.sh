#!/bin/sh
# t-parse-realworld: feeds captured from real sites (../shared/corpus, see
# its README) read as a browser would show them.  That corpus is not part of
# the project: without it this test reports nothing to run.
. "$top_srcdir/tests/lib.sh"

R=$top_srcdir/../shared/corpus/realworld
if [ ! -d "$R" ]; then
	echo "1..0 # SKIP no ../shared/corpus/realworld"
	exit 0
fi

# want FILE EXIT PYTHON-EXPRESSION...: parse FILE; each expression over the
# JSON document d must hold.
want() {
	f=$1; st=$2; shift 2
	"$FEEDMUX" parse --json "$R/$f" >"$T/out" 2>"$T/err"
	is $? "$st" "$f: exit status $st"
	[ "$st" = 0 ] || return 0
	for e in "$@"; do
		$PY -c 'import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
sys.exit(0 if eval(sys.argv[2]) else 1)' "$T/out" "$e"
		ok $? "$f: $e"
	done
}

want encoding/utf8.xml 0 'd["feed"]["title"] == "테스트 피드"' \
    'd["entries"][0]["title"] == "Café"'
want encoding/utf8-incorrect-prolog.xml 0 'd["entries"][0]["title"] == "Café"' \
    'd["charset"] == "utf-8"'
want encoding/invalid-prolog.xml 0 'd["feed"]["title"] == "테스트 피드"'
want encoding/iso-8859-1.xml 0 'd["feed"]["title"] == "Café"' \
    'd["feed"]["subtitle"] == "Présentation"'
want encoding/windows-1252.xml 0 'd["feed"]["title"] == "Euro €"'
want encoding/windows-1252-incorrect-prolog.xml 0 'd["feed"]["title"] == "Euro €"'
want encoding/koi8r.xml 0 'd["feed"]["title"] == "Пример RSS ленты"' \
    'd["charset"] == "koi8-r"'
want xml/koi8r.xml 0 'd["feed"]["title"] == "Пример RSS ленты"' 'len(d["entries"]) == 2'
want xml/iso88591.xml 65
want xml/iso88591_utf8_mismatch.xml 65
want parser/encoding_WINDOWS-1251.xml 0 'd["feed"]["subtitle"] == "Новый цитатник Рунета"' \
    'len(d["entries"]) == 50'
want parser/encoding_ISO-8859-1.xml 0 'd["feed"]["title"] == "Golem.de"' \
    'len(d["entries"]) == 40' 'not d["malformed"]'
want parser/no_encoding_ISO-8859-1.xml 0 'len(d["entries"]) == 10' \
    'any("é" in (e["title"] or "") + (e["summary"] or "") for e in d["entries"])'
want parser/rdf_UTF8.xml 0 'd["format"] == "rss0.90"' 'len(d["entries"]) == 60' \
    'd["entries"][0]["title"].startswith("OLED-TVs: Vorsichtsmaßnahmen")'
want parser/urdu_UTF8.xml 0 'len(d["entries"]) == 26' 'd["feed"]["link"] == "http://www.bbcurdu.com"'
want parser/large_atom.xml 0 'len(d["entries"]) == 25' 'd["format"] == "atom1.0"' \
    'all(e["link"].startswith("https://") for e in d["entries"])'
want parser/large_rss.xml 0 'len(d["entries"]) == 25' 'all(e["published"] for e in d["entries"])'
want parser/small_atom.xml 0 'len(d["entries"]) == 20'
done_testing
