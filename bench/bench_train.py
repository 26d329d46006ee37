"""Training speed per model: the post's pipeline, attnseq's paths and a minimal plain PyTorch loop.

Paths: `post` (the post's DataBlock pipeline), `faithful` (attnseq's data with fastai's own Adam and the
explicit attention), `attnseq` (the default: FastAdam, and SDPA on a GPU), `stacked` (five seeds trained at
once as one stacked model: its time is for all five) and `plain` (a hand-written loop). On a GPU also
`graph` (the default path with `Learner.to_graph()`: every full batch's step replayed from a CUDA graph),
`graph_bf16` (the same under bfloat16 autocast), `stacked_graph` (five seeds stacked, replayed) and
`plain_graph` (the hand-written loop with its training step in one CUDA graph).

Every (path, model) pair runs in a fresh process, so its peak memory is its own; the pairs alternate
within each repeat, so all paths see the same machine load, and the ratios are taken within one run.

    python bench/bench_train.py [--models cnn,attention,lstm] [--epochs 2] [--repeats 1] [--device cpu]

Writes bench/results/train-<device>.json and prints a markdown table.
"""
import argparse, json, os, platform, resource, statistics, subprocess, sys, time
from pathlib import Path

PATHS = ('post', 'faithful', 'attnseq', 'graph', 'graph_bf16', 'stacked', 'stacked_graph', 'plain', 'plain_graph')
GPU_ONLY = ('graph', 'graph_bf16', 'stacked_graph', 'plain_graph')
STACKED_SEEDS = 5

def _post_learner(train, model, lstm, device):
    "The post's pipeline: rows of input|target, a DataBlock with per-row getters, normalization as a batch transform."
    import torch
    from functools import partial
    from fastai.data.block import DataBlock
    from fastai.data.transforms import RandomSplitter
    from fastai.callback.rnn import ModelResetter
    from fastai.learner import Learner
    from fastai.losses import MSELossFlat
    rows = torch.cat((train.input, train.targets), dim=-1)  # [n, 1, 200]
    mean, std = rows.mean(), rows.std()
    def norm(x, m, s): return (x - m) / s
    dls = DataBlock(get_x=lambda r: r[:, :100], get_y=lambda r: r[:, 100:], splitter=RandomSplitter(valid_pct=0.2),
                    batch_tfms=partial(norm, m=mean, s=std)).dataloaders(rows, bs=128, device=device)
    return Learner(dls, model, loss_func=MSELossFlat(), cbs=[ModelResetter()] if lstm else [])

def _fit_seconds(learn, epochs):
    learn.fit(1)  # warm-up: first-call costs are not the steady state
    t0 = time.perf_counter(); learn.fit(epochs); return time.perf_counter() - t0

def plain_epoch(train, model, device, graph=False):
    """A minimal loop: normalized tensors on the device, batches by shuffled index, fastai's Adam settings as
    torch's AdamW (fused on a GPU), and a validation pass per epoch as fastai's `fit` makes one. With `graph`
    the training step (forward, backward, optimizer step) is captured once in a CUDA graph and replayed.
    Returns a function that trains one epoch."""
    import torch
    import torch.nn.functional as F
    from attnseq.data import Normalization, split_idxs
    norm = Normalization.from_data(train)
    tr, va = split_idxs(train.n, 0.2, 0)
    x, y = norm.encode_x(train.input[tr]).to(device), norm.encode_y(train.targets[tr]).to(device)
    xv, yv = norm.encode_x(train.input[va]).to(device), norm.encode_y(train.targets[va]).to(device)
    model = model.to(device)
    cuda = device != 'cpu'
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3, betas=(0.9, 0.99), eps=1e-5, weight_decay=0.01,
                            **(dict(fused=True, capturable=graph) if cuda else {}))
    g = torch.Generator().manual_seed(0)
    def step(xb, yb):
        opt.zero_grad(set_to_none=True)
        loss = F.mse_loss(model(xb), yb); loss.backward(); opt.step()
    if graph:  # warm up on a side stream (these steps train too: a benchmark needs no exact replica), then capture
        sx, sy = x[:128].clone(), y[:128].clone()
        side = torch.cuda.Stream(); side.wait_stream(torch.cuda.current_stream())
        with torch.cuda.stream(side):
            for _ in range(3): step(sx, sy)
        torch.cuda.current_stream().wait_stream(side)
        cg = torch.cuda.CUDAGraph(); opt.zero_grad(set_to_none=True)
        with torch.cuda.graph(cg): step(sx, sy)
    def epoch():
        if hasattr(model, 'reset'): model.reset()
        perm = torch.randperm(len(x), generator=g).to(device)
        for i in range(0, len(x) - 127, 128):
            idx = perm[i:i + 128]
            if graph: torch.index_select(x, 0, idx, out=sx); torch.index_select(y, 0, idx, out=sy); cg.replay()
            else: step(x[idx], y[idx])
        if hasattr(model, 'reset'): model.reset()
        with torch.no_grad(): valid = sum(F.mse_loss(model(xv[i:i + 128]), yv[i:i + 128]) for i in range(0, len(xv), 128))
        valid.item()
        if cuda: torch.cuda.synchronize()
    return epoch

def _plain_seconds(train, model, epochs, device, graph=False):
    epoch = plain_epoch(train, model, device, graph)
    epoch()
    t0 = time.perf_counter()
    for _ in range(epochs): epoch()
    return time.perf_counter() - t0

def one(path, name, epochs, device, n_train=25000):
    "Time `epochs` epochs of model `name` through `path` in this process; return seconds and peak memory."
    import torch
    from fastai.callback.progress import ProgressCallback  # noqa: F401 (fastai's default callbacks, as users have them)
    from attnseq.data import generate_sequences, toy_dataloaders
    from attnseq.learner import toy_learner
    from attnseq.models import get_model, model_options
    torch.manual_seed(0)
    train = generate_sequences(n_train, seed=42)
    model = get_model(name)
    if device != 'cpu': torch.cuda.reset_peak_memory_stats()
    seeds = 1
    if path in ('plain', 'plain_graph'): secs = _plain_seconds(train, model, epochs, device, graph=path == 'plain_graph')
    elif path in ('stacked', 'stacked_graph'):
        from attnseq.stacked import stackable, stacked_learner
        if not stackable(model): return dict(path=path, model=name, skipped=f'{name} is not stackable')
        seeds = STACKED_SEEDS
        dls = [toy_dataloaders(train, device=device, seed=s) for s in range(seeds)]
        learn = stacked_learner(dls, [get_model(name) for _ in range(seeds)])
        if path == 'stacked_graph': learn.to_graph()
        with learn.no_bar(), learn.no_logging(): secs = _fit_seconds(learn, epochs)
    else:
        if path == 'post': learn = _post_learner(train, model, name == 'lstm', device)
        elif path == 'faithful':
            from fastai.optimizer import Adam
            if 'use_sdpa' in model_options(name): model = get_model(name, use_sdpa=False)  # the explicit attention
            learn = toy_learner(toy_dataloaders(train, device=device), model, opt_func=Adam)
        else:
            learn = toy_learner(toy_dataloaders(train, device=device), model)
            if path in ('graph', 'graph_bf16'): learn.to_graph(bf16=path == 'graph_bf16')
        with learn.no_bar(), learn.no_logging(): secs = _fit_seconds(learn, epochs)
    return dict(path=path, model=name, epochs=epochs, seeds=seeds, seconds=secs, s_per_epoch=secs / epochs,
                samples_per_s=(n_train - int(0.2 * n_train)) // 128 * 128 * seeds * epochs / secs,  # full batches of 128 per epoch and seed
                peak_rss_mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                peak_gpu_mb=torch.cuda.max_memory_allocated() / 2**20 if device != 'cpu' else None)

def machine(device):
    import torch
    cpu = platform.processor()
    try: cpu = next(l.split(':', 1)[1].strip() for l in open('/proc/cpuinfo') if l.startswith('model name'))
    except (OSError, StopIteration): pass
    gpu = torch.cuda.get_device_name() if device != 'cpu' else None
    return dict(cpu=cpu, cores=os.cpu_count(), gpu=gpu, python=platform.python_version(), torch=torch.__version__)

def write_results(stem, args, table, **data):
    "Write bench/results/<stem>-<device>[-n<N>].json with the machine, the commit and the arguments, and print the table."
    out = Path(getattr(args, 'results_dir', None) or Path(__file__).parent/'results')/f"{stem}-{args.device}{'' if args.n_train == 25000 else f'-n{args.n_train}'}.json"
    out.parent.mkdir(exist_ok=True)
    commit = subprocess.run(['git', 'rev-parse', '--short', 'HEAD'], capture_output=True, text=True).stdout.strip() or None
    tmp = out.with_suffix('.tmp')
    tmp.write_text(json.dumps(dict(machine=machine(args.device), commit=commit, args=vars(args), **data, table=table), indent=1))
    tmp.replace(out)
    print('\n'.join(table))

def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--models', default='cnn,attention,lstm')
    p.add_argument('--epochs', type=int, default=2)  # timed epochs, after one warm-up epoch
    p.add_argument('--repeats', type=int, default=1)
    p.add_argument('--device', default='cpu')
    p.add_argument('--n-train', type=int, default=25000, help='training samples (the post: 25000); fewer for a quick check of the script')
    p.add_argument('--per-path', action='store_true', help='one process per path for all models (fewer process starts: the GPU check)')
    p.add_argument('--results-dir', default=str(Path(__file__).parent/'results'), help='where the JSON goes')
    p.add_argument('--one', nargs=2, metavar=('PATH', 'MODELS'), help=argparse.SUPPRESS)
    a = p.parse_args()
    if a.one:
        for name in a.one[1].split(','): print(json.dumps(one(a.one[0], name, a.epochs, a.device, a.n_train)), flush=True)
        return
    if a.epochs < 1 or a.repeats < 1: sys.exit('--epochs and --repeats must be >= 1')
    models, rows = a.models.split(','), []
    for r in range(a.repeats):
        groups = [','.join(models)] if a.per_path else models
        for group in groups:
            for path in (PATHS if r % 2 == 0 else PATHS[::-1]):
                if a.device == 'cpu' and path in GPU_ONLY: continue
                cmd = [sys.executable, __file__, '--one', path, group, '--epochs', str(a.epochs), '--device', a.device, '--n-train', str(a.n_train)]
                res = subprocess.run(cmd, capture_output=True, text=True)
                if res.returncode: sys.exit(f'{path}/{group} failed:\n{res.stderr[-3000:]}')
                for line in res.stdout.strip().splitlines()[-len(group.split(',')):]:
                    rows.append(json.loads(line)); name = rows[-1]['model']
                    if 'skipped' in rows[-1]: print(f"{path:>8} {name:>10}: skipped ({rows[-1]['skipped']})", file=sys.stderr); continue
                    print(f"{path:>8} {name:>10}: {rows[-1]['s_per_epoch']:.2f} s/epoch", file=sys.stderr)
    med = lambda path, name, k: statistics.median(r[k] for r in rows if r['path'] == path and r['model'] == name)
    table = ['| model | path | seeds | s/epoch | s/epoch per seed | samples/s | × plain loop, per seed | peak RSS MB | peak GPU MB |',
             '|---|---|---:|---:|---:|---:|---:|---:|---:|']
    for name in models:
        for path in PATHS:
            if not any(r['path'] == path and r['model'] == name and 'skipped' not in r for r in rows): continue
            s, n, gpu = med(path, name, 's_per_epoch'), med(path, name, 'seeds'), med(path, name, 'peak_gpu_mb') if a.device != 'cpu' else None
            table.append(f"| {name} | {path} | {int(n)} | {s:.2f} | {s / n:.2f} | {med(path, name, 'samples_per_s'):,.0f} | "
                         f"{s / n / med('plain', name, 's_per_epoch'):.2f} | {med(path, name, 'peak_rss_mb'):,.0f} | {'' if gpu is None else f'{gpu:,.0f}'} |")
    write_results('train', a, table, runs=rows)

if __name__ == '__main__': main()
