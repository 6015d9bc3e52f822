#!/bin/bash
# bench-tunnel.sh — Jumpgate's tunnel side by side with OpenSSH's `ssh -J`.
#
#   tests/bench/bench-tunnel.sh BUILD_DIR [MIB] [RUNS]
#
# Starts the SSH test lab (tests/lab/jg-lab; as root the VM sits in a network
# namespace behind the jump host), then measures in one run, on the same lab:
#   1. bulk throughput from vm1 through the jump host: MIB MiB (default 512)
#      of `head -c` read by `jumpgate --exec vm1 -- …` and by
#      `ssh -F lab_config vm1 …` (the lab's config has ProxyJump jump);
#   2. cold latency of connect-and-run-`true` (every hop new), both clients;
#   3. latency of a second connection through an already-open jump session
#      (Jumpgate keeps the jump host's session in-process; OpenSSH has none
#      to share, so its figure is again the cold `ssh -J`).
# Each figure is the median of RUNS (default 5) runs. Only the lab's own
# addresses (loopback, its namespace) are contacted.
set -euo pipefail

BUILD=$(readlink -f "${1:?usage: bench-tunnel.sh BUILD_DIR [MIB] [RUNS]}")
MIB=${2:-512}
RUNS=${3:-5}
SRC=$(dirname "$(readlink -f "$0")")/../..
JUMPGATE=$BUILD/app/jumpgate
BENCH_CONNECT=$BUILD/tests/bench/bench-connect
LAB=$SRC/tests/lab/jg-lab

[[ -x $JUMPGATE && -x $BENCH_CONNECT ]] || { echo "build $BUILD first (ninja -C $BUILD)" >&2; exit 1; }

WORK=$(mktemp -d /tmp/jg-bench-XXXXXX)
cleanup () { "$LAB" stop "$WORK/lab" >/dev/null 2>&1 || true; rm -rf "$WORK"; }
trap cleanup EXIT
mkdir -p "$WORK/lab" "$WORK/config/jumpgate" "$WORK/home"

eval "$("$LAB" start "$WORK/lab" | sed 's/^/export /')"
export HOME=$WORK/home XDG_CONFIG_HOME=$WORK/config
unset SSH_AUTH_SOCK

cat > "$XDG_CONFIG_HOME/jumpgate/machines.json" <<JSON
{ "version": 1,
  "jump_hosts": [
    { "id": "6a0c7c1e-0000-4000-8000-000000000001", "name": "jump", "host": "$JG_LAB_JUMP_NAME",
      "port": $JG_LAB_JUMP_PORT, "user": "$JG_LAB_USER", "auth": "key-file",
      "identity_file": "$JG_LAB_KEY", "identities_only": true, "known_hosts_file": "$JG_LAB_KNOWN_HOSTS" } ],
  "machines": [
    { "id": "6a0c7c1e-0000-4000-8000-000000000002", "name": "vm1", "kind": "vm", "host": "$JG_LAB_VM1_NAME",
      "port": $JG_LAB_VM1_PORT, "user": "$JG_LAB_USER", "jump": "6a0c7c1e-0000-4000-8000-000000000001",
      "auth": "key-file", "identity_file": "$JG_LAB_KEY", "identities_only": true,
      "known_hosts_file": "$JG_LAB_KNOWN_HOSTS" } ] }
JSON

SSH=(ssh -F "$JG_LAB_SSH_CONFIG" -o BatchMode=yes)
BYTES=$((MIB * 1024 * 1024))

now () { date +%s.%N; }
median () { sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
timeit () { local t0 t1; t0=$(now); "$@"; t1=$(now); echo "$t1 - $t0" | bc -l; }

bulk_jg () { "$JUMPGATE" --exec vm1 -- head -c "$BYTES" /dev/zero > /dev/null; }
bulk_ssh () { "${SSH[@]}" vm1 head -c "$BYTES" /dev/zero > /dev/null; }
true_jg () { "$JUMPGATE" --exec vm1 -- true; }
true_ssh () { "${SSH[@]}" vm1 true; }

echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "lab: isolated=${JG_LAB_ISOLATED:-?} jump=$JG_LAB_JUMP_NAME vm1=$JG_LAB_VM1_NAME; $(nproc) CPUs; $MIB MiB x $RUNS runs"
echo "ciphers: jumpgate $(JUMPGATE_VERBOSE=1 "$JUMPGATE" --exec vm1 -- true 2>&1 | grep -m1 -o 'Cipher: .*'), ssh $("${SSH[@]}" -v vm1 true 2>&1 | grep -m1 -o 'cipher: [^ ]*' | head -1)"

# Interleaved, so that a change of load on the machine hits both clients.
declare -A R
for ((i = 0; i < RUNS; i++)); do
  for what in bulk_jg bulk_ssh true_jg true_ssh; do
    timeit "$what" >> "$WORK/$what"
  done
done
for what in bulk_jg bulk_ssh true_jg true_ssh; do
  R[$what]=$(median < "$WORK/$what")
done
"$BENCH_CONNECT" "$XDG_CONFIG_HOME/jumpgate/machines.json" vm1 "$RUNS" > "$WORK/connect"
R[shared_jg]=$(grep '^shared' "$WORK/connect" | cut -d' ' -f2 | median)

tp_jg=$(echo "$MIB / ${R[bulk_jg]}" | bc -l)
tp_ssh=$(echo "$MIB / ${R[bulk_ssh]}" | bc -l)
printf '%-44s %10s %10s %8s %s\n' "measure" "jumpgate" "ssh -J" "ratio" "target"
printf '%-44s %10.0f %10.0f %8.2f %s\n' "throughput from vm1 (MiB/s)" "$tp_jg" "$tp_ssh" \
  "$(echo "$tp_jg / $tp_ssh" | bc -l)" ">= 1.2"
printf '%-44s %10.3f %10.3f %8.2f %s\n' "cold connect + true (s)" "${R[true_jg]}" "${R[true_ssh]}" \
  "$(echo "${R[true_jg]} / ${R[true_ssh]}" | bc -l)" "<= 0.8"
printf '%-44s %10.3f %10.3f %8.2f %s\n' "2nd connection, jump session open (s)" "${R[shared_jg]}" "${R[true_ssh]}" \
  "$(echo "${R[shared_jg]} / ${R[true_ssh]}" | bc -l)" "<= 0.5"
