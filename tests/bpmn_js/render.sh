#!/usr/bin/env bash
# Exports a map to BPMN with Friction Map, opens it in bpmn-js (from npm) in
# headless Chromium (Debian's package), checks that bpmn-js imported it
# without warnings, and saves a screenshot to look at.
#
#   tests/bpmn_js/render.sh FRICTIONMAP_BINARY MAP.json OUT.png
#
# Needs node/npm and chromium. Installs bpmn-js into tests/bpmn_js/node_modules.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
bin="$1" map="$2" out="$3"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

if [ ! -d "$here/node_modules/bpmn-js" ]; then
  (cd "$here" && npm install --no-package-lock --no-audit --no-fund --silent)
fi
"$bin" bpmn export "$map" --out "$work/map.bpmn" >/dev/null
node "$here/page.mjs" "$work/map.bpmn" > "$work/page.html"

chrome=(chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --allow-file-access-from-files
        --window-size=1800,1100 --virtual-time-budget=15000)
result="$("${chrome[@]}" --dump-dom "file://$work/page.html" 2>/dev/null | sed -n 's/.*<pre id="result">\(.*\)<\/pre>.*/\1/p')"
echo "bpmn-js: $result"
case "$result" in
  *'"ok":true,"warnings":[]'*) ;;
  *) echo "bpmn-js did not import $map cleanly" >&2; exit 1 ;;
esac
"${chrome[@]}" --screenshot="$out" "file://$work/page.html" 2>/dev/null
echo "screenshot: $out"
