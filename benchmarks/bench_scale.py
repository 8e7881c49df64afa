"""orderbot at the report's 24 chunks and at ~10,000, side by side, in one run.

Prints: retrieval and extractive-answer latency p50/p95 at both sizes; against a real
``orderbot serve`` on the large index, the first request after each of N publishes
against the steady p95, and the server's RSS, open files and threads over the publishes;
a one-file re-ingest against the full ingest; ingest rate against the raw embedding rate
of the same texts; cold start (time to a healthy server at 24 chunks); and a Locust run
(20 users asking without pause) against a real server at 24 chunks. Every figure carries
the load average when it was taken: other work on the machine slows everything.

The large corpus is written by the script: the report itself plus Markdown files of
text from an order-2 Markov chain over the report and the prose on this machine
(licence texts, the docstrings of Python's standard library). It is built once and kept,
with its index, under the cache folder (``--cache``), since embedding 10,000 chunks and
their sentences on 2 cores takes tens of minutes; later runs copy it.

    python benchmarks/bench_scale.py [--chunks 10000] [--publishes 10] [--users 20]
    ORDERBOT_BENCH_CHUNKS=2000 python benchmarks/bench_scale.py   # a smaller large corpus
"""

from __future__ import annotations

import argparse
import ast
import csv
import json
import os
import random
import re
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
from questions import QUESTIONS  # benchmarks/questions.py, beside this script

from orderbot.config import Settings, load_settings
from orderbot.index import build_index
from orderbot.index.embedder import OnnxEmbedder, load_embedder
from orderbot.index.sentences import sentence_texts
from orderbot.ingest import chunk_document, load_corpus
from orderbot.pipeline import Pipeline

ROOT = Path(__file__).resolve().parents[1]
REPORT = ROOT / "corpus" / "toward-a-better-security-order.txt"
GENERATOR_VERSION = 1  # change when the generated corpus changes
BIN = Path(sys.executable).parent
LINES: list[str] = []


def load() -> str:
    return "load " + "/".join(f"{x:.1f}" for x in os.getloadavg())


def say(label: str, text: str) -> None:
    line = f"{label:<44}: {text}  [{load()}]"
    LINES.append(line)
    print(line, flush=True)


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


# --- the generated corpus -------------------------------------------------------------


def source_words() -> list[str]:
    """Prose on this machine: the report, licence texts, the standard library's docstrings."""
    texts = [REPORT.read_text("utf-8")]
    licences = Path("/usr/share/common-licenses")
    if licences.is_dir():
        texts += [
            p.read_text("utf-8", "replace") for p in sorted(licences.iterdir()) if p.is_file()
        ]
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    for path in sorted(stdlib.glob("*.py"))[:400]:
        try:
            tree = ast.parse(path.read_text("utf-8"))
        except (SyntaxError, UnicodeDecodeError):
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.ClassDef | ast.Module):
                doc = ast.get_docstring(node)
                if doc and len(doc) > 200:
                    texts.append(doc)
    words = []
    for text in texts:
        words += [w for w in re.split(r"\s+", text) if re.fullmatch(r"[A-Za-z][\w'’,.;:()-]*", w)]
    return words


def markov_sentences(words: list[str], rng: random.Random) -> Iterator[str]:
    chain: dict[tuple[str, str], list[str]] = defaultdict(list)
    for a, b, c in zip(words, words[1:], words[2:], strict=False):
        chain[(a, b)].append(c)
    starts = [k for k in chain if k[0][0].isupper() and not k[0].endswith(".")]
    while True:
        a, b = rng.choice(starts)
        out = [a, b]
        while len(out) < 45 and not out[-1].endswith(".") and (a, b) in chain:
            a, b = b, rng.choice(chain[(a, b)])
            out.append(b)
        if 8 <= len(out) < 45 and out[-1].endswith("."):
            yield " ".join(out)


def write_corpus(folder: Path, chunks: int, seed: int = 7) -> None:
    """The report and ~``chunks`` chunks of generated Markdown, 20 sections a file."""
    rng = random.Random(seed)
    sentences = markov_sentences(source_words(), rng)
    folder.mkdir(parents=True)
    shutil.copy(REPORT, folder / REPORT.name)
    files = max(1, (chunks - 24) // 20)
    for f in range(files):
        parts = [f"# Annex {f + 1}: {next(sentences).rstrip('.')}"]
        for s in range(20):  # ~1 chunk a section: one paragraph of ~120 words
            parts.append(f"## Section {f + 1}.{s + 1}")
            paragraph: list[str] = []
            while sum(len(p.split()) for p in paragraph) < 110:
                paragraph.append(next(sentences))
            parts.append(" ".join(paragraph))
        (folder / f"annex-{f + 1:04d}.md").write_text("\n\n".join(parts) + "\n", "utf-8")


def settings_for(base: Path) -> Settings:
    return load_settings(
        corpus_dir=base / "corpus",
        index={"root": base / "index"},
        generation={"backend": "extractive"},
    )


def large_index(args: argparse.Namespace, model: OnnxEmbedder) -> Path:
    """The generated corpus and its index, built once and kept under the cache folder."""
    name = settings_for(Path("x")).index.index_name()
    folder = args.cache / f"{args.chunks}-g{GENERATOR_VERSION}-{name}"
    meta = folder / "build.json"
    if meta.is_file():
        return folder
    staging = folder / "staging"
    if not staging.is_dir():
        shutil.rmtree(folder, ignore_errors=True)
        write_corpus(staging, args.chunks)
        (folder / "corpus").mkdir()
    print(f"building the large index in {folder} (once; tens of minutes)", flush=True)
    started = load()
    settings = settings_for(folder)
    seconds = 0.0
    # In steps of ~500 chunks, each one published: a run killed midway keeps what it built.
    files = sorted(staging.iterdir())
    for start in range(0, len(files), 25):
        for path in files[start : start + 25]:
            path.rename(folder / "corpus" / path.name)
        report = build_index(settings, embedder=model)
        seconds += report.seconds
        print(f"  {report.chunks} chunks  [{load()}]", flush=True)
    staging.rmdir()
    meta.write_text(
        json.dumps({"chunks": report.chunks, "seconds": seconds, "load": started}),
        "utf-8",
    )
    return folder


# --- in-process latency ---------------------------------------------------------------


def latency(settings: Settings, model: OnnxEmbedder, label: str, repeat: int) -> None:
    pipeline = Pipeline.from_settings(settings, embedder=model)
    retrieve_ms: list[float] = []
    answer_ms: list[float] = []
    pipeline.ask(QUESTIONS[0])  # warm-up
    for _ in range(repeat):
        model._cache.clear()  # every pass pays for its question embeddings
        for q in QUESTIONS:
            t = time.perf_counter()
            pipeline.retriever.retrieve(q)
            retrieve_ms.append((time.perf_counter() - t) * 1000)
            model._cache.pop(q, None)
            t = time.perf_counter()
            pipeline.ask(q)
            answer_ms.append((time.perf_counter() - t) * 1000)
    chunks = pipeline.manifest.chunks
    pipeline.close()
    say(
        f"retrieval, {chunks} chunks (n={len(retrieve_ms)})",
        f"p50 {pct(retrieve_ms, 0.5):6.1f} ms  p95 {pct(retrieve_ms, 0.95):6.1f} ms",
    )
    say(
        f"extractive answer, {chunks} chunks {label}",
        f"p50 {pct(answer_ms, 0.5):6.1f} ms  p95 {pct(answer_ms, 0.95):6.1f} ms",
    )


# --- a real server --------------------------------------------------------------------


@contextmanager
def server(base: Path, port: int, **env: str) -> Iterator[tuple[subprocess.Popen[bytes], float]]:
    """``orderbot serve`` on ``base``'s index; yields the process and seconds to healthy."""
    environ = {
        **os.environ,
        "ORDERBOT_CORPUS_DIR": str(base / "corpus"),
        "ORDERBOT_INDEX__ROOT": str(base / "index"),
        "ORDERBOT_GENERATION__BACKEND": "extractive",
        "ORDERBOT_SERVER__RATE_LIMIT": "1000000/minute",
        "ORDERBOT_SERVER__DATA_DIR": str(base / "data"),
        **env,
    }
    started = time.perf_counter()
    proc = subprocess.Popen(
        [str(BIN / "orderbot"), "serve", "--port", str(port)],
        env=environ,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        while True:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if proc.poll() is not None:
                raise RuntimeError("orderbot serve exited before it was healthy")
            time.sleep(0.05)
        yield proc, time.perf_counter() - started
    finally:
        proc.terminate()
        proc.wait(30)


def process_figures(pid: int) -> tuple[float, int, int]:
    """RSS (MB), open files, threads of a process."""
    status = Path(f"/proc/{pid}/status").read_text()
    rss = int(re.search(r"VmRSS:\s+(\d+)", status).group(1)) / 1024  # type: ignore[union-attr]
    threads = int(re.search(r"Threads:\s+(\d+)", status).group(1))  # type: ignore[union-attr]
    return rss, len(list(Path(f"/proc/{pid}/fd").iterdir())), threads


def ask(client: httpx.Client, question: str) -> float:
    t = time.perf_counter()
    response = client.post("/api/ask", json={"question": question})
    response.raise_for_status()
    return (time.perf_counter() - t) * 1000


def publishes(large: Path, tmp: Path, args: argparse.Namespace, port: int) -> None:
    base = tmp / "large"
    shutil.copytree(large, base, ignore=shutil.ignore_patterns("build.json"))
    settings = settings_for(base)
    annex = sorted((base / "corpus").glob("annex-*.md"))[0]
    original = annex.read_text("utf-8")
    full = json.loads((large / "build.json").read_text("utf-8"))
    with (
        server(base, port) as (proc, _),
        httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60) as client,
    ):
        for q in QUESTIONS:
            ask(client, q)  # warm-up
        steady = [ask(client, q) for _ in range(4) for q in QUESTIONS]
        p95 = pct(steady, 0.95)
        say(
            f"server steady /api/ask, {full['chunks']} chunks",
            f"p50 {pct(steady, 0.5):.0f} ms  p95 {p95:.0f} ms",
        )
        # The control: a first request after the server sat idle as long as an ingest
        # takes, with nothing published (caches go cold while another process works).
        idle = []
        for q in QUESTIONS[: args.publishes]:
            time.sleep(2.0)
            idle.append(ask(client, q))
        figures = [process_figures(proc.pid)]
        firsts, worst, ingests = [], [], []
        for n in range(1, args.publishes + 1):
            annex.write_text(
                original.replace("## Section 1.1\n", f"## Section 1.1 (revision {n})\n"), "utf-8"
            )
            if n == 1:  # as an operator runs it: a new process, the model loaded lazily
                t = time.perf_counter()
                env = {
                    **os.environ,
                    "ORDERBOT_CORPUS_DIR": str(base / "corpus"),
                    "ORDERBOT_INDEX__ROOT": str(base / "index"),
                }
                subprocess.run(
                    [str(BIN / "orderbot"), "ingest"],
                    env=env,
                    check=True,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
                cli = time.perf_counter() - t
            else:
                ingests.append(build_index(settings).seconds)
            during = []
            until = time.monotonic() + args.window
            while time.monotonic() < until:
                during.append(ask(client, QUESTIONS[len(during) % len(QUESTIONS)]))
            firsts.append(during[0])
            worst.append(max(during))
            figures.append(process_figures(proc.pid))
    say(
        f"first request after a publish (n={len(firsts)})",
        f"median {pct(firsts, 0.5):.0f} ms  max {max(firsts):.0f} ms  vs steady p95 {p95:.0f} ms",
    )
    say(
        f"first request after 2 s idle, no publish (n={len(idle)})",
        f"median {pct(idle, 0.5):.0f} ms  max {max(idle):.0f} ms",
    )
    say(
        f"slowest request {args.window:.0f} s after a publish",
        f"median {pct(worst, 0.5):.0f} ms  max {max(worst):.0f} ms",
    )
    rss, files = figures[-1][0] / figures[1][0], figures[-1][1] / figures[1][1]
    say(
        f"server over {args.publishes} publishes (RSS MB/files/threads)",
        " → ".join(f"{r:.0f}/{o}/{t}" for r, o, t in figures[:: max(1, len(figures) // 5)])
        + f"  (last/after the first: RSS {rss:.2f}x, files {files:.2f}x)",
    )
    say(
        f"re-ingest, 1 file changed, {full['chunks']} chunks",
        f"`orderbot ingest` {cli:.1f} s (new process, model loaded);  in-process "
        f"median {pct(ingests, 0.5):.2f} s;  full ingest {full['seconds']:.0f} s [{full['load']}]",
    )


def cold_start(small: Path, port: int) -> None:
    times = []
    for _ in range(2):
        with server(small, port) as (_, seconds):
            times.append(seconds)
    say("cold start to a healthy server, 24 chunks", " ".join(f"{t:.1f} s" for t in times))


def locust(small: Path, tmp: Path, args: argparse.Namespace, port: int) -> None:
    prefix = tmp / "locust"
    with server(small, port):
        subprocess.run(
            [
                str(BIN / "locust"),
                "-f",
                str(ROOT / "benchmarks" / "locustfile.py"),
                "--headless",
                "-u",
                str(args.users),
                "-r",
                str(args.users),
                "-t",
                f"{args.locust_seconds}s",
                "--host",
                f"http://127.0.0.1:{port}",
                "--csv",
                str(prefix),
                "--only-summary",
            ],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    with (tmp / "locust_stats.csv").open() as handle:
        row = next(r for r in csv.DictReader(handle) if r["Name"] == "Aggregated")
    say(
        f"Locust, {args.users} users, {args.locust_seconds} s, 24 chunks",
        f"p50 {row['50%']} ms  p95 {row['95%']} ms  {float(row['Requests/s']):.1f} answers/s  "
        f"{row['Request Count']} requests, {row['Failure Count']} errors",
    )


def ingest_rate(tmp: Path, model: OnnxEmbedder, files: int) -> None:
    """Ingest throughput against the model's rate on the very texts it embeds."""
    base = tmp / "rate"
    write_corpus(base / "corpus", files * 20 + 24, seed=11)
    settings = settings_for(base)
    chunks = [
        c
        for d in load_corpus(settings.corpus_dir).documents
        for c in chunk_document(d, settings.index.chunk_size)
    ]
    texts = [c.embed_text for c in chunks] + [t for c in chunks for t in sentence_texts(c)]
    fresh = load_embedder(model.name, load_settings().generation.cache_dir())  # an empty cache
    t = time.perf_counter()
    fresh.embed(texts)
    raw = len(chunks) / (time.perf_counter() - t)
    model = load_embedder(model.name, load_settings().generation.cache_dir())  # empty again
    report = build_index(settings, embedder=model)
    ingest = report.chunks / report.seconds
    say(
        f"ingest rate, {report.chunks} chunks",
        f"{ingest:.1f} chunks/s vs raw embedding {raw:.1f} chunks/s "
        f"({len(texts)} texts: chunks and sentences) = {ingest / raw:.2f}x",
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--chunks", type=int, default=int(os.environ.get("ORDERBOT_BENCH_CHUNKS", 10_000))
    )
    parser.add_argument(
        "--cache",
        type=Path,
        default=Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "orderbot-bench",
    )
    parser.add_argument("--repeat", type=int, default=3, help="passes over the questions")
    parser.add_argument("--publishes", type=int, default=10)
    parser.add_argument(
        "--window", type=float, default=6.0, help="seconds of requests after a publish"
    )
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--locust-seconds", type=int, default=60)
    parser.add_argument(
        "--rate-files", type=int, default=15, help="files (20 chunks each) for the ingest rate"
    )
    parser.add_argument("--port", type=int, default=7911)
    parser.add_argument(
        "--skip",
        nargs="*",
        default=[],
        choices=["latency", "large", "publish", "cold", "locust", "rate"],
    )
    args = parser.parse_args()

    model = load_embedder("all-MiniLM-L6-v2", load_settings().generation.cache_dir())
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        small = tmp / "small"
        shutil.copytree(ROOT / "corpus", small / "corpus")
        build_index(settings_for(small), embedder=model)
        if "latency" not in args.skip:
            latency(settings_for(small), model, f"(n={args.repeat * len(QUESTIONS)})", args.repeat)
        if "large" not in args.skip:
            large = large_index(args, model)
            if "latency" not in args.skip:
                n = args.repeat * len(QUESTIONS)
                latency(settings_for(large), model, f"(n={n})", args.repeat)
            if "publish" not in args.skip:
                publishes(large, tmp, args, args.port)
        if "cold" not in args.skip:
            cold_start(small, args.port + 1)
        if "locust" not in args.skip:
            locust(small, tmp, args, args.port + 2)
        if "rate" not in args.skip:
            ingest_rate(tmp, model, args.rate_files)
    print(f"\nmachine: {os.cpu_count()} cores")
    print("\n".join(LINES))


if __name__ == "__main__":
    main()
