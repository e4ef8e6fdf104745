"""Web benchmark: a patient's journey page (/portal/) against a no-op view (/ping), same server, same run.

Demo data on SQLite (BENCH_WEB_N journeys, default 100000), the app behind `carejourney serve` (gunicorn,
BENCH_WEB_WORKERS workers, DJANGO_DEBUG=0), a demo patient signed in. Each page is driven for
BENCH_WEB_SECONDS by BENCH_WEB_CLIENTS client threads, alternating the two pages in rounds so both see the
same machine; reports requests/s, the journey page's share of the no-op's rate (target >= 50 %) and
p50/p99 latency. The headline runs as deployed (per-process view cache on); a second server in the same
run has CAREJOURNEY_VIEW_CACHE=0, so the cost of composing the journey on every request is reported too.
Writes bench/results/web.json.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent
N = int(os.environ.get("BENCH_WEB_N", "100000"))
SECONDS = float(os.environ.get("BENCH_WEB_SECONDS", "8"))
CLIENTS = int(os.environ.get("BENCH_WEB_CLIENTS", "4"))
WORKERS = int(os.environ.get("BENCH_WEB_WORKERS", "2"))
ROUNDS = int(os.environ.get("BENCH_WEB_ROUNDS", "2"))
PATIENT = "patient-preparation@riverside.demo.carejourney.test"


def log(msg: str) -> None:
    print(f"web bench: {msg}", file=sys.stderr, flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def request(port: int, method: str, path: str, cookies: dict[str, str], body: str | None = None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items()), "Host": "127.0.0.1"}
    if body is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        headers["Referer"] = f"http://127.0.0.1:{port}/accounts/login/"
    conn.request(method, path, body=body, headers=headers)
    resp = conn.getresponse()
    data = resp.read()
    for name, value in resp.getheaders():
        if name.lower() == "set-cookie":
            key, _, rest = value.partition("=")
            cookies[key] = rest.split(";")[0]
    conn.close()
    return resp.status, resp.getheader("Location"), data


def sign_in(port: int) -> dict[str, str]:
    from urllib.parse import urlencode

    cookies: dict[str, str] = {}
    _, _, page = request(port, "GET", "/accounts/login/", cookies)
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1).decode()
    body = urlencode({"csrfmiddlewaretoken": token, "username": PATIENT, "password": "demo-journey-2026"})
    status, location, _ = request(port, "POST", "/accounts/login/", cookies, body)
    assert status == 302 and "sessionid" in cookies, f"sign-in failed: {status} {location}"
    status, _, page = request(port, "GET", "/portal/", cookies)
    assert status == 200 and b"You are at step" in page, "the journey page did not render"
    return cookies


def drive(port: int, path: str, cookies: dict[str, str], seconds: float) -> list[float]:
    latencies: list[float] = []
    lock = threading.Lock()
    stop = time.perf_counter() + seconds

    def worker():
        mine = []
        while time.perf_counter() < stop:
            start = time.perf_counter()
            status, _, _ = request(port, "GET", path, dict(cookies))
            mine.append(time.perf_counter() - start)
            assert status == 200, f"{path}: HTTP {status}"
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=worker) for _ in range(CLIENTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return latencies


def summarise(latencies: list[float], seconds: float) -> dict[str, float]:
    ordered = sorted(latencies)
    return {
        "requests": len(ordered),
        "requests_per_s": round(len(ordered) / seconds, 1),
        "p50_ms": round(statistics.median(ordered) * 1000, 2),
        "p99_ms": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000, 2),
    }


def start_server(env: dict[str, str]) -> subprocess.Popen:
    port = free_port()
    server = subprocess.Popen([str(BIN / "carejourney"), "serve", "--host", "127.0.0.1", "--port", str(port),
                               "--workers", str(WORKERS)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    server.port = port  # type: ignore[attr-defined]
    for _ in range(300):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return server
        except OSError:
            time.sleep(0.1)
    stop_server(server)
    raise RuntimeError("the server did not start")


def stop_server(server: subprocess.Popen) -> None:
    server.terminate()
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.kill()


def measure(port: int, label: str) -> tuple[dict[str, float], dict[str, float]]:
    cookies = sign_in(port)
    drive(port, "/ping", cookies, 1.0)  # warm every worker
    drive(port, "/portal/", cookies, 1.0)
    noop: list[float] = []
    page: list[float] = []
    for r in range(ROUNDS):
        log(f"{label}round {r + 1}/{ROUNDS}: /ping then /portal/, {SECONDS:.0f} s each, {CLIENTS} clients")
        noop += drive(port, "/ping", cookies, SECONDS)
        page += drive(port, "/portal/", cookies, SECONDS)
    return summarise(noop, SECONDS * ROUNDS), summarise(page, SECONDS * ROUNDS)


def main() -> int:
    data_dir = Path(tempfile.mkdtemp(prefix="carejourney-webbench-"))
    env = {**os.environ, "CAREJOURNEY_DATA_DIR": str(data_dir), "DJANGO_DEBUG": "0",
           "DJANGO_SECRET_KEY": secrets.token_urlsafe(40), "DJANGO_ALLOWED_HOSTS": "127.0.0.1"}
    env.pop("DATABASE_URL", None)
    server = None
    try:
        subprocess.run([str(BIN / "carejourney"), "init"], env=env, check=True, stdout=subprocess.DEVNULL)
        log(f"generating {N} demo journeys on SQLite...")
        start = time.perf_counter()
        subprocess.run([str(BIN / "carejourney"), "demo", "--patients", str(N)], env=env, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        log(f"generated in {time.perf_counter() - start:.1f} s")
        result = {"journeys": N, "workers": WORKERS, "clients": CLIENTS, "seconds_each": SECONDS * ROUNDS,
                  "database": "sqlite", "target_share": 0.5}
        for label, cache in (("", "1"), ("uncached_", "0")):
            server = start_server({**env, "CAREJOURNEY_VIEW_CACHE": cache})
            try:
                noop, page = measure(server.port, "cache on: " if cache == "1" else "cache off: ")
            finally:
                stop_server(server)
                server = None
            result[f"{label}noop"] = noop
            result[f"{label}journey_page"] = page
            result[f"{label}journey_page_share_of_noop"] = round(page["requests_per_s"] / noop["requests_per_s"], 3)
        (HERE / "results").mkdir(exist_ok=True)
        (HERE / "results" / "web.json").write_text(json.dumps(result, indent=2) + "\n")
        print(json.dumps(result, indent=2))
        return 0
    finally:
        if server is not None:
            stop_server(server)
        shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
