"""The generate stage through Snakemake vs a bare vLLM script: same prompts, model, sampling; both engines.

    python benchmarks/bench_generate.py [--model-dir DIR] [--batches 8] [--batch-size 4] [--n 2]
                                        [--max-new-tokens 16] [--engines offline server] [--repeats 1]

For each engine, side by side in one invocation:
  * snakemake: a temp copy of the workflow (Snakefile, rules/, scripts/, config/) with one model and a
    dataset of batches x batch-size prompts, `batches_per_job` = batches (one generate job, one model
    load), targets = that job's batch files; timed from `snakemake` start to exit;
  * bare: the few lines a user would write: offline `LLM(...).chat(messages, [SamplingParams(n=1, seed=...)])`,
    server `python -m vllm.entrypoints.openai.api_server` + threaded /v1/chat/completions; timed from
    interpreter start to exit;
Same seeds (one per sample, `sample_seed(sampling.seed, row, j)`) on both sides, so both sides generate the
same tokens; the JSON
records whether responses are identical. Overhead ratio = snakemake seconds / bare seconds (medians over
`--repeats` runs in alternating order; each run records the load average, as the machine may be shared). Writes
benchmarks/results/bench_generate.json. Needs the vLLM CPU build (or a GPU build and `--gpus 1`).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from difficulty_filter.demo.workflow import copy_workflow
from difficulty_filter.generation.seeds import sample_seed

ROOT = Path(__file__).resolve().parents[1]
DEMO_MODEL = ROOT / "resources" / "models" / "SmolLM2-135M-Instruct"


def make_dataset(path: Path, rows: int) -> None:
    pq.write_table(
        pa.Table.from_pylist(
            [
                {
                    "data_source": "math__bench",
                    "apply_chat_template": True,
                    "prompt": [{"role": "user", "content": f"What is {i} + {2 * i + 1}? Explain briefly."}],
                    "reward_model": {"style": "rule", "ground_truth": str(3 * i + 1)},
                    "extra_info": {"index": i},
                }
                for i in range(rows)
            ]
        ),
        path,
    )


def config_for(args, engine: str, dataset: Path) -> dict:
    model = {
        "path": str(args.model_dir),
        "engine": engine,
        "dtype": args.dtype,
        "max_model_len": 1024,
        "gpus_per_job": args.gpus,
        "gpu_memory_utilization": args.gpu_memory_utilization,
        "enforce_eager": True,
    }
    return {
        "results_dir": "results",
        "datasets": {"bench": str(dataset)},
        "models": {"m": model},
        "sampling": {
            "n": args.n,
            "temperature": 1.0,
            "top_p": 0.9,
            "top_k": 50,
            "repetition_penalty": 1.0,
            "max_new_tokens": args.max_new_tokens,
            "seed": 1234,
        },
        "prompts": {"max_prompt_length": 512, "truncation": "left"},
        "batching": {"batch_size": args.batch_size, "batches_per_job": args.batches},
        "reward": {"workers": 1},
        "filter": {"low": {"model": "m", "threshold": 0.0}, "high": None},
    }


def timed(cmd: list[str], cwd: Path, log: Path) -> dict:
    """Wall seconds of `cmd`, with the 1-minute load average before and after (the machine may be shared)."""
    load_before = os.getloadavg()[0]
    start = time.monotonic()
    with open(log, "w") as fh:
        proc = subprocess.run(cmd, cwd=cwd, stdout=fh, stderr=subprocess.STDOUT)
    seconds = time.monotonic() - start
    if proc.returncode:
        raise SystemExit(f"{' '.join(cmd)} failed (exit {proc.returncode}); see {log}")
    return {"seconds": round(seconds, 2), "load_before": load_before, "load_after": os.getloadavg()[0]}


def snakemake_side(args, engine: str, work: Path) -> dict:
    targets = [f"results/bench/m/generations/batch_s00000_p{p:03d}.parquet" for p in range(args.batches)]
    cmd = [
        str(Path(sys.executable).parent / "snakemake"),
        *targets,
        "--cores",
        str(args.cores),
        "--resources",
        "gpu=1",
        "--rerun-incomplete",
    ]
    shutil.rmtree(work / "results", ignore_errors=True)  # outputs and the resume cache: a cold run
    run = timed(cmd, work, work / "snakemake.log")
    table = pa.concat_tables([pq.read_table(work / t) for t in targets])
    responses = sorted(
        zip(table["row_index"].to_pylist(), table["sample_index"].to_pylist(), table["response"].to_pylist())
    )
    log = next((work / "logs" / "generate").rglob("*.log")).read_text()
    loads = [int(line.rsplit(":", 1)[1]) for line in log.splitlines() if "model loads:" in line]
    return {
        **run,
        "output_tokens": sum(table["response_tokens"].to_pylist()),
        "model_loads": loads[-1] if loads else None,
        "responses": responses,
    }


def median_run(runs: list[dict]) -> dict:
    """The run with the median wall time (the lower middle one for an even count)."""
    return dict(sorted(runs, key=lambda r: r["seconds"])[(len(runs) - 1) // 2])


def bare_side(args, engine: str, config: dict, work: Path) -> dict:
    spec = work / f"bare-{engine}.json"
    spec.write_text(json.dumps(config))
    result = work / f"bare-{engine}.out.json"
    run = timed([sys.executable, __file__, "--bare", str(spec), str(result)], work, work / f"bare-{engine}.log")
    out = json.loads(result.read_text())
    return {**run, "output_tokens": out["output_tokens"], "responses": sorted(tuple(r) for r in out["responses"])}


# ---- the bare baseline (runs in its own interpreter) ----------------------------------------------------


def bare(spec_path: str, result_path: str) -> None:
    cfg = json.loads(Path(spec_path).read_text())
    model, s = cfg["models"]["m"], cfg["sampling"]
    rows = pq.read_table(cfg["datasets"]["bench"], columns=["prompt"]).column("prompt").to_pylist()
    kwargs = {
        "n": 1,
        "temperature": s["temperature"],
        "top_p": s["top_p"],
        "top_k": s["top_k"],
        "repetition_penalty": s["repetition_penalty"],
        "max_tokens": s["max_new_tokens"],
    }
    samples = [(i, j, sample_seed(s["seed"], i, j)) for i in range(len(rows)) for j in range(s["n"])]
    if model["engine"] == "offline":
        from vllm import LLM, SamplingParams

        llm = LLM(
            model=model["path"],
            dtype=model["dtype"],
            max_model_len=model["max_model_len"],
            seed=s["seed"],
            gpu_memory_utilization=model["gpu_memory_utilization"],
            enforce_eager=True,
            **cpu_args(model),
        )
        outs = llm.chat(
            [rows[i] for i, _, _ in samples],
            [SamplingParams(seed=seed, **kwargs) for *_, seed in samples],
            use_tqdm=False,
        )
        flat = [(o.outputs[0].text, len(o.outputs[0].token_ids)) for o in outs]
    else:
        flat = bare_server(model, s, rows, samples, kwargs)
    answers = [flat[i * s["n"] : (i + 1) * s["n"]] for i in range(len(rows))]
    responses = [(i, j, text) for i, a in enumerate(answers) for j, (text, _) in enumerate(a)]
    Path(result_path).write_text(
        json.dumps({"output_tokens": sum(t for a in answers for _, t in a), "responses": responses})
    )


def cpu_args(model: dict) -> dict:
    """vLLM's CPU runner dies on chunked prefill of seeded requests: the same workaround as the library."""
    return {"enable_chunked_prefill": False} if model["gpus_per_job"] == 0 else {}


def bare_server(model: dict, s: dict, rows: list, samples: list, kwargs: dict) -> list:
    import socket
    import urllib.request
    from concurrent.futures import ThreadPoolExecutor

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    url = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "vllm.entrypoints.openai.api_server",
            "--model",
            model["path"],
            "--port",
            str(port),
            "--host",
            "127.0.0.1",
            "--dtype",
            model["dtype"],
            "--max-model-len",
            str(model["max_model_len"]),
            "--enforce-eager",
            "--gpu-memory-utilization",
            str(model["gpu_memory_utilization"]),
            "--seed",
            str(s["seed"]),
            "--generation-config",
            "vllm",
            *(["--no-enable-chunked-prefill"] if cpu_args(model) else []),
        ],
        start_new_session=True,
    )
    try:
        while True:
            try:
                with urllib.request.urlopen(url + "/health", timeout=5):
                    break
            except OSError:
                if server.poll() is not None:
                    raise SystemExit("server died") from None
                time.sleep(1)

        def ask(sample: tuple) -> tuple:
            i, _, seed = sample
            body = {"model": model["path"], "messages": rows[i], "seed": seed, **kwargs}
            req = urllib.request.Request(
                url + "/v1/chat/completions", json.dumps(body).encode(), {"Content-Type": "application/json"}
            )
            with urllib.request.urlopen(req, timeout=3600) as resp:
                reply = json.loads(resp.read())
            return reply["choices"][0]["message"]["content"], reply["usage"]["completion_tokens"]

        with ThreadPoolExecutor(64) as pool:
            return list(pool.map(ask, samples))
    finally:
        os.killpg(server.pid, 15)
        server.wait(60)


# ---- driver ------------------------------------------------------------------------------------------------


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model-dir", type=Path, default=DEMO_MODEL)
    p.add_argument("--batches", type=int, default=8)
    p.add_argument("--batch-size", type=int, default=4)
    p.add_argument("--n", type=int, default=2)
    p.add_argument("--max-new-tokens", type=int, default=16)
    p.add_argument("--engines", nargs="+", default=["offline", "server"], choices=["offline", "server"])
    p.add_argument("--cores", type=int, default=os.cpu_count())
    p.add_argument("--gpus", type=int, default=0, help="gpus_per_job (0 = vLLM CPU build)")
    p.add_argument("--dtype", default="float32")
    p.add_argument("--gpu-memory-utilization", type=float, default=0.3)
    p.add_argument("--repeats", type=int, default=1, help="runs per side (alternating order); medians reported")
    p.add_argument("--keep", action="store_true", help="keep the temp work folders")
    p.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "bench_generate.json")
    args = p.parse_args()
    if not (args.model_dir / "config.json").exists():
        from difficulty_filter.demo.model import materialize

        materialize(args.model_dir)
    args.model_dir = args.model_dir.resolve()

    report = {
        "machine": {"platform": platform.platform(), "cpus": os.cpu_count()},
        "setup": {
            "prompts": args.batches * args.batch_size,
            "batches": args.batches,
            "n": args.n,
            "repeats": args.repeats,
            "max_new_tokens": args.max_new_tokens,
            "model": str(args.model_dir),
        },
        "engines": {},
    }
    for engine in args.engines:
        work = Path(tempfile.mkdtemp(prefix=f"bench-generate-{engine}-"))
        make_dataset(work / "bench.parquet", args.batches * args.batch_size)
        config = config_for(args, engine, work / "bench.parquet")
        copy_workflow(ROOT, work, config)
        runs = {"snakemake": [], "bare": []}
        for r in range(args.repeats):  # alternate the order so that load drifts hit both sides alike
            order = ("snakemake", "bare") if r % 2 == 0 else ("bare", "snakemake")
            for side in order:
                runs[side].append(
                    snakemake_side(args, engine, work) if side == "snakemake" else bare_side(args, engine, config, work)
                )
        smk, base = (median_run(runs[k]) for k in ("snakemake", "bare"))
        row = {"snakemake": smk, "bare": base}
        for side in (smk, base):
            side["tokens_per_second"] = round(side["output_tokens"] / side["seconds"], 1)
        row["identical_responses"] = all(a["responses"] == base["responses"] for a in runs["snakemake"])
        row["overhead_ratio"] = round(smk["seconds"] / base["seconds"], 3)
        row["runs"] = {k: [{f: v for f, v in run.items() if f != "responses"} for run in runs[k]] for k in runs}
        for side in (smk, base):
            side.pop("responses", None)
        report["engines"][engine] = row
        print(
            f"{engine}: snakemake {smk['seconds']} s ({smk['tokens_per_second']} tok/s, "
            f"{smk['model_loads']} model load) | bare {base['seconds']} s ({base['tokens_per_second']} tok/s) | "
            f"overhead x{row['overhead_ratio']} | identical responses: {row['identical_responses']}",
            flush=True,
        )
        if not args.keep:
            shutil.rmtree(work)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--bare":
        bare(sys.argv[2], sys.argv[3])
    else:
        main()
