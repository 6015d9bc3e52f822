#!/usr/bin/env bash
# The main window's benchmarks (see bench-window.c), each against its target:
#  - exec to first mapped window, and RSS after 3 s idle, with 1,000 saved
#    machines, against a bare AdwApplicationWindow started in the same run
#    (≤ 1.3× its time, ≤ 1.2× its memory); medians of RUNS (9) interleaved
#    runs after one warm-up run of each. The bare window is the same binary
#    (the same libraries loaded), an AdwApplication with the same style and
#    default size; both run with the same environment below.
#  - a filter keystroke with 10,000 machines: its work (filtering and the
#    frame that shows it) ≤ 16 ms, so it shows in the next frame
#  - 20 tabs to the lab's vm1: ≤ 5 MiB each (scrollback is empty)
#
# Usage: tests/bench/bench-window.sh BUILD_DIR
#        PARTS=startup,filter,tabs RUNS=9 (the defaults) choose what runs.
set -euo pipefail
build=$(cd "${1:?usage: bench-window.sh BUILD_DIR}" && pwd)
src=$(cd "$(dirname "$0")/../.." && pwd)
bench=$build/tests/bench/bench-window
runs=${RUNS:-9}
parts=,${PARTS:-startup,filter,tabs},

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

# One run: prints "START_US MAPPED_US RSS ANON FILE SHMEM CPU_US" (KiB; CPU
# time of the main thread until the map).
one () {
  local start out
  start=$(date +%s%6N)
  out=$("$bench" "$1")
  echo "$start $(echo "$out" | awk '/^mapped/ {m=$2; c=$4} /^rss/ {print m, $2, $4, $6, $8, c}')"
}

status=0
if [[ $parts == *,startup,* ]]; then
# One run of each first, not counted: the page cache then holds both.
one bare >/dev/null; one app >/dev/null
: > "$tmp/bare"; : > "$tmp/app"
for i in $(seq "$runs"); do
  # alternate which goes first, so that neither always runs right after the other
  if (( i % 2 )); then
    one bare >> "$tmp/bare"; one app >> "$tmp/app"
  else
    one app >> "$tmp/app"; one bare >> "$tmp/bare"
  fi
done

python3 - "$tmp/bare" "$tmp/app" "$runs" <<'PY' || status=1
import statistics, sys
def load(path):
    rows = [list(map(int, l.split())) for l in open(path) if l.strip()]
    ms = sorted((r[1] - r[0]) / 1000 for r in rows)
    med = lambda i: statistics.median(r[i] for r in rows) / 1024
    return ms, med(2), med(3), med(4), med(5), statistics.median(r[6] for r in rows) / 1000
bt, br, ba, bf, bs, bc = load(sys.argv[1]); at, ar, aa, af, as_, ac = load(sys.argv[2])
bm, am = statistics.median(bt), statistics.median(at)
print("startup, median of %s interleaved runs (min–max); RSS after 3 s idle, median" % sys.argv[3])
for name, t, m, c, r, a, f, s in (("bare ", bt, bm, bc, br, ba, bf, bs),
                                  ("1000 ", at, am, ac, ar, aa, af, as_)):
    print("startup %s %4.0f ms to map (%.0f–%.0f; main thread CPU %.0f ms), %5.1f MiB RSS"
          " (anon %.1f, file %.1f, shmem %.1f)" % (name, m, t[0], t[-1], c, r, a, f, s))
print("ratio time %.2f (target 1.3; CPU time %.2f), memory %.2f (target 1.2)"
      % (am / bm, ac / bc, ar / br))
sys.exit(0 if am / bm <= 1.3 and ar / br <= 1.2 else 1)
PY
fi

if [[ $parts == *,filter,* ]]; then
  "$bench" filter 10000 | grep -v '^#' || status=1
fi
if [[ $parts == *,tabs,* ]]; then
  JG_LAB_SCRIPT=$src/tests/lab/jg-lab "$bench" tabs 20 || status=1
fi
exit $status
