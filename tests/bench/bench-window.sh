#!/usr/bin/env bash
# The main window's benchmarks (see bench-window.c), each against its target:
#  - exec to first mapped window, and RSS after 3 s idle, with 1,000 saved
#    machines, against a bare AdwApplicationWindow started in the same run
#    (≤ 1.3× its time, ≤ 1.2× its memory); medians of RUNS alternating runs
#  - a filter keystroke with 10,000 machines: ≤ 16 ms to the painted frame
#  - 20 tabs to the lab's vm1: ≤ 5 MiB each (scrollback is empty)
#
# Usage: tests/bench/bench-window.sh BUILD_DIR
set -euo pipefail
build=$(cd "${1:?usage: bench-window.sh BUILD_DIR}" && pwd)
src=$(cd "$(dirname "$0")/../.." && pwd)
bench=$build/tests/bench/bench-window
runs=${RUNS:-5}

if [ -z "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
  exec xvfb-run -a -s "-screen 0 1280x800x24" "$0" "$@"
fi

tmp=$(mktemp -d /tmp/jg-bench-window-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
export XDG_CONFIG_HOME=$tmp/config HOME=$tmp/home
mkdir -p "$XDG_CONFIG_HOME/jumpgate" "$HOME"
python3 - "$XDG_CONFIG_HOME/jumpgate/machines.json" <<'PY'
import json, sys, uuid
jump = {'id': str(uuid.uuid4()), 'name': 'bastion', 'host': 'bastion.example.org', 'user': 'ops'}
machines = [{'id': str(uuid.uuid4()), 'name': 'vm-%04d' % i, 'kind': 'vm',
             'host': 'vm-%04d.lab' % i, 'jump': jump['id']} for i in range(1000)]
json.dump({'version': 1, 'jump_hosts': [jump], 'machines': machines}, open(sys.argv[1], 'w'))
PY
export GSETTINGS_SCHEMA_DIR=$build/data GSETTINGS_BACKEND=memory GSK_RENDERER=${GSK_RENDERER:-cairo}
export NO_AT_BRIDGE=1

# One run: prints "START_US MAPPED_US RSS_KIB".
one () {
  local start out
  start=$(python3 -c 'import time; print(int(time.monotonic() * 1e6))')
  out=$("$bench" "$1")
  echo "$start $(echo "$out" | awk '/^mapped/ {m=$2} /^rss/ {r=$2} END {print m, r}')"
}

: > "$tmp/bare"; : > "$tmp/app"
for _ in $(seq "$runs"); do
  one bare >> "$tmp/bare"
  one app >> "$tmp/app"
done

status=0
python3 - "$tmp/bare" "$tmp/app" <<'PY' || status=1
import statistics, sys
def load(path):
    rows = [list(map(int, l.split())) for l in open(path) if l.strip()]
    return (statistics.median((m - s) / 1000 for s, m, r in rows),
            statistics.median(r for s, m, r in rows))
bt, br = load(sys.argv[1]); at, ar = load(sys.argv[2])
print("startup bare  %.0f ms to map, %.1f MiB idle" % (bt, br / 1024))
print("startup 1000  %.0f ms to map, %.1f MiB idle" % (at, ar / 1024))
print("ratio time %.2f (target 1.3), memory %.2f (target 1.2)" % (at / bt, ar / br))
sys.exit(0 if at / bt <= 1.3 and ar / br <= 1.2 else 1)
PY

"$bench" filter 10000 | grep -v '^#' || status=1
JG_LAB_SCRIPT=$src/tests/lab/jg-lab "$bench" tabs 20 || status=1
exit $status
