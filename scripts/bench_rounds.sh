#!/bin/bash
# The rounds behind docs/benchmarks.md (session 5): three paired rounds at 20,000 documents
# (naive on one core, ours on the other), scaling at 1,000, 5,000 and 100,000, workers with the
# second core busy (a spinning process) and free. Usage: [ROUNDS=N] [FIRST_ROUND=K] scripts/bench_rounds.sh WORK_FOLDER [all|rounds|workers]; then
# python scripts/bench_report.py WORK_FOLDER/res. Corpora: WORK_FOLDER/w<N>/corpus-<N>-seed0.
set -u
B=${1:-/tmp/castcorpus-rounds}; PY=${PYTHON:-python}; S=$(dirname "$0")/bench_build.py; REPO=${REPO:-$(cd "$(dirname "$0")/.." && pwd)}
# Set PYTHONPATH to a copy of the package to keep edits out of a long run (docs/benchmarks.md).
log() { echo "$(date +%T) load $(cut -d' ' -f1 /proc/loadavg) $*" >> $B/timeline.log; }
bench() { # work docs variants json
  log "start $4"; $PY $S --docs $2 --variants $3 --work $B/$1 --repo $REPO --json $B/res/$4.json > $B/res/$4.txt 2>&1; log "end $4"; }
PART=${2:-all}
mkdir -p $B/res
# Paired rounds FIRST_ROUND to ROUNDS at 20,000 (default 1 to 3: more rounds can be added to a
# finished run); the build with a state runs first in even rounds.
for i in $(seq ${FIRST_ROUND:-1} ${ROUNDS:-3}); do
  [ $PART = workers ] && break
  log "round $i naive start"
  ( bench w20000 20000 naive naive20k-r$i ) &
  NAIVE=$!
  if [ $((i % 2)) = 0 ]; then order=ours,full; else order=full,ours; fi
  bench w20000 20000 $order,floor,edit,remove-add,rebuild,validate ours20k-r$i
  case $i in
    1) bench w100000 100000 full,ours,edit,remove-add,validate s100k-r1 ;;
    2) bench w1000 1000 full,ours,edit,remove-add,validate s1k-r1
       bench w5000 5000 full,ours,edit,remove-add,validate s5k-r1
       bench w1000 1000 ours,full,edit,remove-add,validate s1k-r2
       bench w5000 5000 ours,full,edit,remove-add,validate s5k-r2 ;;
  esac
  log "round $i waiting for naive"
  wait $NAIVE
done
[ $PART = rounds ] && { log "all done"; exit 0; }
# Workers with the second core busy: a spinning process keeps one core occupied. One process
# (full), two workers (jobs2) and the build's own choice (default), in rotating order.
$PY -c "while True: pass" &
SPIN=$!
sleep 2
bench w5000 5000 full,jobs2,default busy5k-r1
bench w5000 5000 default,full,jobs2 busy5k-r2
bench w20000 20000 full,jobs2,default busy20k-r1
bench w20000 20000 jobs2,default,full busy20k-r2
kill $SPIN
sleep 2
bench w5000 5000 full,jobs2,default free5k-r1
bench w5000 5000 default,full,jobs2 free5k-r2
bench w20000 20000 full,jobs2,default free20k-r1
bench w20000 20000 jobs2,default,full free20k-r2
log "all done"
