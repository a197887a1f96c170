#!/usr/bin/env bash
# Validates Friction Map's BPMN export against the OMG BPMN 2.0 XML Schema
# with xmllint (Debian: libxml2-utils). The XSD files come from the npm
# package bpmn-moddle (pinned below), which ships them in resources/bpmn/xsd.
#
#   tests/bpmn/validate_xsd.sh FRICTIONMAP_BINARY
#
# Exports every sample map, and every MIWG test file after importing it,
# and validates each export.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
bin="$1"
moddle="bpmn-moddle@10.3.1"
cache="$root/target/bpmn-xsd"
xsd="$cache/package/resources/bpmn/xsd/BPMN20.xsd"
if [ ! -f "$xsd" ]; then
  mkdir -p "$cache"
  (cd "$cache" && npm pack --silent "$moddle" >/dev/null && tar xzf bpmn-moddle-*.tgz package/resources/bpmn/xsd)
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
files=()
for map in "$root"/sample_maps/*.json; do
  out="$work/$(basename "$map" .json).bpmn"
  "$bin" bpmn export "$map" --out "$out" >/dev/null
  files+=("$out")
done
# The MIWG reference files are third-party data kept beside the repository.
for bpmn in "$root"/../shared/bpmn-miwg/*.bpmn; do
  [ -f "$bpmn" ] || continue
  stem="$(basename "$bpmn" .bpmn)"
  "$bin" bpmn import "$bpmn" --out "$work/$stem.json" >/dev/null
  "$bin" bpmn export "$work/$stem.json" --out "$work/$stem.export.bpmn" >/dev/null
  files+=("$work/$stem.export.bpmn")
done
xmllint --noout --schema "$xsd" "${files[@]}"

# The schema must be able to say no: a task outside any process is invalid.
cat > "$work/invalid.bpmn" <<'XML'
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="urn:x"><task id="t"/></definitions>
XML
if xmllint --noout --schema "$xsd" "$work/invalid.bpmn" 2>/dev/null; then
  echo "the XSD check accepted an invalid file; it is not checking anything" >&2
  exit 1
fi
echo "xsd: all ${#files[@]} BPMN exports are valid"
