#!/usr/bin/env bash
# Ours (`bench`, analytic) next to the NumPy/SciPy reference, same machine state, one after the other, per size.
# Usage (from the repository root, after ./mvnw -q -B -DskipTests package):
#   benchmarks/reference/compare_analytic.sh [DATASET] [FEATURES...]     # default: mnist 2500 8960
# Prints the load before each run and one line per run; raw outputs go to ${OUT:-/tmp/compare-analytic}.
set -euo pipefail
dataset=${1:-mnist}
shift || true
sizes=("$@")
[ ${#sizes[@]} -eq 0 ] && sizes=(2500 8960)
data=${DATA:-../shared/data}
out=${OUT:-/tmp/compare-analytic}
jar=${JAR:-streams-app/target/autoactivator.jar}
mkdir -p "$out"
cp "$jar" "$out/autoactivator.jar" # a rebuild must not swap the jar under the run
echo "machine: $(nproc) cores, $(java -version 2>&1 | head -1), $(python3 -c 'import numpy, scipy; print("numpy", numpy.__version__, "scipy", scipy.__version__)')"
for f in "${sizes[@]}"; do
  echo "load before ours   F=$f: $(uptime)"
  java -jar "$out/autoactivator.jar" bench --dataset "$dataset" --data "$data" --tasks 5 --orders 1 \
      --methods analytic --option analytic.features="$f" --json "$out/ours-$dataset-$f.json" \
      > "$out/ours-$dataset-$f.txt" 2> "$out/ours-$dataset-$f.log"
  python3 - "$out/ours-$dataset-$f.json" <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))["methods"]["analytic"]["per_order"][0]
print("ours   F=%s: ACC %.4f, train %.1f s (per task %s)" % (sys.argv[1].rsplit("-", 1)[1][:-5], m["acc"],
      m["train_seconds"], ", ".join("%.1f" % s for s in m["train_seconds_per_task"])))
PY
  echo "load before NumPy  F=$f: $(uptime)"
  python3 benchmarks/reference/analytic_numpy.py --data "$data/$dataset" --features "$f" > "$out/numpy-$dataset-$f.json"
  python3 - "$out/numpy-$dataset-$f.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
print("numpy  F=%d: ACC %.4f, train %.1f s (per task %s; %s)" % (r["features"], r["acc"], r["train_seconds"],
      ", ".join("%.1f" % s for s in r["train_seconds_per_task"]), r["blas"]))
PY
done
echo "load after: $(uptime)"
