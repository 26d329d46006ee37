"""The Ray engine at work, on a real Ray on this machine: the tests that start processes, kill them or press Ctrl-C.

The engines page (`nbs/10_engines.ipynb`) shows the same runs; these tests check them on every test run.
"""
import contextlib, dataclasses, io, json, os, signal, subprocess, sys, textwrap, time
from pathlib import Path

import pytest
import torch
from fastai.callback.core import Callback

from attnseq.engines import EngineConfig, ray_jobs
from attnseq.folder import ExperimentConfig, finished_run, make_data, read_results
from attnseq.jobs import Job, RunFailed
from attnseq.models import count_params
from attnseq.runner import run_experiment
from attnseq.study import read_study, run_study

ray = pytest.importorskip('ray')

SMALL = ExperimentConfig(n_train=400, n_test=100, epochs=2, models=('cnn', 'lstm'), seeds=(0, 1))
ONE_SEED = dataclasses.replace(SMALL, seeds=(0,))
CNN_PARAMS = 62337
RAY = EngineConfig('ray', cpus_per_run=1)


@pytest.fixture(scope='module')
def local_ray():
    "A Ray on this machine with two CPUs, for the module: `run_experiment` uses it and leaves it running."
    # the callbacks below travel to the workers by value: they can't import this test module
    ray.cloudpickle.register_pickle_by_value(sys.modules[__name__])
    ray.init(address='local', num_cpus=2, include_dashboard=False, log_to_driver=False, logging_level='ERROR')
    yield ray
    ray.shutdown()


@pytest.fixture(scope='module')
def local_runs(tmp_path_factory):
    "The small grid trained by the local engine at one thread: what every Ray run must equal, bit for bit."
    out = tmp_path_factory.mktemp('local')/'small'
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try: run_experiment(SMALL, out, figures=False)
    finally: torch.set_num_threads(threads)
    return {(r['model'], r['seed']): r for r in read_results(out)}


def same_numbers(runs, local_runs):
    for r in runs:
        x = local_runs[r['model'], r['seed']]
        for k in ('test_mse', 'test_mse_raw', 'train_loss', 'valid_loss', 'test_loss', 'steps'): assert r[k] == x[k], k
        assert r['numerics']['threads'] == 1


def test_ray_equals_local(local_ray, local_runs, tmp_path):
    out = tmp_path/'ray'
    run_experiment(SMALL, out, figures=False, engine=RAY)
    runs = read_results(out)
    assert [(r['model'], r['seed']) for r in runs] == list(local_runs)
    same_numbers(runs, local_runs)
    assert sorted(p.name for p in out.iterdir()) == ['.lock', 'config.json', 'results.csv', 'results.json', 'results.md', 'runs']
    assert list(out.rglob('*.tmp')) + list(out.rglob('*.token')) == []
    assert json.loads((out/'results.json').read_text())['failed'] == {}


class Troubled(Callback):
    "The CNN's run raises an error; the LSTM's loss turns NaN."
    def after_loss(self):
        if count_params(self.model) == CNN_PARAMS: raise RuntimeError('a broken callback')
        self.learn.loss_grad = self.learn.loss = self.loss_grad * float('nan')


def test_failures_are_reported(local_ray, tmp_path):
    "A task that raises and a run that fails: both reported with their causes, no run files left."
    with pytest.raises(RunFailed) as e:
        run_experiment(ONE_SEED, tmp_path/'troubled', figures=False, engine=RAY, cbs=[Troubled()])
    msg = str(e.value)
    assert msg.startswith('2 job(s) failed'), msg
    assert 'cnn-s0: RayTaskError(RuntimeError): a broken callback' in msg, msg
    assert 'lstm-s0: the training loss became nan at epoch 1' in msg, msg
    assert list((tmp_path/'troubled'/'runs').rglob('*')) == []


def test_folder_not_shared(local_ray, tmp_path):
    "A worker that sees the path but not the folder's config (another folder there on its node): the driver stops."
    train, test = make_data(SMALL)
    bare = tmp_path/'bare'
    bare.mkdir()
    with pytest.raises(OSError, match="the Ray workers don't see the results folder"):
        ray_jobs(SMALL, bare, [Job('lstm', (0,))], train, test, {}, RAY)
    assert list(bare.iterdir()) == []


class DieOnce(Callback):
    "Kill this process at the first training batch of the first run to get here (a marker file remembers it)."
    def __init__(self, marker): self.marker = str(marker)
    def before_batch(self):
        try: os.close(os.open(self.marker, os.O_CREAT | os.O_EXCL))
        except FileExistsError: return
        os._exit(9)


def test_worker_killed_is_retried(local_ray, local_runs, tmp_path):
    "The first task kills its own worker, as kill -9 would: Ray runs it again, and the folder ends complete."
    marker = tmp_path/'died-once'
    with contextlib.redirect_stdout(io.StringIO()):
        run_experiment(ONE_SEED, tmp_path/'killed', figures=False, engine=RAY, cbs=[DieOnce(marker)])
    assert marker.exists()
    assert sorted(p.name for p in (tmp_path/'killed'/'runs').iterdir()) == ['cnn-s0', 'lstm-s0']
    same_numbers(read_results(tmp_path/'killed'), local_runs)
    assert list((tmp_path/'killed').rglob('*.tmp')) == []


DRIVER = textwrap.dedent('''
    import os, signal, sys, time
    from fastai.callback.core import Callback
    from attnseq.engines import EngineConfig
    from attnseq.folder import ExperimentConfig
    from attnseq.runner import run_experiment
    signal.signal(signal.SIGINT, signal.default_int_handler)  # a process started in the background ignores SIGINT

    class Hold(Callback):
        "Make the CNN's run wait (up to five minutes) for a file that never comes."
        def before_fit(self):
            if sum(p.numel() for p in self.model.parameters()) == {cnn}:
                for _ in range(3000):
                    if os.path.exists({never!r}): return
                    time.sleep(0.1)

    cfg = ExperimentConfig(n_train=400, n_test=100, epochs=2, models=('cnn', 'lstm'), seeds=(0,))
    try: run_experiment(cfg, {out!r}, figures=False, engine=EngineConfig('ray', cpus_per_run=1), cbs=[Hold()])
    except KeyboardInterrupt: sys.exit(130)
''')


def test_second_driver_and_ctrl_c(tmp_path):
    "A second driver on a held folder is refused at once; Ctrl-C keeps the finished run, cancels the held one."
    held = tmp_path/'held'
    script = DRIVER.format(cnn=CNN_PARAMS, never=str(tmp_path/'never'), out=str(held))
    driver = subprocess.Popen([sys.executable, '-c', script], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 300
        while not (held/'runs'/'lstm-s0'/'metrics.json').exists():
            assert driver.poll() is None, driver.stderr.read()
            assert time.monotonic() < deadline, 'the LSTM run never landed'
            time.sleep(0.2)
        start = time.monotonic()
        second = subprocess.run(['attnseq', '--engine', 'ray', '--epochs', '2', '--out', str(held)],
                                capture_output=True, text=True)
        assert second.returncode == 2, second.stderr
        assert f'is in use by process {driver.pid}' in second.stderr, second.stderr
        assert time.monotonic() - start < 60   # refused at once: no Ray started, nothing trained
        driver.send_signal(signal.SIGINT)
        assert driver.wait(timeout=120) == 130, driver.stderr.read()
    finally:
        if driver.poll() is None: driver.kill()
    assert finished_run(held/'runs'/'lstm-s0') is not None
    assert not (held/'runs'/'cnn-s0'/'metrics.json').exists()
    assert list(held.rglob('*.tmp')) == []
    # the same call resumes: the LSTM run is kept, the CNN's trained
    stamp = (held/'runs'/'lstm-s0'/'metrics.json').stat().st_mtime_ns
    with contextlib.redirect_stdout(io.StringIO()):
        resumed = run_experiment(ONE_SEED, held, figures=False, engine=EngineConfig('ray', cpus_per_run=1))
    assert list(resumed.index) == ['cnn', 'lstm']
    assert (held/'runs'/'lstm-s0'/'metrics.json').stat().st_mtime_ns == stamp


TINY = '''
[tasks.unordered]
models = ["cnn", "lstm"]
seeds = [0]
epochs = 2
n_train = 400
n_test = 100
out = "{root}/unordered"

[tasks.ordered]
models = ["lstm", {{name = "cnn", options = {{ks = 3}}, label = "cnn3"}}]
seeds = [0, 1]
epochs = 2
n_train = 400
n_test = 100
out = "{root}/ordered"
'''


def test_study_on_ray_equals_local(local_ray, tmp_path):
    "A study's tasks trained by Ray give the local engine's runs at one thread and the same study table."
    # a model with options (`ModelSpec`) travels to Ray's workers with them: cnn3 is a CNN with kernels of 3
    texts = {}
    for name, engine in (('local', None), ('ray', RAY)):
        f = tmp_path/f'{name}.toml'
        f.write_text(TINY.format(root=tmp_path/name))
        threads = torch.get_num_threads()
        torch.set_num_threads(1)
        try:
            with contextlib.redirect_stdout(io.StringIO()): texts[name], failed = run_study(read_study(f), False, engine=engine)
        finally: torch.set_num_threads(threads)
        assert failed == {}
    assert texts['ray'] == texts['local']
    for task in ('unordered', 'ordered'):
        for x, y in zip(read_results(tmp_path/'local'/task), read_results(tmp_path/'ray'/task), strict=True):
            for k in ('test_mse', 'train_loss', 'valid_loss', 'test_loss'): assert x[k] == y[k], (task, k)
    cnn3 = [r for r in read_results(tmp_path/'ray'/'ordered') if r['model'] == 'cnn3']
    assert [(r['seed'], r['params'], r['model_spec']['options']['ks']) for r in cnn3] == [(0, 37_505, 3), (1, 37_505, 3)]
