#!/usr/bin/env python3
"""A fixed number of keep-alive requests for tests/bench/profile.sh (not a load generator).

  profile_client.py URL COUNT [--conns N] [--stream] [--body-file PATH] [--key KEY]

COUNT requests split over N keep-alive connections (one thread each, one request at a time),
with bench_loadgen's headers (the bearer token: --key, default sk-bench). Exits 1 unless every answer was a 200 with a complete body.
"""
import argparse
import socket
import sys
import threading
from urllib.parse import urlsplit


def read_response(sock, buf):
    """Reads one response; returns (status, leftover bytes)."""
    while b"\r\n\r\n" not in buf:
        data = sock.recv(65536)
        if not data:
            raise ConnectionError("closed before headers")
        buf += data
    head, _, buf = buf.partition(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        k, _, v = line.partition(b":")
        headers[k.strip().lower()] = v.strip()
    if b"content-length" in headers:
        n = int(headers[b"content-length"])
        while len(buf) < n:
            data = sock.recv(65536)
            if not data:
                raise ConnectionError("closed mid-body")
            buf += data
        return status, buf[n:]
    if headers.get(b"transfer-encoding", b"").lower() == b"chunked":
        while True:  # chunked: until the last chunk and its CRLF
            end = buf.find(b"0\r\n\r\n")
            if end == 0 or (end > 0 and buf[end - 2:end] == b"\r\n"):
                return status, buf[end + 5:]
            data = sock.recv(65536)
            if not data:
                raise ConnectionError("closed mid-stream")
            buf += data
    raise ValueError("response without framing")


def worker(host, port, request, count, errors):
    try:
        run_connection(host, port, request, count, errors)
    except Exception as e:  # noqa: BLE001 - reported as a failed run
        errors.append(repr(e))


def run_connection(host, port, request, count, errors):
    sock = socket.create_connection((host, port))
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    buf = b""
    for _ in range(count):
        sock.sendall(request)
        status, buf = read_response(sock, buf)
        if status != 200:
            errors.append(status)
    sock.close()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("url")
    ap.add_argument("count", type=int)
    ap.add_argument("--conns", type=int, default=4)
    ap.add_argument("--stream", action="store_true")
    ap.add_argument("--body-file", required=True)
    ap.add_argument("--key", default="sk-bench")
    a = ap.parse_args()
    u = urlsplit(a.url)
    body = open(a.body_file, "rb").read()
    request = (f"POST {u.path} HTTP/1.1\r\nHost: {u.hostname}:{u.port}\r\n"
               f"Content-Type: application/json\r\n"
               f"Accept: {'text/event-stream' if a.stream else 'application/json'}\r\n"
               f"User-Agent: llmgw-bench/1\r\nAuthorization: Bearer {a.key}\r\n"
               f"Content-Length: {len(body)}\r\n\r\n").encode() + body
    errors = []
    per = [a.count // a.conns + (1 if i < a.count % a.conns else 0) for i in range(a.conns)]
    threads = [threading.Thread(target=worker, args=(u.hostname, u.port, request, n, errors)) for n in per]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        print(f"profile_client: {len(errors)} non-200 answers, first {errors[0]}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
