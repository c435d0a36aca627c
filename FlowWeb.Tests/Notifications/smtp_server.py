"""A real SMTP server for FlowWeb's tests (Debian's python3-aiosmtpd): STARTTLS required, AUTH required.

Usage: smtp_server.py HOST PORT CERT_PEM KEY_PEM OUT_DIR USER PASSWORD
Each message is written to OUT_DIR as NNNNN.eml with NNNNN.json beside it (envelope, TLS, authenticated user).
Prints READY when listening; stops when its standard input closes or it is killed.
"""
import json
import os
import ssl
import sys

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

host, port, cert, key, out_dir, user, password = sys.argv[1:8]


class Handler:
    async def handle_DATA(self, server, session, envelope):
        index = len([n for n in os.listdir(out_dir) if n.endswith(".json")])
        base = os.path.join(out_dir, f"{index:05d}")
        with open(base + ".eml", "wb") as f:
            f.write(envelope.original_content or envelope.content)
        meta = {
            "from": envelope.mail_from,
            "to": envelope.rcpt_tos,
            "tls": session.ssl is not None,
            "user": session.auth_data.login.decode() if isinstance(session.auth_data, LoginPassword) else None,
        }
        with open(base + ".tmp", "w") as f:
            json.dump(meta, f)
        os.rename(base + ".tmp", base + ".json")
        return "250 OK"


def authenticator(server, session, envelope, mechanism, auth_data):
    ok = isinstance(auth_data, LoginPassword) and auth_data.login == user.encode() and auth_data.password == password.encode()
    return AuthResult(success=ok, handled=False, auth_data=auth_data if ok else None)


context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
context.load_cert_chain(cert, key)
controller = Controller(Handler(), hostname=host, port=int(port), tls_context=context, require_starttls=True,
                        auth_required=True, authenticator=authenticator)
controller.start()
print("READY", flush=True)
try:
    sys.stdin.read()
finally:
    controller.stop()
