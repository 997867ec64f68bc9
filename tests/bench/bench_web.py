"""Studio web app figures (issue 13): the JavaScript the sign-in page loads, and how soon it is usable.

    python -m tests.bench.bench_web        (or `make bench`, which runs every benchmark; needs `make web`)

One `cozeplus serve` (embedded defaults) serving the built web/dist, driven by headless Chromium from
Debian's package (/usr/bin/chromium) through Playwright. Each run opens a fresh browser context (empty
cache, no cookies) and loads /sign-in:

- JavaScript shipped: every script response the page received (from the browser's network events,
  so only the chunks this page really loads, not the whole dist), as transferred (the server's gzip)
  and as `gzip -9` of the decoded bodies, for reference.
- Time to an interactive sign-in page: from navigation start (the page's time origin) until the
  e-mail field and the enabled "Sign in" button are in the document, read in the page with
  performance.now() on the first animation frame that has them. The second load in the same context
  (assets from the browser cache, index.html revalidated) is reported too.
- Baselines in the same run: one bare API request (`POST /api/passport/account/info/v2/` without a
  session, answered 401 by the full middleware chain) from this process with httpx, and the same
  request made from inside the page with fetch().

Knobs (environment): COZEPLUS_BENCH_WEB_RUNS (7).
"""

from __future__ import annotations

import gzip
import os
import statistics
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from tests.support.served import served_app

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
]
INTERACTIVE = """() => {
  const email = document.querySelector('input[name="email"]');
  const button = [...document.querySelectorAll('button[type="submit"]')].find((b) => !b.disabled);
  return email && button ? performance.now() : null;
}"""
API_FROM_PAGE = """async () => {
  const t0 = performance.now();
  await fetch('/api/passport/account/info/v2/', {method: 'POST',
    headers: {'content-type': 'application/json'}, body: '{}', credentials: 'same-origin'});
  return performance.now() - t0;
}"""


@dataclass
class Run:
    cold_ms: float
    warm_ms: float
    page_fetch_ms: float
    scripts: dict[str, tuple[int, int]] = field(default_factory=dict)  # url -> (transferred, gzip -9)


def _median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def one_run(browser, base_url: str) -> Run:  # type: ignore[no-untyped-def]
    context = browser.new_context(base_url=base_url, viewport={"width": 1280, "height": 800})
    page = context.new_page()
    scripts: dict[str, tuple[int, int]] = {}

    def on_response(response) -> None:  # type: ignore[no-untyped-def]
        if response.request.resource_type == "script":
            body = response.body()
            sent = response.request.sizes()["responseBodySize"]
            scripts[response.url] = (sent, len(gzip.compress(body, 9)))

    page.on("response", on_response)
    page.goto("/sign-in")
    cold = float(page.wait_for_function(INTERACTIVE, polling="raf").json_value())
    page.wait_for_load_state("networkidle")
    page.remove_listener("response", on_response)
    page_fetch = float(page.evaluate(API_FROM_PAGE))
    page.goto("/sign-in")
    warm = float(page.wait_for_function(INTERACTIVE, polling="raf").json_value())
    context.close()
    return Run(cold, warm, page_fetch, scripts)


def api_baseline(base_url: str, rounds: int) -> list[float]:
    times = []
    with httpx.Client(base_url=base_url, headers={"origin": base_url}) as client:
        client.post("/api/passport/account/info/v2/", json={})  # connection up, caches warm
        for _ in range(rounds):
            t0 = time.perf_counter()
            client.post("/api/passport/account/info/v2/", json={})
            times.append((time.perf_counter() - t0) * 1000)
    return times


def main() -> int:
    runs_wanted = int(os.environ.get("COZEPLUS_BENCH_WEB_RUNS", "7"))
    if not Path(CHROMIUM).exists():
        print(f"skipped: {CHROMIUM} is missing (apt-get install chromium)")
        return 0
    if not (ROOT / "web" / "dist" / "index.html").exists():
        print("web/dist is not built: run `make web` first")
        return 1
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp, served_app("embedded", Path(tmp)) as served:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
            one_run(browser, served.base_url)  # warm-up: the server's first requests, the OS caches
            runs = [one_run(browser, served.base_url) for _ in range(runs_wanted)]
            browser.close()
        api_ms = api_baseline(served.base_url, rounds=runs_wanted * 5)

    scripts = runs[-1].scripts
    print(f"chromium {CHROMIUM}, {runs_wanted} runs (after one warm-up), fresh context per run")
    print("\nJavaScript loaded by /sign-in (last run):")
    for url, (sent, best) in sorted(scripts.items()):
        name = url.rsplit("/", 1)[-1]
        print(f"  {name:<36} transferred {sent / 1024:7.1f} KiB   gzip -9 {best / 1024:7.1f} KiB")
    sent_total = sum(s for s, _ in scripts.values())
    best_total = sum(b for _, b in scripts.values())
    print(f"  {'total':<36} transferred {sent_total / 1024:7.1f} KiB   gzip -9 {best_total / 1024:7.1f} KiB")
    cold = [r.cold_ms for r in runs]
    warm = [r.warm_ms for r in runs]
    fetch_ms = [r.page_fetch_ms for r in runs]
    print("\ntime to an interactive sign-in page (ms from navigation start):")
    print(f"  cold cache   median {_median(cold):7.1f}   min {min(cold):7.1f}   max {max(cold):7.1f}")
    print(f"  warm cache   median {_median(warm):7.1f}   min {min(warm):7.1f}   max {max(warm):7.1f}")
    print("baseline, a bare API request (POST /api/passport/account/info/v2/, 401):")
    print(f"  httpx        median {_median(api_ms):7.2f}   min {min(api_ms):7.2f}")
    print(f"  page fetch() median {_median(fetch_ms):7.2f}   min {min(fetch_ms):7.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
