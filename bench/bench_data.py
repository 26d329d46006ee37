"""Data generation: attnseq's `generate_sequences` against the original's recursive algorithm.

Both draw 25,000 + 1,000 samples after `torch.manual_seed(42)` (the post's data); the script checks that
they return the same tensors bit for bit, then times each over several repeats, alternating, in one run.

    python bench/bench_data.py [--repeats 7] [--out bench/results/data.json]
"""
import argparse, json, os, platform, statistics, subprocess, sys, time
from pathlib import Path

import torch
import torch.nn.functional as F

from attnseq.data import checksum, generate_sequences

# --- The original algorithm (Fleuret's generator as the post ran it), restated for comparison ---------
# Module-level settings, the global RNG, `rand_like` noise and a recursive call that tops up the
# rejected samples (without passing the task flag on).
L, H_MIN, H_MAX, W_MIN, W_MAX = 100, 1.0, 25.0, 5.0, 11.0

def reference_render(tr, bx, noise_level=0.3):
    grid = torch.arange(L).float()[None, :, None]
    tr, bx = tr[:, None, :, :], bx[:, None, :, :]
    tri = torch.relu(tr[..., 1] - torch.relu(torch.abs(grid - tr[..., 0]) - 0.5) * 2 * tr[..., 1] / tr[..., 2])
    box = torch.sign(torch.relu(bx[..., 1] - torch.abs((grid - bx[..., 0]) * 2 * bx[..., 1] / bx[..., 2]))) * bx[..., 1]
    shapes = torch.cat((tri, box), 2)
    occ = F.max_pool1d(shapes.sign().permute(0, 2, 1), kernel_size=2, stride=1).permute(0, 2, 1)
    collide = (occ.sum(2) > 1).max(1).values
    y = shapes.max(2).values
    return y + torch.rand_like(y) * noise_level - noise_level / 2, collide

def reference_generate(n):
    "The unordered task, recursively refilled, drawing from the global RNG."
    def draw():
        s = torch.empty(n, 2, 3)
        s[:, :, 0].uniform_(W_MAX / 2, L - W_MAX / 2)
        s[:, :, 1].uniform_(H_MIN, H_MAX)
        s[:, :, 2].uniform_(W_MIN, W_MAX)
        return s
    tr, bx = draw(), draw()
    gap = torch.abs(tr[:, 0, 1] - tr[:, 1, 1]) > 4
    valid = gap & gap
    inp, collide = reference_render(tr, bx)
    tr[:, :, 1:2] = tr[:, :, 1:2].mean(1, keepdim=True)
    bx[:, :, 1:2] = bx[:, :, 1:2].mean(1, keepdim=True)
    tgt, _ = reference_render(tr, bx)
    keep = valid & ~collide
    out = [inp[keep][:, None, :], tgt[keep][:, None, :], tr[keep], bx[keep]]
    if out[0].size(0) < n:
        rest = reference_generate(n - out[0].size(0))
        out = [torch.cat((a, b), 0) for a, b in zip(out, rest)]
    return out
# -------------------------------------------------------------------------------------------------------

def post_data(gen):
    torch.manual_seed(42)
    return list(gen(25000)), list(gen(1000))

def machine():
    cpu = platform.processor()
    try: cpu = next(l.split(':', 1)[1].strip() for l in open('/proc/cpuinfo') if l.startswith('model name'))
    except (OSError, StopIteration): pass
    return dict(cpu=cpu, cores=os.cpu_count(), torch_threads=torch.get_num_threads(), python=platform.python_version(),
                torch=torch.__version__, platform=platform.platform())

def git_commit():
    try: return subprocess.run(['git', 'rev-parse', '--short', 'HEAD'], capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError): return None

def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--repeats', type=int, default=7)
    p.add_argument('--out', default=str(Path(__file__).parent / 'results' / 'data.json'))
    args = p.parse_args()
    if args.repeats < 1: sys.exit('--repeats must be >= 1')

    ours, ref = post_data(generate_sequences), post_data(reference_generate)
    same = all(torch.equal(a, b) for a, b in zip(ours[0] + ours[1], ref[0] + ref[1]))
    if not same: sys.exit('attnseq and the reference disagree: not the same data')

    times = {'reference (recursive)': [], 'attnseq': []}
    for _ in range(args.repeats):  # alternate, so both see the same machine load
        for name, gen in (('reference (recursive)', reference_generate), ('attnseq', generate_sequences)):
            t0 = time.perf_counter(); post_data(gen); times[name].append(time.perf_counter() - t0)
    med = {k: statistics.median(v) for k, v in times.items()}
    res = dict(benchmark='data generation: 25,000 + 1,000 samples after torch.manual_seed(42)', machine=machine(),
               commit=git_commit(), repeats=args.repeats, identical=same,
               checksums=[checksum(t) for t in ours[0] + ours[1]],
               seconds=times, median_s=med, speedup=med['reference (recursive)'] / med['attnseq'])
    out = Path(args.out); out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix('.tmp'); tmp.write_text(json.dumps(res, indent=1)); tmp.replace(out)
    print(f"identical tensors: {same}")
    for k, v in med.items(): print(f"{k:>24}: median {v:.3f} s over {args.repeats} (min {min(times[k]):.3f})")
    print(f"speedup: {res['speedup']:.2f}x   -> {out}")

if __name__ == '__main__': main()
