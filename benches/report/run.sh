#!/usr/bin/env bash
# The `labrun report` benchmark: `labrun report --format json` (release build) against the
# same aggregation as a jq pipeline (report.jq), over the same 10,000 generated logs.
#
# Prints both wall-clock times, their ratio, each one's peak RSS (/usr/bin/time -v), the
# event count, and whether the two outputs agree. Targets: labrun at least 10x faster than
# jq, under 1 s, and memory bounded by learners × steps: the peak RSS stays flat when the
# same learners' logs hold three times the events.
#
# Knobs (environment): LABRUN_BENCH_RUNS (labrun runs, the median is kept; default 5),
# LABRUN_BENCH_JQ_RUNS (default 1: jq 1.6 takes minutes; 0 skips it), LABRUN_BENCH_REGENERATE=1.
set -euo pipefail
cd "$(dirname "$0")/../.."

data=benches/report/data
runs=${LABRUN_BENCH_RUNS:-5}
jq_runs=${LABRUN_BENCH_JQ_RUNS:-1}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

for tool in jq python3 /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "needs $tool (apt-get install -y jq time python3)" >&2; exit 2; }
done

if [[ ${LABRUN_BENCH_REGENERATE:-0} == 1 || ! -f $data/.generated ]]; then
  rm -rf "$data"
  python3 benches/report/generate.py "$data"
  touch "$data/.generated"
fi
cargo build --release --locked --quiet
bin=target/release/labrun

find "$data" -name '*.jsonl' | LC_ALL=C sort > "$work/files"
files=$(wc -l < "$work/files")
events=$(xargs cat < "$work/files" | wc -l)
bytes=$(xargs cat < "$work/files" | wc -c)
# Warm the page cache, so both read from memory.
xargs cat < "$work/files" > /dev/null

# One timed run: prints "WALL_SECONDS PEAK_RSS_KIB CPU_SECONDS"; the command's stdout goes
# to $1. CPU time (user + system) is printed too: on a machine shared with other work, wall
# time says as much about the neighbours as about the program.
measure() {
  local out=$1; shift
  /usr/bin/time -v -o "$work/time" "$@" > "$out"
  awk -F': ' '
    /Elapsed \(wall clock\)/ { n = split($2, p, ":"); for (i = 1; i <= n; i++) wall = wall * 60 + p[i] }
    /Maximum resident set size/ { rss = $2 }
    /User time/ { cpu += $2 }
    /System time/ { cpu += $2 }
    END { printf "%.3f %d %.3f\n", wall, rss, cpu }' "$work/time"
}

median() { sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

: > "$work/labrun.runs"
for _ in $(seq "$runs"); do
  measure "$work/labrun.json" "$bin" report --format json "$data" >> "$work/labrun.runs"
done
: > "$work/jq.runs"
for _ in $(seq "$jq_runs"); do
  measure "$work/jq.json" bash -c "xargs cat < '$work/files' | jq -n -f benches/report/report.jq" >> "$work/jq.runs"
done

labrun_s=$(cut -d' ' -f1 "$work/labrun.runs" | median)
labrun_rss=$(cut -d' ' -f2 "$work/labrun.runs" | sort -n | tail -1)
labrun_cpu=$(cut -d' ' -f3 "$work/labrun.runs" | median)
if [[ $jq_runs -gt 0 ]]; then
  jq_s=$(cut -d' ' -f1 "$work/jq.runs" | median)
  jq_rss=$(cut -d' ' -f2 "$work/jq.runs" | sort -n | tail -1)
  jq_cpu=$(cut -d' ' -f3 "$work/jq.runs" | median)
else
  jq_s=0 jq_rss=0 jq_cpu=0
  echo '{}' > "$work/jq.json"
fi
load=$(cut -d' ' -f1-3 /proc/loadavg)

# Memory follows learners × steps, not events: the same logs as one file, then three times
# over (the same learners replaying their lessons: three times the events).
xargs cat < "$work/files" > "$work/once.jsonl"
for _ in 1 2 3; do cat "$work/once.jsonl"; done > "$work/thrice.jsonl"
once_rss=$(measure /dev/null "$bin" report --format json "$work/once.jsonl" | cut -d' ' -f2)
thrice_rss=$(measure /dev/null "$bin" report --format json "$work/thrice.jsonl" | cut -d' ' -f2)

if [[ $jq_runs -eq 0 ]]; then
  agree="not compared"
elif diff <(jq -S . "$work/labrun.json") <(jq -S . "$work/jq.json") > "$work/diff"; then
  agree="yes, identical JSON"
else
  agree="NO: $(wc -l < "$work/diff") diff lines (first ones below)"
fi

awk -v f="$files" -v e="$events" -v b="$bytes" -v ls="$labrun_s" -v lr="$labrun_rss" \
    -v js="$jq_s" -v jr="$jq_rss" -v runs="$runs" -v jruns="$jq_runs" -v agree="$agree" \
    -v cores="$(nproc)" -v r1="$once_rss" -v r3="$thrice_rss" -v lc="$labrun_cpu" -v jc="$jq_cpu" -v load="$load" 'BEGIN {
  ratio = (ls > 0) ? js / ls : 0
  printf "input:   %d logs, %d events, %.1f MB (load average before: %s on %d cores)\n", f, e, b / 1e6, load, cores
  printf "labrun:  %6.2f s wall, %6.2f s CPU (medians of %d)  peak RSS %6.1f MiB\n", ls, lc, runs, lr / 1024
  if (jruns > 0) {
    printf "jq:      %6.2f s wall, %6.2f s CPU (medians of %d)  peak RSS %6.1f MiB\n", js, jc, jruns, jr / 1024
    printf "ratio:   labrun is %.1fx faster than jq (wall time; %.1fx in CPU time)\n", ratio, (lc > 0 ? jc / lc : 0)
  } else {
    printf "jq:      skipped (LABRUN_BENCH_JQ_RUNS=0)\n"
  }
  printf "memory:  one file of all %d events: peak RSS %.1f MiB; the same three times over (%d events): %.1f MiB\n",
    e, r1 / 1024, 3 * e, r3 / 1024
  printf "agree:   %s\n", agree
  printf "targets: >= 10x faster: %s; under 1 s: %s; memory flat as events triple (within 10%%): %s\n",
    (jruns == 0 ? "n/a" : ratio >= 10 ? "met" : "MISSED"), (ls < 1 ? "met" : "MISSED"), (r3 <= r1 * 1.1 ? "met" : "MISSED")
}'
[[ -f $work/diff ]] && head -20 "$work/diff"
exit 0
