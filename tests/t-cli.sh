#!/bin/sh
# The command line: help, version, exit codes, config errors, man pages.
. "$top_srcdir/tests/lib.sh"
export XDG_STATE_HOME="$T/state" FEEDMUX_CONF=""

v=$("$FEEDMUX" --version)
case $v in "feedmux "[0-9]*) ok 0 "--version prints the version";; *) ok 1 "--version: $v";; esac
is "$("$FEEDMUX" poll --version)" "$v" "--version after a command"
"$FEEDMUX" --help >"$T/help"; ok $? "--help exits 0"
cmds="run poll parse list status merge digest hooks import export add remove check-config db"
for c in $cmds; do
	grep -q "^  $c " "$T/help"; ok $? "--help lists $c"
	"$FEEDMUX" "$c" --help >"$T/chelp" 2>"$T/err"; st=$?
	grep -q "^usage: feedmux .*$c" "$T/chelp"; ok $(( st + $? )) "$c --help shows its usage"
	is "$(cat "$T/err")" "" "$c --help writes nothing on stderr"
	"$FEEDMUX" "$c" -h >"$T/ch" 2>&1; st=$?
	cmp -s "$T/chelp" "$T/ch"; ok $(( st + $? )) "$c -h is $c --help"
done

# Each command's options: the ones its --help describes, the ones its usage
# line names and the ones feedmux(1) gives it are the same.
flags() {	# the -x and --xy words of standard input, one a line, sorted
	grep -o -- '\(^\|[^A-Za-z-]\)--\?[A-Za-z][A-Za-z-]*' | sed 's/^[^-]*//' |
	    sort -u
}
man_flags() {	# the options on feedmux(1)'s item heads for command $1
	awk -v c="$1" '
	/^\.(TP|TQ)$/ { head = 1; next }
	head {
		head = 0; l = $0
		gsub(/\\f[BIRP]/, "", l); gsub(/\\-/, "-", l); gsub(/"/, " ", l)
		split(l, w, " ")
		if (w[2] == c) { sub(/^[^ ]+ +[^ ]+/, "", l); print l }
	}' "$top_srcdir/man/feedmux.1" | flags
}
for c in $cmds; do
	"$FEEDMUX" "$c" --help >"$T/chelp"
	grep '^  [^ ]' "$T/chelp" | awk '{ print $1 }' | flags >"$T/help.opts"
	sed -n '1s/^usage: feedmux \[-qv\] \[-c file\] [^ ]*//p' "$T/chelp" |
	    flags >"$T/usage.opts"
	man_flags "$c" >"$T/man.opts"
	is "$(tr '\n' ' ' <"$T/help.opts")" "$(tr '\n' ' ' <"$T/man.opts")" \
	    "$c: --help describes the options feedmux(1) shows"
	is "$(tr '\n' ' ' <"$T/usage.opts")" "$(tr '\n' ' ' <"$T/help.opts")" \
	    "$c: its usage line names the options its --help describes"
	# A bad option, or too many arguments: the usage line, and 64.
	"$FEEDMUX" "$c" --no-such-option x y z >"$T/out" 2>"$T/err"
	is $? 64 "$c with a bad option exits 64"
	is "$(cat "$T/out")" "" "$c with a bad option prints nothing on stdout"
	want=$(sed -n '1s/^usage: feedmux \[-qv\] \[-c file\] /usage: feedmux /p' "$T/chelp")
	is "$(grep '^usage:' "$T/err")" "$want" "$c with a bad option prints its usage on stderr"
	# The command takes each option its --help describes (then stops
	# at the bad one, doing nothing).
	sed -n 's/^  \(-[^ ]*\)\( [^ ][^ ]*\)\{0,1\}\(  .*\)\{0,1\}$/\1\2/p' "$T/chelp" |
	while read -r flag arg; do
		case $arg in [A-Za-z]*) set -- "$flag" "${arg%%|*}";; *) set -- "$flag";; esac
		"$FEEDMUX" "$c" "$@" --no-such-option >/dev/null 2>"$T/err"
		if grep -q "unrecognized option '$flag'\|invalid option -- '${flag#-}'" "$T/err"; then
			echo "$flag"
		fi
	done >"$T/refused"
	is "$(tr '\n' ' ' <"$T/refused")" "" "$c takes every option its --help describes"
done
is "$(man_flags digest | tr '\n' ' ')" "-H -T -n " "the man page's options are found (digest)"
# A stray argument is refused, not ignored (run used to start with it).
timeout 10 "$FEEDMUX" run stray >/dev/null 2>"$T/err"; is $? 64 "run with an argument exits 64"
timeout 10 "$FEEDMUX" poll stray --all >/dev/null 2>"$T/err"; is $? 64 "poll with an argument exits 64"
"$FEEDMUX" help >"$T/out"; ok $? "help exits 0"
cmp -s "$T/help" "$T/out"; ok $? "help is --help"
"$FEEDMUX" help add >"$T/out"; st=$?
"$FEEDMUX" add --help >"$T/chelp"
cmp -s "$T/chelp" "$T/out"; ok $(( st + $? )) "help add is add --help"
"$FEEDMUX" help frobnicate >"$T/out" 2>"$T/err"; is $? 64 "help on an unknown command: EX_USAGE"
contains "$T/err" 'unknown command "frobnicate"' "help names the unknown command"
"$FEEDMUX" >/dev/null 2>&1; is $? 64 "no command: EX_USAGE"
"$FEEDMUX" frobnicate >/dev/null 2>"$T/err"; is $? 64 "unknown command: EX_USAGE"
contains "$T/err" 'unknown command "frobnicate"' "unknown command named"
"$FEEDMUX" -Z poll >/dev/null 2>&1; is $? 64 "unknown global option: EX_USAGE"

# A broken config: file:line and EX_CONFIG, for check-config and others.
printf '[feedmux]\ninterval = 30m\n\n[feed "a"]\nurl = http://127.0.0.1/a\ninterval = soon\n' >"$T/bad.conf"
"$FEEDMUX" -c "$T/bad.conf" check-config >"$T/out" 2>"$T/err"; is $? 78 "check-config on a bad config exits 78"
contains "$T/err" "$T/bad.conf:6: interval: bad duration \"soon\"" "error names file:line and the problem"
"$FEEDMUX" -c "$T/bad.conf" poll >/dev/null 2>&1; is $? 78 "poll refuses a bad config too"
"$FEEDMUX" -c "$T/missing.conf" check-config >/dev/null 2>"$T/err"; is $? 78 "missing config file exits 78"
contains "$T/err" "$T/missing.conf: No such file or directory" "missing file named"
printf '[feed "a"]\nurl = http://127.0.0.1/a\n[feed "a"]\nurl = http://127.0.0.1/b\n' >"$T/dup.conf"
"$FEEDMUX" -c "$T/dup.conf" check-config 2>"$T/err" >/dev/null
contains "$T/err" "dup.conf:3: duplicate feed \"a\"" "duplicate feed reported at its line"

# Good configs: the shipped sample, the demo, and none at all.
check "sample config is valid" "$FEEDMUX" -c "$top_srcdir/etc/feedmux.conf.sample" check-config
"$FEEDMUX" -c "$top_srcdir/etc/demo/feedmux.conf" check-config >"$T/out" 2>&1
ok $? "demo config is valid"
contains "$T/out" "3 feeds" "demo config has three feeds"
contains "$T/out" "merged feed (Atom): $T/state/feedmux/atom.xml" "check-config names the merged feed file"
"$FEEDMUX" check-config >"$T/out" 2>&1; ok $? "no config: built-in defaults"
contains "$T/out" "$T/state/feedmux/feedmux.db" "default database under XDG_STATE_HOME"

# The manual pages render cleanly and name every command and key.
for m in feedmux.1 feedmux.conf.5; do
	MANWIDTH=80 man --warnings -E UTF-8 -l "$top_srcdir/man/$m" >"$T/$m.txt" 2>"$T/$m.err"
	ok $? "man -l $m renders"
	is "$(cat "$T/$m.err")" "" "$m renders without warnings"
done
for c in $cmds; do
	grep -q "^ *$c\b" "$T/feedmux.1.txt"; ok $? "feedmux(1) describes $c"
done
"$FEEDMUX" check-config --keys | sort -u | while read -r sec key; do
	grep -q "^ *$key\b" "$T/feedmux.conf.5.txt" || echo "$sec $key"
done >"$T/undoc"
is "$(tr '\n' ' ' <"$T/undoc")" "" "feedmux.conf(5) describes every key"
done_testing
