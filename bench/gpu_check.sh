#!/usr/bin/env bash
# The GPU check: install the carried wheels, run the GPU tests, the runner, attnseq_verify and attnseq_study end to end,
# time every path, summarize the targets.
#
#   bash bench/gpu_check.sh            # on a GPU machine (Python 3.12, torch there, no network): results in $OUT
#   bash bench/gpu_check.sh --dry-run  # the same steps on the CPU at tiny sizes, in a couple of minutes
#
# The GPU machine has torch but not fastai: the wheels travel in a git-ignored .whl/ folder. Fetch them once,
# on a machine with a network, from the repository's root (the list is bench/gpu_wheels.txt):
#   python3 -m pip download --no-deps --only-binary=:all: --python-version 3.12 --implementation cp \
#     --platform manylinux_2_28_x86_64 --platform manylinux_2_17_x86_64 --platform manylinux2014_x86_64 \
#     -d .whl -r bench/gpu_wheels.txt
# and run, with .whl carried along:  OUT=<folder> bash bench/gpu_check.sh
# Each step has a time limit; a step that fails or runs out of time is reported, and the next one runs.
set -uo pipefail
cd "$(dirname "$0")/.."
DRY=0; [ "${1:-}" = "--dry-run" ] && DRY=1
OUT=${OUT:-$(mktemp -d)}; mkdir -p "$OUT"
export WORK; WORK=$(mktemp -d)  # runner folders: many files, kept out of $OUT
export STUDY_EPOCHS STUDY_EXTRA
export PYTHONUNBUFFERED=1 CUBLAS_WORKSPACE_CONFIG=:4096:8
LOG="$OUT/gpu_check.log"
FAILED=0; START=$(date +%s); BUDGET=${BUDGET:-540}  # seconds for the whole check: a device call allows 10 minutes, the machine's start aside
say() { echo "== $(date +%T) $*" | tee -a "$LOG"; }
step() {  # step SECONDS NAME COMMAND...: run with a time limit, log its output, never stop the check
  local limit=$1 name=$2; shift 2
  local left=$((BUDGET - ($(date +%s) - START)))
  [ $left -lt $limit ] && limit=$left
  [ $limit -lt 10 ] && { say "$name: skipped, the check's $BUDGET s are spent"; FAILED=$((FAILED + 1)); return 0; }
  say "$name (at most $limit s)"
  timeout "$limit" bash -c "$(declare -f timed verify study); \"\$@\"" _ "$@" >>"$LOG" 2>&1; local rc=$?
  [ $rc -eq 0 ] || { say "$name: exit $rc$([ $rc -eq 124 ] && echo ' (time limit)')"; FAILED=$((FAILED + 1)); }
  return 0
}
timed() {  # timed NAME ARGS...: the runner into $WORK/NAME, its wall seconds into $WORK/NAME.wall
  local name=$1; shift
  local t0; t0=$(date +%s.%N)
  python3 -m attnseq.cli --no_figures --out "$WORK/$name" "$@" || return $?
  python3 -c "import sys; print(float(sys.argv[2]) - float(sys.argv[1]))" "$t0" "$(date +%s.%N)" > "$WORK/$name.wall"
}
verify() {  # verify FOLDER: attnseq_verify retrains the folder's cheapest run; its table into $WORK/verify.md
  python3 -m attnseq.verify "$1" --rtol 1e-4 > "$WORK/verify.md"; local rc=$?; cat "$WORK/verify.md"; return $rc
}
study() {  # study ARGS...: attnseq_study on one task of a small study file, its table into $WORK/study.md
  printf '[tasks.unordered]\nmodels = ["cnn", "attention"]\nseeds = [0, 1]\nepochs = %s\nout = "%s"\n%s\n[tasks.ordered]\nmodels = ["cnn"]\nseeds = [0]\nout = "%s"\n' \
    "$STUDY_EPOCHS" "$WORK/study-unordered" "$STUDY_EXTRA" "$WORK/study-ordered" > "$WORK/study.toml"
  python3 -m attnseq.study "$WORK/study.toml" --tasks unordered --no_figures --summary "$WORK/study.md"
}

if [ $DRY -eq 0 ]; then
  say "installing the carried wheels"
  ls .whl/*.whl >/dev/null 2>&1 || { say "no wheels in .whl/: fetch them first (see the top of this script)"; exit 2; }
  python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target /tmp/site .whl/*.whl >>"$LOG" 2>&1 \
    || { say "installing the wheels failed"; exit 2; }
  export PYTHONPATH=/tmp/site:$PWD
  python3 -c "import torch; assert torch.cuda.is_available(), 'no GPU'; print(torch.__version__, torch.cuda.get_device_name())" 2>&1 | tee -a "$LOG"
  nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader >>"$LOG" 2>&1
  TESTS=(); BENCH=(--device cuda --epochs 2 --per-path)
  POST=(); GRAPH=(--graph --stack no); SEEDS=(--graph --seeds 0,1,2,3,4); EAGER=(--stack no)
  STUDY_EPOCHS=5; STUDY_EXTRA=''
else
  export PYTHONPATH=$PWD
  TESTS=(--dry-run); BENCH=(--device cpu --epochs 1 --n-train 600 --models cnn --per-path)
  POST=(--quick --epochs 1 --device cpu --models cnn,lstm); GRAPH=(--stack no); SEEDS=(--seeds 0,1 --stack yes); EAGER=(--stack no)
  STUDY_EPOCHS=1; STUDY_EXTRA=$'device = "cpu"\nn_train = 600\nn_test = 100'
fi

step 150 "GPU tests" python3 bench/gpu_tests.py --out "$OUT" "${TESTS[@]}"
step 60 "runner: the post's three models x 50 epochs, CUDA graphs" timed runner-graph "${POST[@]}" "${GRAPH[@]}"
step 60 "attnseq_verify: the cheapest run of that folder retrained" verify "$WORK/runner-graph"
step 60 "attnseq_study: one task of a small study file" study
step 90 "runner: five seeds of the three models" timed runner-seeds "${POST[@]}" "${SEEDS[@]}"
step 120 "runner: the post's three models x 50 epochs, eager" timed runner-eager "${POST[@]}" "${EAGER[@]}"
step 150 "bench_train.py: seconds per epoch of every path" python3 bench/bench_train.py "${BENCH[@]}" --results-dir "$OUT"
say "summary"
python3 bench/gpu_summary.py "$OUT" "$WORK" 2>&1 | tee -a "$LOG"
say "done: $OUT ($FAILED step(s) failed)"
exit $((FAILED > 0))
