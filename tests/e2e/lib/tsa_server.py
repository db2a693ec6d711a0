#!/usr/bin/env python3
"""A tiny RFC 3161 time-stamping authority for the tests, on 127.0.0.1.

Usage: tsa_server.py DIR
DIR holds tsa.cnf (an openssl config with a [tsa] section, see
tsa_make in tests/e2e/audit_anchor.sh) and the TSA's key and certificate.
Listens on an ephemeral port of 127.0.0.1 and writes it to DIR/port once
ready. Each POST body (a TimeStampReq) is piped to
`openssl ts -reply -config DIR/tsa.cnf`, whose DER reply is sent back as
application/timestamp-reply; the requests are counted in DIR/requests.
A POST to /refuse answers HTTP 503, to test a refusing TSA.
"""
import http.server
import os
import subprocess
import sys
import tempfile


class Handler(http.server.BaseHTTPRequestHandler):
    directory = "."

    def log_message(self, fmt, *args):  # quiet: the test prints its own
        pass

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        count = os.path.join(self.directory, "requests")
        with open(count, "a", encoding="ascii") as f:
            f.write("%s %s\n" % (self.path,
                                 self.headers.get("Content-Type", "")))
        if self.path == "/refuse":
            self.send_error(503, "TSA closed")
            return
        with tempfile.TemporaryDirectory(dir=self.directory) as tmp:
            req = os.path.join(tmp, "req.tsq")
            reply = os.path.join(tmp, "reply.tsr")
            with open(req, "wb") as f:
                f.write(body)
            run = subprocess.run(
                ["openssl", "ts", "-reply", "-config",
                 os.path.join(self.directory, "tsa.cnf"),
                 "-queryfile", req, "-out", reply],
                cwd=self.directory, capture_output=True, check=False)
            if run.returncode != 0:
                self.send_error(500, "openssl ts -reply failed")
                return
            with open(reply, "rb") as f:
                data = f.read()
        self.send_response(200)
        self.send_header("Content-Type", "application/timestamp-reply")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


def main():
    Handler.directory = os.path.abspath(sys.argv[1])
    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    tmp = os.path.join(Handler.directory, "port.tmp")
    with open(tmp, "w", encoding="ascii") as f:
        f.write("%d\n" % server.server_address[1])
    os.rename(tmp, os.path.join(Handler.directory, "port"))
    server.serve_forever()


if __name__ == "__main__":
    main()
