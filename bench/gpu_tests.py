"""The GPU checks of attnseq: CUDA-graph steps against eager ones (with a flat and a scheduled learning rate), stacked
seeds against separate runs, the fused attention kernels against the explicit map, bf16 against float32, and the
hazards of recording (moved memory, a failed capture, per-item losses, determinism).

    python bench/gpu_tests.py --out DIR            # on a GPU
    python bench/gpu_tests.py --out DIR --dry-run  # the same checks on the CPU at tiny sizes (`EagerGraph` records)

Each check prints one line (ok / FAILED, with its figures) and lands in DIR/gpu_tests.json; the exit code is
the number of failed checks (0: all passed).
"""
import argparse, json, os, sys, tempfile, time, traceback, warnings
from pathlib import Path

os.environ.setdefault('CUBLAS_WORKSPACE_CONFIG', ':4096:8')  # before CUDA starts: cuBLAS reads it once

import torch
from torch.nn.attention import SDPBackend, sdpa_kernel

from attnseq.data import generate_sequences, toy_dataloaders
from attnseq.folder import ExperimentConfig, init_model, read_results
from attnseq.learner import deterministic
from attnseq.runner import run_experiment
from attnseq.graphs import CudaGraph, EagerGraph, GraphStep
from attnseq.learner import RawLosses, evaluate, toy_learner
from attnseq.models import AttentionLayer, get_model
from attnseq.stacked import stacked_learner

CHECKS = []

def check(fn):
    "Register a check: a function of the run's settings returning (ok, detail)."
    CHECKS.append(fn); return fn

def rel(a, b):
    "Largest relative difference between two tensors (or lists), against the larger magnitude."
    a, b = torch.as_tensor(a, dtype=torch.float64), torch.as_tensor(b, dtype=torch.float64)
    return ((a - b).abs().max() / b.abs().max().clamp(min=1e-12)).item()

def fit(learn, epochs=1):
    raw = RawLosses()
    with learn.no_bar(), learn.no_logging(), deterministic(): learn.fit(epochs, cbs=raw)
    return raw.losses

@check
def graph_vs_eager(s):
    "Every model through GraphStep against fastai's eager steps: each step's loss and the final weights."
    out = []
    names = ('cnn', 'attention', 'lstm', 'lstm_fair') if s.dry else ('cnn', 'attention', 'lstm', 'attention_fleuret', 'lstm_fair', 'attention_4heads', 'attention_sinusoidal')
    for name in names:
        e = toy_learner(s.dls(), init_model(name, 0)); g = toy_learner(s.dls(), init_model(name, 0)).to_graph(graph=s.graph)
        le, lg = fit(e), fit(g)
        w = max(rel(p.detach(), q.detach()) for p, q in zip(g.model.parameters(), e.model.parameters()))
        replayed = g.graph_step.replayed['train']
        out.append((name, rel(lg, le), w, replayed))
    ok = all(l < 1e-3 and w < 1e-2 and n > 0 for _, l, w, n in out)
    return ok, '; '.join(f"{n}: losses {l:.1e}, weights {w:.1e}, {r} replayed" for n, l, w, r in out)

@check
def lr_schedule(s):
    "fit_one_cycle (momentum held, as GraphStep asks) replayed against eager: each replay reads the learning rate the schedule set."
    def run(graph):
        learn, raw = toy_learner(s.dls(), init_model('attention', 0)), RawLosses()
        if graph: learn.to_graph(graph=s.graph)
        with learn.no_bar(), learn.no_logging(), deterministic(): learn.fit_one_cycle(1, 3e-3, moms=(0.9, 0.9, 0.9), cbs=raw)
        return raw.losses, learn
    (lg, g), (le, _) = run(True), run(False)
    d, replayed = rel(lg, le), g.graph_step.replayed['train']
    return d < 1e-3 and replayed > 0, f"losses {d:.1e} from eager, {replayed} steps replayed"

@check
def stacked_vs_separate(s):
    "Two seeds stacked (vmap) against the same seeds trained one by one: each seed's losses."
    res = []
    for name in ('cnn', 'attention'):
        st = stacked_learner([s.dls(seed=k) for k in (0, 1)], [init_model(name, k) for k in (0, 1)])
        with st.no_bar(), st.no_logging(), deterministic(): st.fit(1)
        sep = []
        for k in (0, 1):
            one = toy_learner(s.dls(seed=k), init_model(name, k))
            with one.no_bar(), one.no_logging(), deterministic(): one.fit(1)
            sep.append(float(one.recorder.values[-1][1]))
        res.append((name, rel(st.stacked_losses.valid_loss[-1], sep)))
    return all(d < 1e-3 for _, d in res), '; '.join(f"{n}: valid loss {d:.1e}" for n, d in res)

@check
def sdpa_fused(s):
    "SDPA through a fused kernel (no math fallback) against the explicit map: outputs and gradients."
    kernels = [SDPBackend.FLASH_ATTENTION] if s.dry else [SDPBackend.FLASH_ATTENTION, SDPBackend.EFFICIENT_ATTENTION, SDPBackend.CUDNN_ATTENTION]
    shapes = [(64, 64, 64)] if s.dry else [(64, 64, 96), (64, 64, 64)]   # on the CPU only flash is fused, and it needs equal widths
    res = []
    for i, o, k in shapes:
        for heads in (1, 4):
            ex, fu = AttentionLayer(i, o, k, n_heads=heads), AttentionLayer(i, o, k, n_heads=heads, use_sdpa=True)
            fu.load_state_dict(ex.state_dict()); ex, fu = ex.to(s.device), fu.to(s.device)
            x = torch.randn(32, i, 100, device=s.device)
            with sdpa_kernel(kernels): yf = fu(x); yf.square().sum().backward()
            ye = ex(x); ye.square().sum().backward()
            res.append((f"{i}/{o}/{k} x{heads}", rel(yf.detach(), ye.detach()), rel(fu.conv_Q.weight.grad, ex.conv_Q.weight.grad)))
    return all(a < 1e-3 and g < 1e-2 for _, a, g in res), '; '.join(f"{n}: out {a:.1e}, grad {g:.1e}" for n, a, g in res)

@check
def bf16_test_mse(s):
    "bf16 autocast in the recorded step: its test MSE against float32's after the same training."
    res = {}
    for bf16 in (False, True):
        learn = toy_learner(s.dls(), init_model('attention', 0)).to_graph(bf16=bf16, graph=s.graph)
        fit(learn, s.epochs)
        with learn.no_bar(): res[bf16] = evaluate(learn).mse
    ratio = res[True] / res[False]
    return 0.5 < ratio < 2, f"float32 {res[False]:.4g}, bf16 {res[True]:.4g}: ratio {ratio:.3f}"

@check
def moved_memory(s):
    "lr_find reloads the optimizer's state, and a parameter is swapped: GraphStep records again and trains as eager steps do."
    def run(graph):
        learn = toy_learner(s.dls(), init_model('cnn', 0))
        if graph: learn.to_graph(graph=s.graph)
        with learn.no_bar(), learn.no_logging(): learn.lr_find(num_it=5, show_plot=False)
        p = next(learn.model.parameters()); p.data = p.data.clone()
        return fit(learn), learn
    (lg, g), (le, _) = run(True), run(False)
    d = rel(lg, le)
    return d < 1e-3 and g.graph_step._recorded_at == g.graph_step._memory(), f"losses after lr_find and a swapped parameter: {d:.1e}"

@check
def failed_capture(s):
    "A step that can't be captured: eager training, a warning with the original error, the caller's stream current again."
    class Sync(torch.nn.Module):  # synchronizing is not allowed while a stream is capturing; eagerly it is harmless
        def forward(self, x):
            if x.is_cuda: torch.cuda.synchronize()
            return x
    learn = toy_learner(s.dls(), torch.nn.Sequential(init_model('cnn', 0), Sync())).to_graph(graph=_Unrecordable if s.dry else CudaGraph)
    stream = torch.cuda.current_stream() if not s.dry else None
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter('always')
        fit(learn)
    msgs = [str(w.message) for w in caught if "can't record" in str(w.message)]
    restored = s.dry or torch.cuda.current_stream() == stream
    cause = any('capturing' in m for m in msgs)  # the capture's own error, not the one ending the capture
    return bool(msgs) and cause and restored and learn.graph_step.eager['train'] > 0, (msgs[0][:200] if msgs else 'no warning') + f"; stream restored: {restored}"

class _Unrecordable(EagerGraph):
    "On the CPU: a capture that fails as CUDA's does when a step synchronizes."
    def capture(self, step): raise RuntimeError('CUDA error: operation not permitted when stream is capturing')

@check
def per_item_losses(s):
    "get_preds(with_loss=True) after replayed steps: fastai's per-item losses, as eager steps give them."
    g = toy_learner(s.dls(), init_model('attention', 0)).to_graph(graph=s.graph); fit(g)
    e = toy_learner(s.dls(), init_model('attention', 0)); fit(e)
    with g.no_bar(), e.no_bar(): (_, _, lg), (_, _, le) = g.get_preds(with_loss=True), e.get_preds(with_loss=True)
    return lg.shape == le.shape and rel(lg, le) < 1e-2, f"{tuple(lg.shape)} losses, {rel(lg, le):.1e} from eager"

@check
def runner_repeats(s):
    "The same small experiment twice in deterministic mode: the same test MSE and curves, bit for bit."
    cfg = ExperimentConfig(models=('cnn', 'attention', 'lstm'), n_train=s.n, n_test=200, epochs=1, device=s.device.type)
    with tempfile.TemporaryDirectory() as tmp:
        for k in (1, 2): run_experiment(cfg, Path(tmp)/f'repeat{k}', figures=False, stack=False, graph=not s.dry)
        a, b = (read_results(Path(tmp)/f'repeat{k}') for k in (1, 2))
    same = all(x['test_mse'] == y['test_mse'] and x['train_loss'] == y['train_loss'] for x, y in zip(a, b))
    return same, ', '.join(f"{x['model']} {x['test_mse']:.5g}/{y['test_mse']:.5g}" for x, y in zip(a, b))

def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--out', required=True, help='folder for gpu_tests.json')
    p.add_argument('--dry-run', action='store_true', help='on the CPU, tiny sizes, EagerGraph for the recordings')
    a = p.parse_args()
    if not a.dry_run and not torch.cuda.is_available(): sys.exit('gpu_tests.py: no GPU here; use --dry-run on the CPU')
    out = Path(a.out); out.mkdir(parents=True, exist_ok=True)
    s = argparse.Namespace(dry=a.dry_run, device=torch.device('cpu' if a.dry_run else 'cuda'), graph=EagerGraph if a.dry_run else CudaGraph,
                           n=400 if a.dry_run else 3000, epochs=1 if a.dry_run else 3, out=out)
    train, test = generate_sequences(s.n, seed=5), generate_sequences(200, seed=6)
    s.dls = lambda seed=0: toy_dataloaders(train, test, seed=seed, device=s.device)
    results = []
    for fn in CHECKS:
        start = time.perf_counter()
        try: ok, detail = fn(s)
        except Exception as e: ok, detail = False, f"{type(e).__name__}: {e}"[:400] + '\n' + traceback.format_exc()[-1200:]
        results.append(dict(check=fn.__name__, ok=bool(ok), detail=detail, seconds=round(time.perf_counter() - start, 2), doc=fn.__doc__))
        print(f"{'ok    ' if ok else 'FAILED'} {fn.__name__} ({results[-1]['seconds']:.1f} s): {detail.splitlines()[0]}", flush=True)
    device = torch.cuda.get_device_name() if not a.dry_run else 'cpu (dry run)'
    (out/'gpu_tests.json').write_text(json.dumps(dict(device=device, torch=torch.__version__, dry_run=a.dry_run, checks=results), indent=1))
    failed = sum(not r['ok'] for r in results)
    print(f"{len(results) - failed} passed, {failed} failed")
    sys.exit(failed)

if __name__ == '__main__': main()
