"""The runner and its folder lock across processes: a second runner refused at once, holders killed with SIGKILL.

The runner's page (`nbs/12_runner.ipynb`) and the folder's (`nbs/06_folder.ipynb`) show the same guarantees within
one process; these tests check them with real processes.
"""
import dataclasses, os, signal, subprocess, sys, textwrap, time
from dataclasses import asdict

import pytest

from attnseq.folder import ExperimentConfig, FolderBusy, folder_lock, read_results
from attnseq.runner import run_experiment

SMALL = ExperimentConfig(n_train=400, n_test=100, epochs=2, seeds=(0, 1))


def test_second_runner_is_refused_at_once(tmp_path):
    "`attnseq` on a folder this process holds: exit 2 at once, one line naming the folder and the holder."
    out = tmp_path/'small'
    with folder_lock(out):
        start = time.monotonic()
        p = subprocess.run(['attnseq', '--out', str(out), '--models', 'cnn', '--epochs', '2', '--seeds', '0,1'],
                           capture_output=True, text=True)
        took = time.monotonic() - start
    assert p.returncode == 2, p.stderr
    assert f'is in use by process {os.getpid()}' in p.stderr and str(out) in p.stderr, p.stderr
    assert len(p.stderr.strip().splitlines()) == 1
    assert took < 30
    assert not (out/'runs').exists()


HOLDER = textwrap.dedent('''
    import time
    from attnseq.folder import folder_lock
    with folder_lock({out!r}):
        print('held', flush=True)
        time.sleep(120)
''')


def test_holder_killed_releases_the_folder(tmp_path):
    out = tmp_path/'held'
    holder = subprocess.Popen([sys.executable, '-c', HOLDER.format(out=str(out))], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == 'held'
        with pytest.raises(FolderBusy, match=f'is in use by process {holder.pid}'):
            with folder_lock(out): pass
    finally:
        holder.kill()
        holder.wait()
    with folder_lock(out): pass   # no stale lock: the OS released it with the process
    assert (out/'.lock').read_text().startswith(f'process {os.getpid()} on ')


def test_runner_killed_resumes(tmp_path):
    "A runner killed with SIGKILL mid-run: its lock dies with it, the half-trained run is trained again."
    nine = tmp_path/'kill9'
    cfg = dataclasses.replace(SMALL, models=('cnn', 'attention'), seeds=(0,), epochs=20)
    code = (f"from attnseq.folder import ExperimentConfig; from attnseq.runner import run_experiment; "
            f"run_experiment(ExperimentConfig(**{asdict(cfg)!r}), {str(nine)!r}, figures=False)")
    runner = subprocess.Popen([sys.executable, '-c', code], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 300
    while not (nine/'runs'/'cnn-s0'/'metrics.json').exists() and runner.poll() is None:
        assert time.monotonic() < deadline
        time.sleep(0.05)
    os.kill(runner.pid, signal.SIGKILL)   # the CNN finished; the attention model was training
    runner.wait()
    assert runner.returncode == -signal.SIGKILL
    (nine/'runs'/'attention-s0').mkdir(parents=True, exist_ok=True)
    (nine/'runs'/'attention-s0'/f'.weights.pt.{runner.pid}-0badf00d.tmp').write_bytes(b'half a file')  # as a kill leaves it
    table = run_experiment(cfg, nine, figures=False)
    assert list(table.index) == ['cnn', 'attention']
    assert list(nine.rglob('*.tmp')) == []
    assert [(r['model'], r['seed']) for r in read_results(nine)] == [('cnn', 0), ('attention', 0)]


def test_verify_sigterm_removes_its_scratch_folder(tmp_path):
    "`attnseq_verify` stopped with SIGTERM while it retrains: exit 130, one line, no scratch folder left."
    out = tmp_path/'small'
    cfg = dataclasses.replace(SMALL, models=('attention',), seeds=(0,), epochs=30)
    run_experiment(cfg, out, figures=False)
    scratch = tmp_path/'scratch'
    scratch.mkdir()
    env = {**os.environ, 'TMPDIR': str(scratch)}   # where its scratch folder goes
    p = subprocess.Popen(['attnseq_verify', str(out)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                         text=True, env=env)
    deadline = time.monotonic() + 120
    while not list(scratch.glob('attnseq-verify-*/*/runs')):   # retraining has started
        assert p.poll() is None, p.stderr.read()
        assert time.monotonic() < deadline
        time.sleep(0.05)
    p.send_signal(signal.SIGTERM)
    assert p.wait(timeout=60) == 130
    err = p.stderr.read().strip().splitlines()
    assert err == ['attnseq_verify: interrupted: nothing was verified, the folder is untouched'], err
    assert list(scratch.iterdir()) == []
