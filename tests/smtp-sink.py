#!/usr/bin/python3
"""smtp-sink.py PORT DIR [USER:PASSWORD|starttls:CERT:KEY|tls:CERT:KEY]:
a real SMTP server (aiosmtpd) on 127.0.0.1:PORT that saves each message as
DIR/msg-N.eml and its envelope as DIR/env-N.json.  With USER:PASSWORD it
offers AUTH PLAIN/LOGIN (without TLS, on loopback only) and refuses mail
from clients that did not log in.  starttls: requires STARTTLS with that
certificate; tls: speaks TLS from the start (smtps)."""
import asyncio
import json
import os
import signal
import sys

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

port, outdir = int(sys.argv[1]), sys.argv[2]
mode = sys.argv[3] if len(sys.argv) > 3 else ""
creds = tls = None
if mode.startswith(("starttls:", "tls:")):
    import ssl
    kind, cert, key = mode.split(":")
    tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    tls.load_cert_chain(cert, key)
elif mode:
    creds = mode.split(":", 1)


class Saver:
    # A restarted sink goes on numbering where the last one stopped.
    n = len([f for f in os.listdir(outdir) if f.endswith(".eml")])

    async def handle_MAIL(self, server, session, envelope, address, options):
        if creds and not session.authenticated:
            return "530 5.7.0 Authentication required"
        if tls and kind == "starttls" and session.ssl is None:
            return "530 5.7.0 Must issue a STARTTLS command first"
        envelope.mail_from = address
        envelope.mail_options.extend(options)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        Saver.n += 1
        base = os.path.join(outdir, "%s-%d" % ("%s", Saver.n))
        with open(base % "msg" + ".eml", "wb") as f:
            f.write(envelope.original_content)
        with open(base % "env" + ".json", "w") as f:
            json.dump({"mail_from": envelope.mail_from,
                       "rcpt_tos": envelope.rcpt_tos}, f)
        return "250 Message accepted for delivery"


def check(server, session, envelope, mechanism, auth_data):
    ok = creds and auth_data.login.decode() == creds[0] and \
        auth_data.password.decode() == creds[1]
    return AuthResult(success=bool(ok))


kw = {}
if creds:
    kw = dict(authenticator=check, auth_require_tls=False)
elif tls and kind == "starttls":
    kw = dict(tls_context=tls, require_starttls=True)
elif tls:
    kw = dict(ssl_context=tls)
ctl = Controller(Saver(), hostname="127.0.0.1", port=port,
                 decode_data=False, **kw)
ctl.start()
signal.sigwait({signal.SIGTERM, signal.SIGINT})
ctl.stop()
