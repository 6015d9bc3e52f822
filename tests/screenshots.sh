#!/usr/bin/env bash
# Renders the README screenshots into docs/: the sidebar with the demo lab,
# and a connected tab. Uses the lab (tests/lab), Xvfb and ImageMagick's
# `import`; HOME and XDG directories are throwaway ones.
#
# Usage: tests/screenshots.sh BUILD_DIR [OUT_DIR]
set -euo pipefail
build=$(cd "${1:?usage: screenshots.sh BUILD_DIR [OUT_DIR]}" && pwd)
src=$(cd "$(dirname "$0")/.." && pwd)
out=${2:-$src/docs}
mkdir -p "$out"
out=$(cd "$out" && pwd)
command -v import >/dev/null || { echo "screenshots.sh: needs ImageMagick (apt-get install imagemagick)" >&2; exit 1; }

tmp=$(mktemp -d /tmp/jg-shots-XXXXXX)
cleanup () {
  "$src/tests/lab/jg-lab" stop "$tmp/lab" >/dev/null 2>&1 || true
  rm -rf "$tmp"
}
trap cleanup EXIT
mkdir -p "$tmp/lab"
"$src/tests/lab/jg-lab" start "$tmp/lab" >/dev/null
export HOME=$tmp/home XDG_CONFIG_HOME=$tmp/config XDG_DATA_HOME=$tmp/data XDG_CACHE_HOME=$tmp/cache
mkdir -p "$HOME/.ssh" "$XDG_CONFIG_HOME/jumpgate" "$XDG_DATA_HOME" "$XDG_CACHE_HOME"
python3 "$src/tests/gui/demo-inventory.py" "$tmp/lab/lab.env" "$XDG_CONFIG_HOME/jumpgate/machines.json"

export GSETTINGS_SCHEMA_DIR=$build/data GSETTINGS_BACKEND=memory GSK_RENDERER=cairo
export NO_AT_BRIDGE=1 GDK_BACKEND=x11 JUMPGATE=$build/app/jumpgate OUT=$out

xvfb-run -a -s "-screen 0 1100x700x24" dbus-run-session -- bash -c '
  set -e
  "$JUMPGATE" --new-window 2>/dev/null & pid=$!
  sleep 3
  import -window root "$OUT/sidebar.png"
  "$JUMPGATE" --connect build-vm
  sleep 4
  import -window root "$OUT/connected-tab.png"
  kill $pid
  wait $pid 2>/dev/null || true
'
echo "Wrote $out/sidebar.png and $out/connected-tab.png"
