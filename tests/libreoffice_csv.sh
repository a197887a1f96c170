#!/usr/bin/env bash
# Opens the ranked-lanes CSV in LibreOffice Calc, headless, and checks that
# lane names a spreadsheet would run as formulas arrive as the apostrophe-
# guarded text, never as computed values; and that names with commas, quotes
# and line ends arrive whole.
#
# The CSV is imported with formula evaluation switched on (the riskiest
# setting) and converted to flat ODF (.fods), whose cells are then read. A
# control copy of the same CSV with the apostrophes removed must come out
# computed, which shows that the check can fail.
#
# Usage: tests/libreoffice_csv.sh [path/to/frictionmap]
# Needs: soffice (Debian: libreoffice-calc-nogui) and python3.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-target/debug/frictionmap}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# A map whose lane (and owner, and step) names are the hostile ones.
python3 - "$work/map.json" <<'EOF'
import json, sys
names = ["=1+2", "+x", "-2+3", "@SUM(A1)", "\tTabbed", "\uff1d1",
         '=HYPERLINK("http://example.com","x")',
         "Smith, Jones", 'Say "hi"', "Line one\nLine two"]
lanes, steps = [], []
for i, name in enumerate(names):
    lanes.append({"id": f"lane-{i}", "name": name, "owner": name})
    steps.append({"id": f"s{i}", "lane": f"lane-{i}", "name": name, "x": 40, "y": 32,
                  "volume_per_month": 100 * (i + 1), "handle_minutes": 10,
                  "rework_rate": 0, "approval_delay_hours": 0})
json.dump({"format_version": 1, "name": "Formula names", "lanes": lanes, "steps": steps,
           "edges": []}, open(sys.argv[1], "w"))
json.dump(names, open(sys.argv[1] + ".names", "w"))
EOF

"$bin" rank "$work/map.json" --csv "$work/ranked.csv" >/dev/null

# The control: the same cells without their guarding apostrophes.
python3 - "$work/ranked.csv" "$work/control.csv" <<'EOF'
import csv, sys
rows = list(csv.reader(open(sys.argv[1], encoding="utf-8-sig", newline="")))
with open(sys.argv[2], "w", encoding="utf-8", newline="") as f:
    csv.writer(f, lineterminator="\r\n").writerows(
        [[c[1:] if c.startswith("'") else c for c in row] for row in rows])
EOF

# Separator comma, quote ", UTF-8 (76), from line 1, English (1033), quoted
# cells not forced to text, no special numbers, ..., evaluate formulas on.
filter='CSV:44,34,76,1,,1033,false,false,false,false,false,-1,true'
soffice -env:UserInstallation="file://$work/profile" --headless --infilter="$filter" \
  --convert-to fods --outdir "$work/out" "$work/ranked.csv" "$work/control.csv" >"$work/soffice.log" 2>&1 ||
  { cat "$work/soffice.log"; exit 1; }

python3 - "$work/out/ranked.fods" "$work/out/control.fods" "$work/map.json.names" <<'EOF'
import json, sys
import xml.etree.ElementTree as ET

NS = {"table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
      "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
      "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0"}
def q(prefix, name): return "{%s}%s" % (NS[prefix], name)

def text_of(element):
    """The text of an ODF paragraph, with its tabs, runs of spaces and breaks."""
    out = [element.text or ""]
    for child in element:
        if child.tag == q("text", "tab"):
            out.append("\t")
        elif child.tag == q("text", "s"):
            out.append(" " * int(child.get(q("text", "c"), "1")))
        elif child.tag == q("text", "line-break"):
            out.append("\n")
        else:
            out.append(text_of(child))
        out.append(child.tail or "")
    return "".join(out)

def cells(path):
    """Rows of (text, formula, value type) as LibreOffice holds them."""
    rows = []
    for row in ET.parse(path).iter(q("table", "table-row")):
        cells = []
        for cell in row.findall("table:table-cell", NS):
            repeat = int(cell.get(q("table", "number-columns-repeated"), "1"))
            text = "\n".join(text_of(p) for p in cell.findall("text:p", NS))
            cells += [(text, cell.get(q("table", "formula")), cell.get(q("office", "value-type")))] * min(repeat, 64)
        rows.append(cells)
    return rows

names = json.load(open(sys.argv[3]))
triggers = ("=", "+", "-", "@", "\t", "\uff1d")
failures = []

rows = cells(sys.argv[1])
header = [c[0].lstrip("\ufeff") for c in rows[0]]
lane, owner = header.index("lane"), header.index("owner")
formulas = [(c[0], c[1]) for row in rows for c in row if c[1]]
if formulas:
    failures.append(f"cells became formulas: {formulas}")
by_lane = {row[lane][0]: row for row in rows[1:] if len(row) > owner}
for name in names:
    want = "'" + name if name.startswith(triggers) else name
    row = by_lane.get(want)
    failed_before = len(failures)
    if row is None:
        failures.append(f"no lane cell shows {want!r}; lane cells: {sorted(by_lane)!r}")
        continue
    for column in (lane, owner):
        text, formula, kind = row[column]
        if text != want or formula or kind != "string":
            failures.append(f"{name!r}: cell shows {text!r} ({kind}, formula {formula}), want the text {want!r}")
    if len(failures) == failed_before:
        print(f"ok  {name!r:45} -> {want!r}")

control = cells(sys.argv[2])
computed = [(c[1], c[0]) for row in control for c in row if c[1]]
if ("of:=1+2", "3") not in computed:
    failures.append(f"control: without the apostrophe LibreOffice should compute =1+2 to 3; formulas: {computed}")
else:
    print(f"control: without the apostrophes LibreOffice computes {computed}")

if failures:
    print("FAIL\n" + "\n".join(failures))
    sys.exit(1)
print(f"PASS: {len(names)} hostile names arrive as guarded text in LibreOffice Calc")
EOF
