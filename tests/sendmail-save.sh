#!/bin/sh
# A stand-in for sendmail(8): saves the message from stdin and its
# arguments under $DIGEST_MAIL_DIR (msg-N, args-N); fails with 75
# (EX_TEMPFAIL) while $DIGEST_MAIL_DIR/fail exists, like a full queue.
d=${DIGEST_MAIL_DIR:?}
if [ -e "$d/fail" ]; then
	cat >/dev/null
	echo "sendmail-save: queue unavailable" >&2
	exit 75
fi
n=$(($(cat "$d/count" 2>/dev/null || echo 0) + 1))
cat >"$d/msg-$n" || exit 74
echo "$*" >"$d/args-$n"
echo $n >"$d/count"
