"""A finished results folder, corrupted file by file, and every reader and command run on each copy.

One small folder (`attnseq --quick --epochs 1`, the CNN and the attention model, seeds 0 and 1) is
trained once. Each case copies it and breaks one thing of the run attention-s0 (its weights swapped
with another run's, truncated, NaN, deleted; its metrics edited, truncated, deleted) or of the folder
(`config.json`, `results.json`); two cases make attention-s0 a run of attnseq 0.0.1, which recorded no
checksum of its weights (as the shipped `results/`), intact and with another seed's weights. Then it runs, each in a process of its own:

- `attnseq` with the folder's arguments (it keeps the finished runs and rewrites results and figures),
- `attnseq_verify --runs attention-s0`,
- `length_study` at 100 positions (the length page's reader of weights),

each on a copy of its own, and records the exit code, the last line on stderr, and, for `attnseq`
exiting 0, whether the folder's test MSEs changed from the intact folder's. A case passes when nothing exits 0 with a changed
number; every case but the intact old run and the deleted metrics should also make `attnseq_verify` and
`length_study` refuse.

    python bench/bench_corrupt.py [--out bench/results/corrupt-cpu.json]
"""
import argparse, json, os, platform, shutil, subprocess, sys, tempfile
from pathlib import Path

import torch

from attnseq.files import sha256_file
from attnseq.folder import device_name, git_commit

ARGS = ['--quick', '--epochs', '1', '--models', 'cnn,attention', '--seeds', '0,1']  # figures on: the runner rescores seed 0
RUN = Path('runs')/'attention-s0'
LENGTH = ("import sys; from attnseq.length import length_study; "
          "length_study({'unordered': sys.argv[1]}, lengths=(100,), n=50)")

def run(cmd:list, cwd:Path)->tuple[int, str]:
    "Exit code and last stderr line of `cmd` run in `cwd`, its paths relative to `cwd`, cut to 160 characters."
    p = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    lines = [l for l in p.stderr.strip().splitlines() if l.strip()]
    return p.returncode, (lines[-1] if lines else '').replace(str(cwd) + '/', '')[:160]

def mses(folder:Path)->dict|None:
    "The test MSE of every run the folder's `results.json` lists, or None if it can't be read."
    try: return {f"{r['model']}-s{r['seed']}": r['test_mse'] for r in json.loads((folder/'results.json').read_text())['runs']}
    except (OSError, ValueError, KeyError, TypeError): return None

def edit_json(path:Path, **changes):
    d = json.loads(path.read_text())
    for k, v in changes.items():
        if v is ...: d.pop(k, None)
        else: d[k] = v
    path.write_text(json.dumps(d))

def nan_weights(path:Path):
    saved = torch.load(path, weights_only=True)
    k = next(iter(saved['state_dict']))
    saved['state_dict'][k] = torch.full_like(saved['state_dict'][k], float('nan'))
    torch.save(saved, path)

CASES = {  # what breaks, as a function of the copied folder
    'weights swapped with attention-s1': lambda f: shutil.copy(f/'runs'/'attention-s1'/'weights.pt', f/RUN/'weights.pt'),
    'weights swapped with cnn-s0': lambda f: shutil.copy(f/'runs'/'cnn-s0'/'weights.pt', f/RUN/'weights.pt'),
    'weights truncated': lambda f: (f/RUN/'weights.pt').write_bytes((f/RUN/'weights.pt').read_bytes()[:1000]),
    'weights NaN (checksum re-recorded)': lambda f: (nan_weights(f/RUN/'weights.pt'),
        edit_json(f/RUN/'metrics.json', weights_sha256=sha256_file(f/RUN/'weights.pt'))),
    'weights deleted': lambda f: (f/RUN/'weights.pt').unlink(),
    'metrics: test_mse 0.123': lambda f: edit_json(f/RUN/'metrics.json', test_mse=0.123),
    'metrics: test_mse -1': lambda f: edit_json(f/RUN/'metrics.json', test_mse=-1),
    'metrics: test_mse NaN': lambda f: edit_json(f/RUN/'metrics.json', test_mse=float('nan')),
    'metrics: test_mse "0.4"': lambda f: edit_json(f/RUN/'metrics.json', test_mse='0.4'),
    'metrics: test_mse missing': lambda f: edit_json(f/RUN/'metrics.json', test_mse=...),
    'metrics truncated': lambda f: (f/RUN/'metrics.json').write_text((f/RUN/'metrics.json').read_text()[:50]),
    'metrics deleted (the run retrains)': lambda f: (f/RUN/'metrics.json').unlink(),
    'config.json: lr removed': lambda f: edit_json(f/'config.json', lr=...),
    'config.json: epochs edited': lambda f: edit_json(f/'config.json', epochs=3),
    'old run (no checksum), intact': lambda f: edit_json(f/RUN/'metrics.json', weights_sha256=...),
    'old run (no checksum), weights of attention-s1': lambda f: (
        edit_json(f/RUN/'metrics.json', weights_sha256=...),
        shutil.copy(f/'runs'/'attention-s1'/'weights.pt', f/RUN/'weights.pt')),
    'config.json truncated': lambda f: (f/'config.json').write_text((f/'config.json').read_text()[:30]),
    'config.json deleted': lambda f: (f/'config.json').unlink(),
    'results.json deleted': lambda f: (f/'results.json').unlink(),
    'results.json garbage': lambda f: (f/'results.json').write_text('\n{not json'),
}

def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--out', type=Path, default=Path(__file__).parent/'results'/'corrupt-cpu.json')
    a = p.parse_args()
    work = Path(tempfile.mkdtemp(prefix='attnseq-corrupt-'))
    base = work/'base'
    code, err = run(['attnseq', *ARGS, '--no_figures', '--out', str(base)], work)
    if code: sys.exit(f"the intact folder could not be trained: {err}")
    intact = mses(base)
    rows = []
    for case, breaks in CASES.items():
        for reader, cmd in (('attnseq', ['attnseq', *ARGS, '--out']),
                            ('attnseq_verify', ['attnseq_verify', '--runs', 'attention-s0']),
                            ('length_study', [sys.executable, '-c', LENGTH])):
            folder = work/f"case{len(rows)}"   # a copy each: a command may repair what it finds
            shutil.copytree(base, folder)
            breaks(folder)
            code, err = run([*cmd, str(folder)], work)
            changed = code == 0 and reader == 'attnseq' and mses(folder) != intact
            rows.append(dict(case=case, reader=reader, exit=code, changed=changed, said=err))
            print(f"{case:40s} {reader:15s} exit {code} {'CHANGED ' if changed else ''}{err[:90]}", flush=True)
    shutil.rmtree(work)
    bad = [r for r in rows if r['exit'] == 0 and r['changed']]
    a.out.parent.mkdir(parents=True, exist_ok=True)
    a.out.write_text(json.dumps(dict(machine=device_name('cpu'), cores=os.cpu_count(), python=platform.python_version(),
                                     torch=torch.__version__, commit=git_commit(), rows=rows, exit0_changed=len(bad)),
                                indent=1) + '\n')
    print(f"\n| case | attnseq | attnseq_verify | length_study |\n|---|---|---|---|")
    for case in CASES:
        cells = [r for r in rows if r['case'] == case]
        fmt = lambda r: f"{r['exit']}{' changed!' if r['changed'] else ''}"
        print(f"| {case} | " + ' | '.join(fmt(r) for r in cells) + ' |')
    print(f"\n{len(bad)} case(s) exit 0 with a changed number")
    sys.exit(1 if bad else 0)

if __name__ == '__main__': main()
