"""Load, measured with Locust: 50 visitors against one ``orderbot serve`` replica and
against two, with the extractive backend and with a model server (``orderbot model
serve``), printing p50/p95/max latency, time to the first sentence, errors and answers
per second for each.

Everything runs on 127.0.0.1 from a copy of the corpus in a temporary folder. The rate
limit is raised for the run (every visitor comes from 127.0.0.1) and the model timeout
lengthened (questions queue at the model server rather than fall back). With the
extractive backend visitors read each answer for 2-8 s before the next question, for
``--seconds``; with the model server each of the 50 visitors asks one question at once
(the model writes at most ``--max-tokens``), and every answer is waited for
(``--stop-timeout``).

    python benchmarks/bench_replicas.py [--users 50] [--seconds 60] [--model smollm2-135m]
        [--only extractive|model] [--replicas 1,2]
"""

from __future__ import annotations

import argparse
import csv
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
LOCUSTFILE = Path(__file__).with_name("locust_visitors.py")


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def wait_for(url: str, process: subprocess.Popen[bytes], seconds: float = 300) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"{url}: the process exited with {process.returncode}")
        try:
            if httpx.get(url, timeout=5).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.5)
    raise SystemExit(f"{url} did not come up")


def start(command: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as out:
        return subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)


def stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=30)


def run_locust(
    replicas: list[str], users: int, seconds: int, stop_timeout: int, out: Path, *, once: bool
) -> dict[str, dict[str, str]]:
    env = {**os.environ, "ORDERBOT_BENCH_REPLICAS": ",".join(replicas)}
    if once:
        env["ORDERBOT_BENCH_ONCE"] = "1"
    command = [
        str(BIN / "locust"), "-f", str(LOCUSTFILE), "--headless", "-u", str(users),
        "-r", str(users), "-t", f"{seconds}s", "--stop-timeout", str(stop_timeout),
        "--csv", str(out), "--only-summary", "--loglevel", "ERROR",
    ]  # fmt: skip
    subprocess.run(command, env=env, check=False, stdout=subprocess.DEVNULL)
    with Path(f"{out}_stats.csv").open(encoding="utf-8") as handle:
        return {row["Name"]: row for row in csv.DictReader(handle)}


def summary(label: str, stats: dict[str, dict[str, str]], seconds: float) -> str:
    whole = stats.get("whole answer", {})
    first = stats.get("first sentence", {})
    answers = int(whole.get("Request Count", 0)) - int(whole.get("Failure Count", 0))
    generators = ", ".join(
        f"{name.removeprefix('generator: ')} {row['Request Count']}"
        for name, row in stats.items()
        if name.startswith("generator: ")
    )
    return (
        f"| {label} | {whole.get('Request Count', 0)} | {whole.get('Failure Count', 0)} "
        f"| {whole.get('50%', '-')} | {whole.get('95%', '-')} "
        f"| {round(float(whole.get('Max Response Time', 0)))} "
        f"| {first.get('50%', '-')} | {first.get('95%', '-')} "
        f"| {answers / seconds:.2f} | {generators} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--stop-timeout", type=int, default=900)
    parser.add_argument("--model", default="smollm2-135m")
    parser.add_argument("--parallel", type=int, default=2, help="model server slots")
    parser.add_argument("--max-tokens", type=int, default=64, help="most tokens an answer")
    parser.add_argument("--only", choices=["extractive", "model"])
    parser.add_argument("--replicas", default="1,2")
    args = parser.parse_args()

    base = Path(tempfile.mkdtemp(prefix="orderbot-bench-"))
    shutil.copytree(ROOT / "corpus", base / "corpus")
    env = {
        **os.environ,
        "ORDERBOT_CORPUS_DIR": str(base / "corpus"),
        "ORDERBOT_INDEX__ROOT": str(base / "index"),
        "ORDERBOT_SERVER__DATA_DIR": str(base / "data"),
        "ORDERBOT_SERVER__RATE_LIMIT": "1000000/minute",
        "ORDERBOT_GENERATION__TIMEOUT": str(args.stop_timeout),
        "GRADIO_ANALYTICS_ENABLED": "False",
    }
    subprocess.run([str(BIN / "orderbot"), "ingest"], env=env, check=True, capture_output=True)
    rows = []
    model_server = None
    try:
        for backend in ["extractive", "model"]:
            if args.only and backend != args.only:
                continue
            backend_env = {**env, "ORDERBOT_GENERATION__BACKEND": "extractive"}
            if backend == "model":
                port = free_port()
                model_server = start(
                    [str(BIN / "orderbot"), "model", "serve", args.model, "--port", str(port),
                     "--parallel", str(args.parallel)],
                    env, base / "model.log",
                )  # fmt: skip
                wait_for(f"http://127.0.0.1:{port}/health", model_server)
                backend_env["ORDERBOT_GENERATION__BACKEND"] = (
                    f"openai:{args.model}@http://127.0.0.1:{port}/v1"
                )
                backend_env["ORDERBOT_GENERATION__MAX_TOKENS"] = str(args.max_tokens)
            for count in [int(n) for n in args.replicas.split(",")]:
                replicas, urls = [], []
                try:
                    for i in range(count):
                        port = free_port()
                        urls.append(f"http://127.0.0.1:{port}")
                        replicas.append(
                            start(
                                [str(BIN / "orderbot"), "serve", "--port", str(port)],
                                backend_env,
                                base / f"replica-{backend}-{count}-{i}.log",
                            )
                        )
                    for url, process in zip(urls, replicas, strict=True):
                        wait_for(f"{url}/api/health", process)
                        for _ in range(3):  # first answers load what later ones reuse
                            httpx.post(f"{url}/api/ask", json={"question": "Why?"}, timeout=900)
                    started = time.monotonic()
                    stats = run_locust(
                        urls, args.users, args.seconds, args.stop_timeout,
                        base / f"locust-{backend}-{count}", once=backend == "model",
                    )  # fmt: skip
                    elapsed = time.monotonic() - started
                    name = f"model server {args.model}" if backend == "model" else backend
                    label = f"{name}, {count} replica{'s' if count > 1 else ''}"
                    rows.append(summary(label, stats, elapsed))
                    print(rows[-1], flush=True)
                finally:
                    for process in replicas:
                        stop(process)
            if model_server is not None:
                stop(model_server)
                model_server = None
    finally:
        if model_server is not None:
            stop(model_server)
    print()
    print(
        f"{args.users} visitors, {args.seconds} s of new questions, {os.cpu_count()} CPUs; "
        "times in ms"
    )
    print(
        "| run | questions | errors | p50 | p95 | max | first sentence p50 | "
        "first sentence p95 | answers/s | answered by |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
    for row in rows:
        print(row)
    shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
