"""attnseq's default training path against the minimal PyTorch loop, epoch by epoch, in one process.

Where the two are close (on a CPU the CNN and the attention model are bound by arithmetic), separate
processes can't resolve the gap: the machine's speed drifts by more than it. Here both train copies of the
same model on the same tensors in one process, their timed epochs alternate in the order A B B A A B ...,
and the ratio is taken within each pair of neighbouring epochs; the table gives the median over the pairs
and their range.

    python bench/bench_overhead.py [--models cnn,attention,lstm] [--pairs 6] [--device cpu] [--n-train 25000]

Writes bench/results/overhead-<device>.json and prints a markdown table.
"""
import argparse, copy, statistics, sys, time

from bench_train import plain_epoch, write_results

def pairs_for(name, n_pairs, device, n_train=25000):
    "Seconds of each timed epoch of attnseq's default path (A) and of the minimal loop (B), alternating."
    import torch
    from attnseq.data import generate_sequences, toy_dataloaders
    from attnseq.learner import toy_learner
    from attnseq.models import get_model
    torch.manual_seed(0)
    train, model = generate_sequences(n_train, seed=42), get_model(name)
    learn = toy_learner(toy_dataloaders(train, device=device), copy.deepcopy(model))
    def a():
        with learn.no_bar(), learn.no_logging(): learn.fit(1)
    b = plain_epoch(train, copy.deepcopy(model), device)
    def timed(f):
        t0 = time.perf_counter(); f()
        if device != 'cpu': torch.cuda.synchronize()
        return time.perf_counter() - t0
    a(); b()  # warm-up epochs, not timed
    out = []
    for k in range(n_pairs):
        order = (a, b) if k % 2 == 0 else (b, a)
        secs = {f: timed(f) for f in order}
        out.append(dict(attnseq=secs[a], plain=secs[b]))
    return out

def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--models', default='cnn,attention,lstm')
    p.add_argument('--pairs', type=int, default=6)
    p.add_argument('--device', default='cpu')
    p.add_argument('--n-train', type=int, default=25000, help='training samples (the post: 25000); fewer for a quick check of the script')
    a = p.parse_args()
    if a.pairs < 1: sys.exit('--pairs must be >= 1')
    table = ['| model | attnseq s/epoch | plain s/epoch | attnseq / plain, median | range over pairs |', '|---|---:|---:|---:|---|']
    results = {}
    for name in a.models.split(','):
        ps = pairs_for(name, a.pairs, a.device, a.n_train)
        ratios = [q['attnseq'] / q['plain'] for q in ps]
        results[name] = dict(pairs=ps, ratios=ratios)
        med = lambda k: statistics.median(q[k] for q in ps)
        table.append(f"| {name} | {med('attnseq'):.2f} | {med('plain'):.2f} | {statistics.median(ratios):.3f} | {min(ratios):.3f}–{max(ratios):.3f} |")
        print(table[-1], file=sys.stderr)
    write_results('overhead', a, table, results=results)

if __name__ == '__main__': main()
