#!/usr/bin/env bash
# The class server benchmarks (release build, embedded SQLite):
#  1. import: 10,000 generated logs (about 1M events) through `labrun sync --server`, in
#     events per second, and the server's report against `labrun report` over the files;
#  2. report: `labrun report --server` for those 10,000 learners, against `labrun report` over
#     the files (the baseline);
#  3. stream: 1,000 simulated learners sending at once (stream.py), the time from an event to
#     the dashboard's stream, and the server's peak memory.
# Targets: import >= 50,000 events/s; report under 1 s; p99 under 1 s, memory bounded.
#
# Knobs: LABRUN_BENCH_LEARNERS (default 10000), LABRUN_BENCH_STEPS (default 75: about 100
# events a learner), LABRUN_BENCH_STREAMERS (default 1000), LABRUN_BENCH_REGENERATE=1,
# LABRUN_BENCH_POSTGRES (below).
set -euo pipefail
cd "$(dirname "$0")/../.."

learners=${LABRUN_BENCH_LEARNERS:-10000}
steps=${LABRUN_BENCH_STEPS:-75}
streamers=${LABRUN_BENCH_STREAMERS:-1000}
data=benches/serve/data
work=$(mktemp -d)
server=""
cleanup() { [[ -n $server ]] && kill "$server" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

for tool in python3 jq /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "needs $tool (apt-get install -y python3 jq time)" >&2; exit 2; }
done
if [[ ${LABRUN_BENCH_REGENERATE:-0} == 1 || ! -f $data/.generated ]]; then
  rm -rf "$data"
  python3 benches/report/generate.py "$data" --learners "$learners" --steps "$steps"
  touch "$data/.generated"
fi
cargo build --release --locked --quiet
bin=$(pwd)/target/release/labrun
events=$(find "$data" -name '*.jsonl' -print0 | xargs -0 cat | wc -l)
bytes=$(find "$data" -name '*.jsonl' -print0 | xargs -0 cat | wc -c)
echo "data: $(find "$data" -name '*.jsonl' | wc -l) logs, $events events, $((bytes / 1024 / 1024)) MiB"

export LABRUN_INSTRUCTOR_TOKEN=bench-instructor LABRUN_CLASS_CODE=bench-code
# LABRUN_BENCH_POSTGRES=postgres://USER@HOST:PORT: run on PostgreSQL instead, a fresh
# database per server (made with createdb).
start_server() {
  local database="sqlite://$work/class-$1.sqlite"
  if [[ -n ${LABRUN_BENCH_POSTGRES:-} ]]; then
    local name="labrun_bench_$1_$$"
    createdb --maintenance-db="$LABRUN_BENCH_POSTGRES/postgres" "$name"
    database="$LABRUN_BENCH_POSTGRES/$name"
  fi
  /usr/bin/time -v -o "$work/serve.time" "$bin" serve --listen 127.0.0.1:0 \
    --database "$database" > "$work/serve.out" 2> "$work/serve.err" &
  server=$!
  for _ in $(seq 100); do
    [[ -s $work/serve.out ]] && break
    sleep 0.1
  done
  url=$(head -1 "$work/serve.out" | sed 's/^listening on //')
}
# Stops the server; its peak memory in MiB goes to $peak.
stop_server() {
  # /usr/bin/time ignores Ctrl-C: the server gets it, and time reports when it ends.
  pkill -INT -P "$server" 2>/dev/null || true
  wait "$server" 2>/dev/null || true
  server=""
  peak=$(awk -F': ' '/Maximum resident set size/ { printf "%d", $2 / 1024 }' "$work/serve.time")
}

echo
echo "== 1. import through the HTTP API"
start_server import
begin=$(date +%s.%N)
"$bin" sync --server "$url" "$data" 2> "$work/sync.err"
end=$(date +%s.%N)
seconds=$(echo "$end - $begin" | bc -l)
printf "imported %d events in %.2f s: %.0f events/s (target >= 50,000)\n" "$events" "$seconds" "$(echo "$events / $seconds" | bc -l)"
tail -1 "$work/sync.err"

echo
echo "== 2. the report: from the server against the files"
"$bin" report "$data" --format json > "$work/files.json"
for run in 1 2 3; do
  /usr/bin/time -f "%e" -o "$work/time-server.$run" "$bin" report --server "$url" --format json > "$work/server.json"
  /usr/bin/time -f "%e" -o "$work/time-local.$run" "$bin" report "$data" --format json > /dev/null
done
echo "report --server (s): $(cat "$work"/time-server.* | tr '\n' ' ')  (target < 1 s)"
echo "report over the files, the baseline (s): $(cat "$work"/time-local.* | tr '\n' ' ')"
# The same figures, but for where the events came from.
strip='del(.learners[].evidence)'
if diff <(jq -S "$strip" "$work/files.json") <(jq -S "$strip" "$work/server.json") > /dev/null; then
  echo "the server's report and the files' report agree ($(jq '.learners | length' "$work/server.json") learners)"
else
  echo "DIFFERENT: the server's report and the files' report"
  diff <(jq -S "$strip" "$work/files.json") <(jq -S "$strip" "$work/server.json") | head -20
  exit 1
fi
stop_server
echo "server peak RSS after import and reports: $peak MiB"

echo
echo "== 3. $streamers learners streaming at once"
start_server stream
ulimit -n 65536 2>/dev/null || true
python3 benches/serve/stream.py "$url" "$LABRUN_CLASS_CODE" "$LABRUN_INSTRUCTOR_TOKEN" --learners "$streamers"
stop_server
echo "server peak RSS: $peak MiB"
