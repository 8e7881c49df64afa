"""The questions the latency benchmarks ask (bench_pipeline, bench_scale and its Locust
file): facts, a footnoted source, reasoning, a list, and one the documents do not cover."""

QUESTIONS = [
    "How many proposals are in the package?",
    "What did Blinken say about the rules-based order?",
    "Why is a multi-order world more dangerous than the Cold War?",
    "Which variable covers artificial intelligence?",
    "What are the three categories of proposals?",
    "When did Guterres speak in Munich?",
    "What is the RBIO accused of?",
    "What is a good recipe for banana bread?",
]
