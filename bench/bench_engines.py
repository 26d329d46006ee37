"""The runner's engines side by side: a small grid through the local engine and through Ray, in one run.

The grid (4 runs: two models, two seeds, 2 epochs on little data) trains in a fresh results folder per
engine and repeat: `local` one run after the other in this process at torch's default thread count (one
per core), `local-1` the same at one thread (the numbers Ray's runs repeat bit for bit at one CPU each),
`ray` as Ray tasks on a Ray started here with every core, `--cpus-per-run` CPUs (and threads) per run. Ray's
start-up is timed apart, from `ray.init` until a first no-op task has run; the grid's Ray time includes
starting the workers (each imports torch and attnseq), not Ray itself. Repeats alternate the order.

    python bench/bench_engines.py [--n-train 2000] [--epochs 2] [--repeats 2] [--cpus-per-run 1]

Writes bench/results/engines-cpu-n<N>.json and prints a markdown table.
"""
import argparse, contextlib, io, os, statistics, sys, tempfile, time
from pathlib import Path

from bench_train import write_results

def grid(engine, cfg, cpus_per_run):
    "Seconds to train the grid with `engine` in a new folder, and its test MSEs."
    import torch
    from attnseq.engines import EngineConfig
    from attnseq.runner import run_experiment
    out = Path(tempfile.mkdtemp())/engine
    kw = dict(engine=EngineConfig('ray', cpus_per_run=cpus_per_run)) if engine == 'ray' else {}
    threads = torch.get_num_threads()
    if engine == 'local-1': torch.set_num_threads(1)
    try:
        t0 = time.perf_counter()
        with contextlib.redirect_stdout(io.StringIO()): table = run_experiment(cfg, out, figures=False, **kw)
        return time.perf_counter() - t0, table.test_mse.round(6).to_dict()
    finally: torch.set_num_threads(threads)

def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--n-train', type=int, default=2000)
    p.add_argument('--epochs', type=int, default=2)
    p.add_argument('--repeats', type=int, default=2)
    p.add_argument('--cpus-per-run', type=int, default=1)
    p.add_argument('--device', default='cpu', help=argparse.SUPPRESS)
    a = p.parse_args()
    if a.repeats < 1 or a.epochs < 1 or a.cpus_per_run < 1: sys.exit('--repeats, --epochs and --cpus-per-run must be >= 1')
    import ray, torch
    from attnseq.folder import ExperimentConfig
    cfg = ExperimentConfig(n_train=a.n_train, n_test=200, epochs=a.epochs, models=('cnn', 'attention'), seeds=(0, 1), device='cpu')
    t0 = time.perf_counter()
    ray.init(address='local', num_cpus=os.cpu_count(), include_dashboard=False, log_to_driver=False, logging_level='ERROR')
    ray.get(ray.remote(num_cpus=0)(lambda: None).remote())
    startup = time.perf_counter() - t0
    engines = ('local', 'local-1', 'ray')
    secs = {e: [] for e in engines}
    try:
        for r in range(a.repeats):
            for engine in (engines if r % 2 == 0 else engines[::-1]):
                s, mse = grid(engine, cfg, a.cpus_per_run)
                secs[engine].append(s)
                print(f"repeat {r + 1}: {engine} {s:.1f} s {mse}", file=sys.stderr)
    finally: ray.shutdown()
    med = {k: statistics.median(v) for k, v in secs.items()}
    runs = len(cfg.models) * len(cfg.seeds)
    table = ['| engine | runs | wall s, median | per run s | × local | range s |', '|---|---:|---:|---:|---:|---|',
             f"| local, {torch.get_num_threads()} threads | {runs} | {med['local']:.1f} | {med['local'] / runs:.2f} | 1.00 | "
             f"{min(secs['local']):.1f}–{max(secs['local']):.1f} |",
             f"| local, 1 thread | {runs} | {med['local-1']:.1f} | {med['local-1'] / runs:.2f} | {med['local-1'] / med['local']:.2f} | "
             f"{min(secs['local-1']):.1f}–{max(secs['local-1']):.1f} |",
             f"| ray, {os.cpu_count()} CPUs, {a.cpus_per_run} per run | {runs} | {med['ray']:.1f} | {med['ray'] / runs:.2f} | "
             f"{med['ray'] / med['local']:.2f} | {min(secs['ray']):.1f}–{max(secs['ray']):.1f} |",
             f"| Ray's start-up (ray.init to a first task run) | | {startup:.1f} | | | |"]
    write_results('engines', a, table, seconds=secs, startup=startup)

if __name__ == '__main__': main()
