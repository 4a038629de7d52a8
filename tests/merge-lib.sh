# merge-lib.sh: the checks every merged output must pass, for t-merge*.sh.
# check_outputs DUMP: $T/out/{atom.xml,rss.xml,feed.json} against DUMP (the
# store's entries from merge_fill dump): well-formed, valid against the Atom
# schema, and read back with the same entries by feedparser and by
# feedmux's own parser.  Needs $CHECK (merge_check.py) and $FEEDMUX.
check_outputs() {
	for f in atom.xml rss.xml; do
		check "$f is well-formed (xmllint)" xmllint --noout --nonet "$T/out/$f"
	done
	check "atom.xml valid against the Atom RELAX NG schema" xmllint --noout \
	    --nonet --relaxng "$top_srcdir/tests/data/merge/atom.rng" "$T/out/atom.xml"
	check "feed.json is JSON" $PY -m json.tool "$T/out/feed.json"
	check "atom: feedparser reads the store's entries" $CHECK "$1" atom "$T/out/atom.xml"
	check "rss: feedparser reads the store's entries" $CHECK "$1" rss "$T/out/rss.xml"
	check "json: the store's entries" $CHECK "$1" json "$T/out/feed.json"
	# feedmux's own parser on its own output (it has no atom:source to report).
	for f in atom rss; do
		check "$f: feedmux parse reads the store's entries" sh -c \
		    '"$1" parse --json "$2" >"$3" && $4 "$5" "own-$6" "$3"' sh \
		    "$FEEDMUX" "$T/out/$f.xml" "$T/parsed.$f" "$CHECK" "$1" "$f"
	done
}
