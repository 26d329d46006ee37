"""What the test suite runs of the library: line and branch coverage of `attnseq/`, per module.

`nbdev_test` runs each notebook's own copy of its exported cells, so a coverage tool pointed at `attnseq/`
sees almost nothing of what the tests exercise. Here every notebook runs as `nbdev_test` runs it (the same
cells, flags, `IN_TEST`, working folder and one torch thread), except that each exported cell is replaced
by an import of the names it defines from `attnseq`: the tests then call the library itself. Each notebook
runs in a process of its own under coverage.py, and so does every Python process it starts (the command-line
tests, Ray's workers): coverage's `patch = subprocess`.

    python bench/bench_coverage.py [--notebooks 06_folder,12_runner] [--workers 2]

Prints a table per module and the lines and branches no test runs, and writes bench/results/coverage-cpu.json.
Takes about twice as long as the test suite (six to eight minutes on two cores).
"""
import argparse, ast, json, os, subprocess, sys, tempfile, time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LIB = ROOT/'attnseq'
EXPORTS = ('export', 'exports', 'exporti')  # nbdev's directives that send a cell to the library

RCFILE = """\
[run]
branch = True
source = {lib}
omit = {lib}/_modidx.py
parallel = True
data_file = {data}/.coverage
patch = subprocess
sigterm = True
[report]
exclude_also =
    if TYPE_CHECKING:
    if __name__ == .__main__.
"""

def _targets(node:ast.AST)->list[str]:
    "The names an assignment target binds (`a`, `a, b`, `(a, *b)`), not those inside a subscript or attribute."
    if isinstance(node, ast.Name): return [node.id]
    if isinstance(node, ast.Starred): return _targets(node.value)
    if isinstance(node, (ast.Tuple, ast.List)): return [n for e in node.elts for n in _targets(e)]
    return []

def _only_imports(node:ast.AST)->bool:
    "Whether `node` is an import, or a block (`if`, `try`) of nothing but imports."
    if isinstance(node, (ast.Import, ast.ImportFrom)): return True
    blocks = [getattr(node, f, None) for f in ('body', 'orelse', 'finalbody', 'handlers')]
    if not isinstance(node, (ast.If, ast.Try, ast.ExceptHandler)): return False
    return all(_only_imports(n) for b in blocks if isinstance(b, list) for n in b)

def bound_names(body:list)->tuple[list, list]:
    "The module-level names that statements `body` bind (`@patch` methods excepted: importing their module adds them), and their imports."
    names, imports = [], []
    for node in body:
        if _only_imports(node): imports.append(ast.unparse(node))  # kept as written: `if sys.version_info ...: import x`
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            if not any('patch' in ast.unparse(d) for d in node.decorator_list): names.append(node.name)
        else:
            if isinstance(node, ast.Assign): names += [n for t in node.targets for n in _targets(t)]
            elif isinstance(node, (ast.AnnAssign, ast.AugAssign, ast.For)): names += _targets(node.target)
            elif isinstance(node, ast.With): names += [n for i in node.items if i.optional_vars for n in _targets(i.optional_vars)]
            for field in ('body', 'orelse', 'finalbody', 'handlers'):  # the blocks of `if`, `try`, `for`, `with` run at module level
                if isinstance(getattr(node, field, None), list):
                    n, i = bound_names(getattr(node, field)); names += n; imports += i
    return list(dict.fromkeys(names)), imports

def library_cell(source:str, module:str)->str:
    "An exported cell's stand-in: its own imports, then the names it defines, imported from the library module."
    names, imports = bound_names(ast.parse(source).body)
    lines = imports + ([f"from attnseq.{module} import {', '.join(names)}"] if names else [])
    return '\n'.join(lines) or 'pass'

def run_notebook(fn:Path)->int:
    "Run one notebook as `nbdev_test` does, with its exported cells importing the library: the exit code."
    from execnb.shell import CaptureShell
    from fastcore.xtras import working_directory
    from nbdev.config import get_config
    from nbdev.frontmatter import FrontmatterProc
    from nbdev.process import NBProcessor
    os.environ['IN_TEST'] = '1'
    skip = set(get_config().tst_flags.split())
    nb = NBProcessor(fn, procs=FrontmatterProc, process=True).nb
    default = next((c.directives_['default_exp'][0] for c in nb.cells if 'default_exp' in (getattr(c, 'directives_', None) or {})), None)
    for cell in nb.cells:
        d = getattr(cell, 'directives_', None) or {}
        exp = [k for k in EXPORTS if k in d]
        if cell.cell_type == 'code' and exp:
            module = (d[exp[0]] or [default])[0]
            cell.source = library_cell(cell.source, module)
    def no_eval(cell):  # nbdev_test's choice of cells
        if cell.cell_type != 'code' or 'nbdev_export' + '(' in cell.source: return True
        d = getattr(cell, 'directives_', None) or {}
        if d.get('eval:', [''])[0].lower() == 'false': return True
        return skip & d.keys()
    shell = CaptureShell(fn)
    try:
        with working_directory(fn.parent): shell.run_all(nb, exc_stop=True, preproc=no_eval)
    except Exception:
        sys.stderr.write(shell.prettytb(fname=fn) + '\n')
        return 1
    return 0

def notebooks(names:str|None)->list[Path]:
    "The notebooks `nbdev_test` runs (all but those starting with `_`), or those named."
    nbs = sorted(p for p in (ROOT/'nbs').glob('*.ipynb') if not p.name.startswith('_'))
    if not names: return nbs
    want = [n.strip().removesuffix('.ipynb') for n in names.split(',') if n.strip()]
    unknown = [n for n in want if not (ROOT/'nbs'/f'{n}.ipynb').exists()]
    if unknown: sys.exit(f"--notebooks: no notebook {', '.join(unknown)} in nbs/")
    return [ROOT/'nbs'/f'{n}.ipynb' for n in want]

def measure(nbs:list[Path], workers:int, data:Path)->dict:
    "Run `nbs` under coverage, `workers` at a time, each in its own process: the seconds and exit code of each."
    rc = data/'coveragerc'
    rc.write_text(RCFILE.format(lib=LIB, data=data))
    env = {k: v for k, v in os.environ.items() if k not in ('OMP_NUM_THREADS', 'MKL_NUM_THREADS')} | {'OMP_NUM_THREADS': '1'}
    def one(fn):
        t0 = time.perf_counter()
        p = subprocess.run([sys.executable, '-m', 'coverage', 'run', f'--rcfile={rc}', __file__, '--run-notebook', str(fn)],
                           env=env, cwd=ROOT, capture_output=True, text=True)
        if p.returncode: print(f"{fn.name} failed:\n{p.stdout[-3000:]}{p.stderr[-3000:]}", file=sys.stderr)
        print(f"{fn.name}: {time.perf_counter() - t0:.0f} s{'' if p.returncode == 0 else ' FAILED'}", file=sys.stderr, flush=True)
        return fn.name, dict(seconds=round(time.perf_counter() - t0, 1), returncode=p.returncode)
    with ThreadPoolExecutor(workers) as ex: return dict(ex.map(one, nbs))

def report(data:Path)->dict:
    "Combine the processes' data; per module: statements and branches, covered, and what is not."
    import coverage
    cov = coverage.Coverage(config_file=str(data/'coveragerc'))
    cov.combine(strict=True)
    cov.save()
    cov.json_report(outfile=str(data/'coverage.json'), show_contexts=False)
    files = json.loads((data/'coverage.json').read_text())['files']
    out = {}
    for f, r in sorted(files.items()):
        s, lines = r['summary'], (ROOT/f).read_text().splitlines()
        out[Path(f).name] = dict(statements=s['num_statements'], covered_lines=s['covered_lines'], branches=s['num_branches'],
                                 covered_branches=s['covered_branches'], missing_lines=r['missing_lines'],
                                 missing_branches=r['missing_branches'],
                                 missing_source={n: lines[n - 1].strip() for n in r['missing_lines']})
    return out

def table(mods:dict)->list[str]:
    pct = lambda a, b: f"{100 * a / b:.1f}%" if b else '–'
    rows = ['| module | lines | lines run | line coverage | branches | branches taken | branch coverage |', '|---|---:|---:|---:|---:|---:|---:|']
    tot = [0, 0, 0, 0]
    for name, m in mods.items():
        v = (m['statements'], m['covered_lines'], m['branches'], m['covered_branches'])
        tot = [a + b for a, b in zip(tot, v)]
        rows.append(f"| `{name}` | {v[0]} | {v[1]} | {pct(v[1], v[0])} | {v[2]} | {v[3]} | {pct(v[3], v[2])} |")
    rows.append(f"| **all** | {tot[0]} | {tot[1]} | **{pct(tot[1], tot[0])}** | {tot[2]} | {tot[3]} | **{pct(tot[3], tot[2])}** |")
    return rows

def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--notebooks', help='comma-separated notebooks to run (default: all that nbdev_test runs)')
    p.add_argument('--workers', type=int, default=2, help='notebooks at once (nbdev_test: one per core)')
    p.add_argument('--results-dir', default=str(ROOT/'bench'/'results'), help='where coverage-cpu.json goes')
    p.add_argument('--run-notebook', help=argparse.SUPPRESS)
    a = p.parse_args()
    if a.run_notebook: sys.exit(run_notebook(Path(a.run_notebook)))
    if a.workers < 1: sys.exit('--workers must be >= 1')
    nbs = notebooks(a.notebooks)
    sys.path.insert(0, str(ROOT/'bench'))
    from bench_train import write_results
    with tempfile.TemporaryDirectory(prefix='attnseq-coverage-') as tmp:
        t0 = time.perf_counter()
        runs = measure(nbs, a.workers, Path(tmp))
        secs = time.perf_counter() - t0
        mods = report(Path(tmp))
    failed = [n for n, r in runs.items() if r['returncode']]
    for name, m in mods.items():
        for n, src in m['missing_source'].items(): print(f"{name}:{n}: {src}")
        for src, dst in m['missing_branches']: print(f"{name}:{src}->{dst if dst > 0 else 'exit'}: branch not taken")
    args = argparse.Namespace(device='cpu', n_train=25000, notebooks=[n.name for n in nbs], workers=a.workers, results_dir=a.results_dir)
    write_results('coverage', args, table(mods), seconds=round(secs, 1), notebooks=runs, modules=mods)
    if failed: sys.exit(f"these notebooks failed, so the figures miss what they would have run: {', '.join(failed)}")

if __name__ == '__main__': main()
