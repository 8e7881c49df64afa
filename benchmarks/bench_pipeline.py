"""Ingest throughput and query latency, printed as figures (not a timed test).

Ingest throughput (chunks/s, parse + chunk + embed + store, fresh index) is shown beside
the raw embedding throughput of the same model on the same texts (each chunk and its
sentences) in the same run, so the
ratio says what the pipeline costs on top of the model. Query latency p50/p95 is for
retrieval alone and for a whole answer, and the time to the first checked sentence, with
the quoting backend unless ``--generator`` names another (``--judge`` turns coverage's
yes/no judge on: ``off`` or ``local:MODEL``; ``--questions eval`` asks the evaluation's
test questions instead of the short list, ``--sample N`` of them).

    python benchmarks/bench_pipeline.py [--repeat N] [--corpus DIR] [--generator NAME]
        [--judge NAME] [--questions short|eval] [--sample N]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from questions import QUESTIONS  # benchmarks/questions.py, beside this script

from orderbot.config import load_settings
from orderbot.eval.metrics import percentile
from orderbot.generate.evidence import Evidence
from orderbot.index import build_index
from orderbot.index.embedder import load_embedder
from orderbot.index.sentences import sentence_texts
from orderbot.ingest import chunk_document, load_corpus
from orderbot.pipeline import Pipeline


def pct(values: list[float], q: float) -> float:
    """The evaluation's own percentile (nearest rank), so both report the same thing."""
    return percentile(values, q) or 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="passes over the questions")
    parser.add_argument("--corpus", type=Path, default=Path("corpus"))
    parser.add_argument("--generator", default="extractive", help="answer backend")
    parser.add_argument("--judge", default=None, help="coverage.judge (default: settings')")
    parser.add_argument("--questions", choices=["short", "eval"], default="short")
    parser.add_argument("--sample", type=int, default=0, help="eval questions asked (0: all)")
    args = parser.parse_args()
    questions = QUESTIONS
    if args.questions == "eval":
        from orderbot.eval.qa import load_qa

        test = [q for q in load_qa(Path("eval/qa.jsonl")) if q.split == "test" and not q.history]
        n = args.sample if 0 < args.sample < len(test) else len(test)
        questions = [test[i * len(test) // n].question for i in range(n)]  # as eval --sample
    coverage = {} if args.judge is None else {"judge": args.judge}

    embedder = load_embedder("all-MiniLM-L6-v2", load_settings().generation.cache_dir())
    with tempfile.TemporaryDirectory() as tmp:
        settings = load_settings(
            corpus_dir=args.corpus,
            index={"root": Path(tmp)},
            generation={"backend": args.generator},  # default: quoting, not the default model
            coverage=coverage,
        )
        chunks = [
            c
            for d in load_corpus(settings.corpus_dir).documents
            for c in chunk_document(d, settings.index.chunk_size)
        ]
        # What an ingest embeds: each chunk and each of its sentences (stored for answers).
        texts = [c.embed_text for c in chunks] + [t for c in chunks for t in sentence_texts(c)]
        raw = 0.0
        for _ in range(3):  # best of three: the model alone, no cache
            t = time.perf_counter()
            embedder._encode(texts)  # batched by the embedder, no cache
            raw = max(raw, len(chunks) / (time.perf_counter() - t))

        ingest = 0.0
        for attempt in range(3):  # best of three fresh indexes
            embedder._cache.clear()
            fresh = settings.model_copy(
                update={
                    "index": settings.index.model_copy(update={"root": Path(tmp) / str(attempt)})
                }
            )
            report = build_index(fresh, embedder=embedder)
            ingest = max(ingest, report.chunks / report.seconds)
        settings = fresh

        pipeline = Pipeline.from_settings(settings, embedder=embedder)
        retrieve_ms: list[float] = []
        answer_ms: list[float] = []
        first_ms: list[float] = []
        judge_ms: list[float] = []
        if pipeline.yes_no is not None:  # time each question the judge is asked
            p_yes = pipeline.yes_no.p_yes

            def timed(evidence: Evidence) -> float:
                t = time.perf_counter()
                try:
                    return p_yes(evidence)
                finally:
                    judge_ms.append((time.perf_counter() - t) * 1000)

            pipeline.yes_no.p_yes = timed  # type: ignore[method-assign]
        pipeline.ask(questions[0])  # warm-up
        judge_ms.clear()
        for _ in range(args.repeat):
            embedder._cache.clear()  # every pass pays for its embeddings
            for q in questions:
                t = time.perf_counter()
                pipeline.retriever.retrieve(q)
                retrieve_ms.append((time.perf_counter() - t) * 1000)
                t = time.perf_counter()
                answer = pipeline.ask(q)
                answer_ms.append((time.perf_counter() - t) * 1000)
                first_ms.append(answer.timings_ms.first_sentence or answer.timings_ms.total)

    print(f"corpus: {report.documents} documents, {report.chunks} chunks")
    print(f"raw embedding throughput : {raw:8.1f} chunks/s")
    print(f"ingest throughput        : {ingest:8.1f} chunks/s  ({ingest / raw:.2f}x raw)")
    print(
        f"retrieval latency  (n={len(retrieve_ms)}): p50 {pct(retrieve_ms, 0.5):6.1f} ms  "
        f"p95 {pct(retrieve_ms, 0.95):6.1f} ms"
    )
    print(
        f"{args.generator[:18]:18s} (n={len(answer_ms)}): p50 {pct(answer_ms, 0.5):6.1f} ms  "
        f"p95 {pct(answer_ms, 0.95):6.1f} ms  mean {statistics.fmean(answer_ms):6.1f} ms"
    )
    print(
        f"first sentence     (n={len(first_ms)}): p50 {pct(first_ms, 0.5):6.1f} ms  "
        f"p95 {pct(first_ms, 0.95):6.1f} ms  (coverage judge: {settings.coverage.judge})"
    )
    if judge_ms:
        print(
            f"judged questions   (n={len(judge_ms)} of {len(answer_ms)}): p50 "
            f"{pct(judge_ms, 0.5):6.1f} ms  mean {statistics.fmean(judge_ms):6.1f} ms a question"
        )


if __name__ == "__main__":
    main()
