#!/usr/bin/env bash
# Smoke run of the real binary: start it under Xvfb on a fresh database and
# fail unless its window comes up and shows something. Prints how long the
# window took to appear.
#
#   tests/smoke.sh target/release/frictionmap [SCREENSHOT.png]
set -euo pipefail
bin=$(realpath "$1")
shot=${2:-}
tmp=$(mktemp -d)
cleanup() {
  [[ -n ${app:-} ]] && kill "$app" 2>/dev/null || true
  [[ -n ${xvfb:-} ]] && kill "$xvfb" 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT

mkfifo "$tmp/displayfd"
Xvfb -displayfd 3 -screen 0 1600x1000x24 -nolisten tcp 3>"$tmp/displayfd" >"$tmp/xvfb.log" 2>&1 &
xvfb=$!
read -r -t 20 display <"$tmp/displayfd" || { echo "smoke: Xvfb did not start"; exit 1; }
export DISPLAY=:$display
mkdir -m 700 "$tmp/run"

start=$(date +%s.%N)
XDG_RUNTIME_DIR=$tmp/run FRICTIONMAP_REPORT_STARTUP=1 FRICTIONMAP_DB=$tmp/db/frictionmap.sqlite3 "$bin" >"$tmp/app.log" 2>&1 &
app=$!
window=""
for _ in $(seq 1 300); do
  window=$(xdotool search --name "^Friction Map$" 2>/dev/null | head -n 1 || true)
  [[ -n $window ]] && break
  kill -0 "$app" 2>/dev/null || { echo "smoke: the app exited early:"; cat "$tmp/app.log"; exit 1; }
  sleep 0.1
done
[[ -n $window ]] || { echo "smoke: no window appeared within 30 s"; cat "$tmp/app.log"; exit 1; }
appeared=$(date +%s.%N)
awk -v a="$appeared" -v s="$start" 'BEGIN { printf "smoke: window appeared after %.2f s\n", a - s }'

# Give it a few frames, then check the screen is not blank.
sleep 3
kill -0 "$app" 2>/dev/null || { echo "smoke: the app exited:"; cat "$tmp/app.log"; exit 1; }
import -window root "$tmp/screen.png"
colors=$(convert "$tmp/screen.png" -format '%k' info:)
echo "smoke: the screen shows $colors distinct colours"
((colors > 50)) || { echo "smoke: the window looks blank"; exit 1; }
grep -h "first frame after" "$tmp/app.log" | sed 's/^/smoke: /' || true
[[ -n $shot ]] && cp "$tmp/screen.png" "$shot"
[[ -f $tmp/db/frictionmap.sqlite3 ]] || { echo "smoke: no database was created"; exit 1; }
echo "smoke: ok"
