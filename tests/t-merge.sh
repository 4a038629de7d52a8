#!/bin/sh
# feedmux merge over a real store: the three documents written, valid, read
# back by feedparser and by feedmux's own parser with the store's entries,
# titles, links, dates and sources; rewritten only when bytes change.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/merge-lib.sh"
B=$top_builddir/tests
CHECK="$PY $top_srcdir/tests/merge_check.py"
mkdir -p "$T/out"
head="[feedmux]
database = $T/db.sqlite
[feed \"alpha\"]
url = https://alpha.example/feed.xml
category = tech
[feed \"beta\"]
url = https://beta.example/rss
category = security"
cat >"$T/feedmux.conf" <<EOC
$head
[output]
atom = $T/out/atom.xml
rss = $T/out/rss.xml
json = $T/out/feed.json
title = Test Planet
link = https://planet.example.org/
EOC
check "store filled" "$B/merge_fill" "$T/feedmux.conf"
"$B/merge_fill" "$T/feedmux.conf" dump >"$T/dump"
is "$(wc -l <"$T/dump" | tr -d ' ')" 5 "store holds 5 entries to show"

check "feedmux merge" "$FEEDMUX" -c "$T/feedmux.conf" merge
check_outputs "$T/dump"

# Nothing changed: nothing rewritten (same inode), -p prints the same bytes.
ino=$(stat -c %i "$T/out/atom.xml")
check "merge again" "$FEEDMUX" -c "$T/feedmux.conf" merge
is "$(stat -c %i "$T/out/atom.xml")" "$ino" "unchanged store: file left alone"
"$FEEDMUX" -c "$T/feedmux.conf" merge -p atom >"$T/printed"
check "merge -p atom prints the document" cmp "$T/printed" "$T/out/atom.xml"
check "one more entry" "$B/merge_fill" "$T/feedmux.conf" more 1 1
check "merge after a change" "$FEEDMUX" -c "$T/feedmux.conf" merge
ok $([ "$(stat -c %i "$T/out/atom.xml")" != "$ino" ]; echo $?) "changed store: file replaced"
contains "$T/out/atom.xml" "Generated entry 1" "new entry in the file"

# A file that cannot be written: exit 73, the path named.
cat >"$T/bad.conf" <<EOC
$head
[output]
atom = $T/missing-dir/atom.xml
EOC
"$FEEDMUX" -c "$T/bad.conf" merge 2>"$T/err"
is $? 73 "unwritable output: exit 73 (EX_CANTCREAT)"
contains "$T/err" "$T/missing-dir/atom.xml" "error names the path"
"$FEEDMUX" -c "$T/feedmux.conf" merge -o nosuch 2>"$T/err"
is $? 78 "unknown output name: exit 78"
done_testing
