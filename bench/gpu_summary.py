"""Summarize a GPU check (`bench/gpu_check.sh`): the tests, the per-epoch table, the runner's timings, `attnseq_verify`'s
and `attnseq_study`'s tables, each performance target marked met or missed with its figure. Writes DIR/gpu_check.md and DIR/gpu_check.json.

    python bench/gpu_summary.py DIR WORK    # DIR: the check's output folder; WORK: its runner folders
"""
import json, statistics, sys
from pathlib import Path

def runner(work:Path, name:str):
    "Training seconds, test MSE per run and wall seconds of one runner call of the check, or None if it did not finish."
    f = work/name/'results.json'
    if not f.exists(): return None
    res = json.loads(f.read_text())
    wall = json.loads((work/f'{name}.wall').read_text()) if (work/f'{name}.wall').exists() else None
    jobs = {(r['model'], tuple(r.get('stacked') or [r['seed']])): r['seconds'] for r in res['runs']}  # a stack's seconds are its seeds' together
    return dict(seconds=sum(jobs.values()), wall=wall, device=res['device'], commit=res['git_commit'],
                runs={f"{r['model']}-s{r['seed']}": dict(test_mse=r['test_mse'], seconds=r['seconds'], graph=r.get('graph'),
                                                         stacked=r.get('stacked')) for r in res['runs']})

def main():
    out, work = Path(sys.argv[1]), Path(sys.argv[2])
    tests = json.loads((out/'gpu_tests.json').read_text()) if (out/'gpu_tests.json').exists() else None
    bench = next((json.loads(f.read_text()) for f in sorted(out.glob('train-*.json'))), None)
    runs = {k: runner(work, k) for k in ('runner-graph', 'runner-seeds', 'runner-eager')}
    dry = bool(tests and tests['dry_run'])
    lines = [f"# GPU check{' (dry run on the CPU: the figures are not the targets’)' if dry else ''}", '',
             f"Device: {tests['device'] if tests else 'unknown'}; torch {tests['torch'] if tests else '?'}; commit "
             f"{next((r['commit'] for r in runs.values() if r), None) or (bench or {}).get('commit')}", '']
    if tests:
        lines += ['## Tests', '', '| check | result | seconds | figures |', '|---|---|---:|---|']
        lines += [f"| {c['check']} | {'ok' if c['ok'] else '**FAILED**'} | {c['seconds']:.1f} | {c['detail'].splitlines()[0][:300]} |" for c in tests['checks']]
        lines.append('')
    if bench:
        lines += ['## Seconds per epoch (`bench_train.py`)', ''] + bench['table'] + ['']
    med = lambda path, model: (statistics.median(r['s_per_epoch'] for r in bench['runs'] if r['path'] == path and r['model'] == model and 's_per_epoch' in r)
                               if bench and any(r['path'] == path and r['model'] == model and 's_per_epoch' in r for r in bench['runs']) else None)
    targets = []
    g, s5, e = runs['runner-graph'], runs['runner-seeds'], runs['runner-eager']
    if g: targets.append(('the post’s three models × 50 epochs, runner with --graph, ≤ 15 s', g['seconds'] <= 15, f"{g['seconds']:.1f} s training ({g['wall']:.1f} s wall)" if g['wall'] else f"{g['seconds']:.1f} s"))
    models = ('cnn', 'attention', 'lstm')
    post = [med('post', m) for m in models]
    if g and all(post):
        epochs = 50
        ratio = sum(post) * epochs / g['seconds']
        targets.append(('≥ 20× the post’s pipeline (its s/epoch × 50, summed over the three models)', ratio >= 20, f"{ratio:.1f}×"))
    for m in models:
        a, p = med('graph', m), med('plain_graph', m)
        if a and p: targets.append((f"{m}: within 1.2× of the hand-written CUDA-graph loop", a / p <= 1.2, f"{a / p:.2f}× ({a:.3f} against {p:.3f} s/epoch)"))
    if g and s5: targets.append(('five seeds of the three models ≤ 2× one seed', s5['seconds'] <= 2 * g['seconds'], f"{s5['seconds'] / g['seconds']:.2f}× ({s5['seconds']:.1f} against {g['seconds']:.1f} s)"))
    if g and e:
        diffs = {k: abs(g['runs'][k]['test_mse'] - e['runs'][k]['test_mse']) / e['runs'][k]['test_mse'] for k in g['runs'] if k in e['runs']}
        noise = {}
        if s5:
            for m in models:
                v = [r['test_mse'] for k, r in s5['runs'].items() if k.startswith(m + '-s')]
                if len(v) > 1: noise[m] = statistics.stdev(v) / statistics.mean(v)
        within = all(d <= noise.get(k.split('-s')[0], 0) for k, d in diffs.items()) if noise else None
        targets.append(('--graph matches eager within seed noise (test MSE, relative)', within,
                        '; '.join(f"{k}: {d:.2%}" + (f" (seed spread {noise[k.split('-s')[0]]:.1%})" if k.split('-s')[0] in noise else '') for k, d in diffs.items())))
    if targets:
        lines += ['## Targets', '', '| target | met | figure |', '|---|---|---|']
        lines += [f"| {t} | {'n/a' if ok is None else 'met' if ok else '**missed**'} | {fig} |" for t, ok, fig in targets] + ['']
    if any(runs.values()):
        lines += ['## Runner', '', '| call | run | test MSE | seconds | replayed steps | stacked |', '|---|---|---:|---:|---|---|']
        for name, r in runs.items():
            if r: lines += [f"| {name} | {k} | {v['test_mse']:.5g} | {v['seconds']:.1f} | {(v['graph'] or {}).get('replayed', '')} | {v['stacked'] or ''} |" for k, v in r['runs'].items()]
        lines.append('')
    for name, title in (('verify.md', "`attnseq_verify` on the runner's folder (its cheapest run retrained)"), ('study.md', '`attnseq_study`, one task')):
        text = (work/name).read_text() if (work/name).exists() else ''
        text = text[max(text.find('| '), 0):].strip()  # the table and what follows it, without the runner's progress bars
        lines += [f'## {title}', '', text or '**did not finish** (see gpu_check.log)', '']
    (out/'gpu_check.md').write_text('\n'.join(lines) + '\n')
    (out/'gpu_check.json').write_text(json.dumps(dict(tests=tests, bench=bench, runner=runs, dry_run=dry,
                                                      targets=[dict(target=t, met=ok, figure=f) for t, ok, f in targets]), indent=1))
    for t, ok, fig in targets:  # a dry run's figures are the CPU's: they say nothing about the targets
        print(f"{'dry run, CPU figure: ' if dry else ''}target {'n/a   ' if ok is None else 'met   ' if ok else 'MISSED'} {t}: {fig}")
    if tests: print(f"tests: {sum(c['ok'] for c in tests['checks'])} passed, {sum(not c['ok'] for c in tests['checks'])} failed")

if __name__ == '__main__': main()
