"""The test suite (`nbdev_test`) at torch's default thread count and at one thread per notebook, in one run.

`nbdev_test` runs one notebook per core at once, each in a worker process of its own; by default torch gives
each of them one thread per core, so on a machine with two cores two notebooks run four threads that wait
on each other. The suite runs here as it is, then with `OMP_NUM_THREADS=1` (one torch thread per notebook),
alternating the order between repeats; the table gives the suite's wall time and the slowest notebooks.

    python bench/bench_suite.py [--repeats 1]

Writes bench/results/suite-cpu.json and prints a markdown table. Takes a few minutes per repeat.
"""
import argparse, os, re, statistics, subprocess, sys, time
from pathlib import Path

from bench_train import write_results

SETTINGS = {'default threads': {}, 'OMP_NUM_THREADS=1': {'OMP_NUM_THREADS': '1'}}

def suite(extra_env):
    "Wall seconds of `nbdev_test --timing` in `nbs/` with `extra_env` added, and its seconds per notebook."
    env = {k: v for k, v in os.environ.items() if k not in ('OMP_NUM_THREADS', 'MKL_NUM_THREADS')} | extra_env
    t0 = time.perf_counter()
    p = subprocess.run(['nbdev_test', '--timing'], env=env, capture_output=True, text=True, cwd=Path(__file__).parent.parent)
    secs = time.perf_counter() - t0
    if p.returncode: sys.exit(f"nbdev_test failed ({extra_env or 'default threads'}):\n{p.stdout[-3000:]}{p.stderr[-3000:]}")
    return secs, {m[1]: int(m[2]) for m in re.finditer(r'^(\S+\.ipynb): (\d+) secs$', p.stdout + p.stderr, re.M)}

def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--repeats', type=int, default=1)
    a = p.parse_args()
    if a.repeats < 1: sys.exit('--repeats must be >= 1')
    a.device, a.n_train = 'cpu', 25000   # for write_results' file name
    names = list(SETTINGS)
    secs, per_nb = {n: [] for n in names}, {n: [] for n in names}
    for r in range(a.repeats):
        for name in (names if r % 2 == 0 else names[::-1]):
            s, nbs = suite(SETTINGS[name])
            secs[name].append(s); per_nb[name].append(nbs)
            print(f"repeat {r + 1}: {name} {s:.0f} s", file=sys.stderr)
    med = {n: statistics.median(v) for n, v in secs.items()}
    base = names[0]
    slow = sorted(per_nb[base][0], key=per_nb[base][0].get, reverse=True)[:5]
    table = ['| setting | suite wall s, median | × default | ' + ' | '.join(f'{nb} s' for nb in slow) + ' |',
             '|---|---:|---:|' + '---:|' * len(slow)]
    table += [f"| {n} | {med[n]:.0f} | {med[n] / med[base]:.2f} | " + ' | '.join(str(per_nb[n][0].get(nb, '')) for nb in slow) + ' |'
              for n in names]
    write_results('suite', a, table, seconds=secs, per_notebook=per_nb)   # the machine, its cores included, recorded by write_results

if __name__ == '__main__': main()
