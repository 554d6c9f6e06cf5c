#!/usr/bin/env python3
"""The benchmark behind scripts/bench: starts the release server on a fresh database, prepares
data through the API, measures, and prints a table of our figures beside the reference's.

Latencies of single operations are measured over one keep-alive connection (Python's
http.client), so each figure is the server's time plus a loopback round trip; throughput and
tail latency come from wrk."""

import argparse
import gzip
import http.client
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time

SERVER = "target/release/server"
PASS_PHRASE = "benchmark-pass-phrase"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """The release server on `database_url`, on a port of its own."""

    def __init__(self, database_url):
        self.database_url = database_url
        self.port = free_port()
        self.process = None

    def start(self):
        """Starts the server; returns the milliseconds from the process's start to the first
        200 of GET /api/health."""
        env = dict(os.environ)
        env.update(
            PORT=str(self.port),
            DATABASE_URL=self.database_url,
            P12_PASS_PHRASE=PASS_PHRASE,
            LEPTOS_SITE_ROOT="target/site",
            LEPTOS_ENV="PROD",
            RUST_LOG="warn",
        )
        started = time.perf_counter()
        self.process = subprocess.Popen(
            [SERVER], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        while True:
            try:
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                connection.request("GET", "/api/health")
                if connection.getresponse().status == 200:
                    return (time.perf_counter() - started) * 1000
            except OSError:
                pass
            if self.process.poll() is not None:
                sys.exit("the server stopped during start-up")
            if time.perf_counter() - started > 60:
                sys.exit("the server did not answer within 60 s")
            time.sleep(0.001)

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=30)

    def rss_mib(self):
        with open(f"/proc/{self.process.pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
        return float("nan")

    def url(self, path):
        return f"http://127.0.0.1:{self.port}{path}"


class Client:
    """One keep-alive connection."""

    def __init__(self, server):
        self.connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=120)

    def call(self, method, path, body=None, expect=200):
        headers = {"Content-Type": "application/json"} if body is not None else {}
        data = json.dumps(body) if body is not None else None
        started = time.perf_counter()
        self.connection.request(method, path, body=data, headers=headers)
        response = self.connection.getresponse()
        payload = response.read()
        elapsed = (time.perf_counter() - started) * 1000
        if response.status != expect:
            sys.exit(f"{method} {path}: {response.status} {payload[:300]!r}")
        is_json = response.getheader("Content-Type", "").startswith("application/json")
        return (json.loads(payload) if payload and is_json else payload), elapsed


def openssl(*args, stdin=None):
    return subprocess.run(
        ["openssl", *args], input=stdin, capture_output=True, check=True, text=True
    ).stdout


def make_csr(work, index):
    """A DFSP's CSR with the whole DN MCM's validations ask for (RSA 2048)."""
    key = os.path.join(work, f"csr-{index}.key")
    return openssl(
        "req", "-new", "-newkey", "rsa:2048", "-nodes", "-keyout", key,
        "-subj", f"/CN=dfsp{index}.example.com/O=Bank/OU=PKI/L=City/ST=State/C=US",
        "-addext", f"subjectAltName=DNS:dfsp{index}.example.com",
    )


def make_ca_chain(work):
    """A DFSP's CA: a root and an intermediate (RSA 2048), as PEM texts."""
    root_key, root = os.path.join(work, "root.key"), os.path.join(work, "root.pem")
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", root_key, "-out", root,
            "-days", "3650", "-subj", "/CN=Bank Root CA/O=Bank",
            "-addext", "basicConstraints=critical,CA:TRUE",
            "-addext", "keyUsage=critical,keyCertSign,cRLSign")
    inter_key, inter_csr = os.path.join(work, "inter.key"), os.path.join(work, "inter.csr")
    inter = os.path.join(work, "inter.pem")
    openssl("req", "-new", "-newkey", "rsa:2048", "-nodes", "-keyout", inter_key, "-out", inter_csr,
            "-subj", "/CN=Bank Issuing CA/O=Bank")
    extensions = os.path.join(work, "inter.ext")
    with open(extensions, "w") as f:
        f.write("basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,keyCertSign,cRLSign\n")
    openssl("x509", "-req", "-in", inter_csr, "-CA", root, "-CAkey", root_key, "-CAcreateserial",
            "-out", inter, "-days", "1825", "-extfile", extensions)
    return open(root).read(), open(inter).read()


UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def wrk(url, threads, connections, seconds):
    """(requests per second, p50 ms, p99 ms) of wrk on `url`."""
    output = subprocess.run(
        ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency", url],
        capture_output=True, text=True, check=True,
    ).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    def percentile(p):
        value, unit = re.search(rf"^\s+{p}%\s+([\d.]+)(us|ms|s)\s*$", output, re.M).groups()
        return float(value) * UNITS[unit]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if errors:
        sys.exit(f"wrk {url}: {errors.group(1)} failed responses")
    return rate, percentile(50), percentile(99)


def one_connection(server, path, seconds):
    """(requests per second, p50 ms, p99 ms) of requests made one after the other on one
    keep-alive connection for `seconds`, each read to its end. (wrk -c1 reports far fewer
    requests per second here than the latencies allow: it idles between responses of some
    pages; the latencies agree.)"""
    client = Client(server)
    latencies = []
    started = time.perf_counter()
    while time.perf_counter() - started < seconds:
        latencies.append(client.call("GET", path)[1])
    elapsed = time.perf_counter() - started
    latencies.sort()
    def percentile(p):
        return latencies[min(len(latencies) - 1, int(len(latencies) * p / 100))]
    return len(latencies) / elapsed, percentile(50), percentile(99)


def median_of(samples):
    return statistics.median(samples)


# How many fresh databases the start-up figures are the median of.
STARTS = 3


def measure(backend, database_url, seconds, samples):
    """`database_url(name)` is the URL of a new database called `name`."""
    figures = {}
    # Start-up, each on a new database: first on it empty (created and migrated), then on it
    # migrated; the last server stays up for the rest. A median, because one start on an empty
    # database says little: it waits for the disk to sync each migration's commit, which took
    # from 27 to 274 ms on one machine within a few minutes.
    empty, migrated = [], []
    for n in range(STARTS):
        if n:
            server.stop()
        server = Server(database_url(f"bench{n}"))
        empty.append(server.start())
        server.stop()
        migrated.append(server.start())
    figures["start_empty"] = median_of(empty)
    figures["start_migrated"] = median_of(migrated)
    time.sleep(1)
    figures["rss_idle"] = server.rss_mib()
    client = Client(server)

    environment, _ = client.call("POST", "/api/environments", {
        "name": "BENCH", "defaultDN": {"CN": "hub.example.com", "O": "Hub", "OU": "PKI", "C": "US"}})
    env = environment["id"]
    for n in range(1, 6):
        client.call("POST", f"/api/environments/{env}/dfsps",
                    {"dfspId": f"DFSP{n}", "name": f"Bank {n}", "monetaryZoneId": "EUR"})

    figures["dfsps"] = wrk(server.url(f"/api/environments/{env}/dfsps"), 2, 16, seconds)
    figures["portal_16"] = wrk(server.url("/environments"), 2, 16, seconds)
    figures["portal_1"] = one_connection(server, f"/environments/{env}/dfsps", seconds)
    # The machine's speed, to compare tables taken on different machines: the same kind of
    # machine has run two to three times slower on some days. Liveness touches no database.
    figures["live"] = wrk(server.url("/api/health/live"), 2, 16, seconds)
    figures["rss_loaded"] = server.rss_mib()

    # Internal CAs (each becomes the environment's current one): ECDSA P-256, then RSA-4096,
    # which stays current for the signatures below.
    figures["ca_ec"] = median_of([
        client.call("POST", f"/api/environments/{env}/cas",
                    {"csr": {"hosts": ["hub.example.com"], "key": {"algo": "ecdsa", "size": 256}}})[1]
        for _ in range(samples)])
    figures["ca_rsa"] = median_of([
        client.call("POST", f"/api/environments/{env}/cas",
                    {"csr": {"hosts": ["hub.example.com"], "key": {"algo": "rsa", "size": 4096}}})[1]
        for _ in range(max(3, samples // 4))])

    work = tempfile.mkdtemp(prefix="cm-bench-")
    try:
        csrs = [make_csr(work, n) for n in range(samples)]
        root, intermediate = make_ca_chain(work)
    finally:
        shutil.rmtree(work)
    inbound = f"/api/environments/{env}/dfsps/DFSP1/enrollments/inbound"
    uploads, ids = [], []
    for csr in csrs:
        created, elapsed = client.call("POST", inbound, {"clientCSR": csr})
        uploads.append(elapsed)
        ids.append(created["id"])
    figures["csr_upload"] = median_of(uploads)
    figures["sign"] = median_of([client.call("POST", f"{inbound}/{i}/sign")[1] for i in ids])
    figures["ca_chain"] = median_of([
        client.call("POST", f"/api/environments/{env}/dfsps/DFSP2/ca",
                    {"rootCertificate": root, "intermediateChain": intermediate})[1]
        for _ in range(samples)])
    server.stop()
    return figures


def bundle_kib():
    """The browser bundle, gzip -9 and as served (the build's brotli copy): the WebAssembly every
    page loads first, and what a page's first view loads in all (that plus its page group's
    chunks, from the split manifest), smallest and largest group."""
    pkg = "target/site/pkg"
    main_wasm = f"{pkg}/connection-manager.wasm"
    if not os.path.exists(main_wasm):
        return float("nan"), float("nan"), (float("nan"), float("nan")), (float("nan"), float("nan"))

    def gz(path):
        return len(gzip.compress(open(path, "rb").read(), 9))

    def br(path):
        return os.path.getsize(path + ".br") if os.path.exists(path + ".br") else float("nan")

    manifest_path = f"{pkg}/__wasm_split_manifest.json"
    groups = json.load(open(manifest_path)).values() if os.path.exists(manifest_path) else [[]]
    totals_gz = [gz(main_wasm) + sum(gz(f"{pkg}/{chunk}.wasm") for chunk in chunks) for chunks in groups]
    totals_br = [br(main_wasm) + sum(br(f"{pkg}/{chunk}.wasm") for chunk in chunks) for chunks in groups]
    return (gz(main_wasm) / 1024, br(main_wasm) / 1024,
            (min(totals_gz) / 1024, max(totals_gz) / 1024), (min(totals_br) / 1024, max(totals_br) / 1024))


def python_loop_seconds():
    """Seconds a Python loop of 10^7 additions takes: a gauge of the core's speed that owes
    nothing to our code (0.23 s on session 29's machine; docs/performance.md)."""
    started = time.perf_counter()
    total = 0
    for n in range(10**7):
        total += n
    return time.perf_counter() - started


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--mariadb", action="store_true", help="also measure on MariaDB")
    parser.add_argument("--seconds", type=int, default=10, help="length of each wrk run")
    parser.add_argument("--samples", type=int, default=20, help="operations per median")
    args = parser.parse_args()
    if not os.access(SERVER, os.X_OK):
        sys.exit("no release build: run scripts/build (scripts/bench does)")

    loop_seconds = python_loop_seconds()
    runs = []
    work = tempfile.mkdtemp(prefix="cm-bench-db-")
    try:
        runs.append(("SQLite", measure("SQLite", lambda name: f"sqlite://{work}/{name}.db",
                                       args.seconds, args.samples)))
    finally:
        shutil.rmtree(work)
    if args.mariadb:
        base = os.environ.get("TEST_MYSQL_URL", "mysql://root@127.0.0.1:3306").rstrip("/")
        schema = f"cm_bench_{os.getpid()}"
        try:
            runs.append(("MariaDB", measure("MariaDB", lambda name: f"{base}/{schema}_{name}",
                                            args.seconds, args.samples)))
        finally:
            host = re.sub(r"^mysql://([^@]*@)?([^:/]+).*", r"\2", base)
            drops = "".join(f"DROP DATABASE IF EXISTS {schema}_bench{n};" for n in range(STARTS))
            subprocess.run(["mariadb", "-h", host, "-u", "root", "-e", drops], check=False)

    def ours(render):
        return " / ".join(f"{render(f)} ({name})" if len(runs) > 1 else render(f) for name, f in runs)

    main_gz, main_br, first_view_gz, first_view_br = bundle_kib()
    rows = [
        ("`GET /api/environments/{id}/dfsps` with 5 DFSPs, wrk -t2 -c16", "2,790 req/s, p99 12.3 ms",
         ">= 30,000 req/s, p99 <= 2 ms",
         ours(lambda f: f"{f['dfsps'][0]:,.0f} req/s, p99 {f['dfsps'][2]:.2f} ms")),
        ("inbound enrollment sign with an RSA-4096 CA, median", "227 ms", "<= 10 ms",
         ours(lambda f: f"{f['sign']:.1f} ms")),
        ("inbound CSR upload with validations, median", "69 ms", "<= 5 ms",
         ours(lambda f: f"{f['csr_upload']:.1f} ms")),
        ("DFSP CA chain upload with validations, median", "85 ms", "<= 5 ms",
         ours(lambda f: f"{f['ca_chain']:.1f} ms")),
        ("internal CA creation, RSA-4096 / ECDSA P-256, median", "804 ms / -", "<= 400 ms / < 20 ms",
         ours(lambda f: f"{f['ca_rsa']:.0f} ms / {f['ca_ec']:.1f} ms")),
        ("resident memory idle / after the load", "125 / 136 MB", "<= 20 / <= 40 MB",
         ours(lambda f: f"{f['rss_idle']:.0f} / {f['rss_loaded']:.0f} MB")),
        ("start to first 200, migrated / empty database", "1,185 / 1,391 ms", "<= 20 / <= 100 ms",
         ours(lambda f: f"{f['start_migrated']:.0f} / {f['start_empty']:.0f} ms")),
        ("portal `/environments` server-rendered, 16 connections", "-", "p50 <= 2 ms",
         ours(lambda f: f"p50 {f['portal_16'][1]:.2f} ms, {f['portal_16'][0]:,.0f} req/s")),
        ("portal page on one keep-alive connection", "-", "p99 <= 2 ms",
         ours(lambda f: f"p99 {f['portal_1'][2]:.2f} ms, {f['portal_1'][0]:,.0f} req/s")),
        ("browser bundle (wasm), gzip", "-", "<= 250 KB",
         "{:.0f} KB (brotli, as served: {:.0f} KB); a page's first view in all {:.0f}-{:.0f} KB "
         "(brotli {:.0f}-{:.0f} KB)".format(main_gz, main_br, *first_view_gz, *first_view_br)),
    ]
    print()
    print("| figure | reference (Node MCM) | goal | ours |")
    print("|---|---|---|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")
    print()
    print(f"The machine: a Python loop of 10^7 additions {loop_seconds:.2f} s; `GET /api/health/live` "
          "(no database), wrk -t2 -c16: "
          + ours(lambda f: f"{f['live'][0]:,.0f} req/s") + ".")


if __name__ == "__main__":
    main()
