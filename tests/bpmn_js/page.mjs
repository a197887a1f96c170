// Writes an HTML page that opens one BPMN file in the bpmn-js viewer,
// fits it to the window and reports the import's warnings in the page.
// Usage: node page.mjs FILE.bpmn > page.html
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const dist = resolve(here, 'node_modules/bpmn-js/dist');
const xml = readFileSync(process.argv[2], 'utf8');
const url = (p) => pathToFileURL(resolve(dist, p)).href;

process.stdout.write(`<!doctype html>
<html><head><meta charset="utf-8">
<link rel="stylesheet" href="${url('assets/diagram-js.css')}">
<link rel="stylesheet" href="${url('assets/bpmn-js.css')}">
<style>html, body, #canvas { margin: 0; width: 100%; height: 100%; background: white; }</style>
</head><body><div id="canvas"></div><pre id="result">loading</pre>
<script src="${url('bpmn-viewer.production.min.js')}"></script>
<script>
const viewer = new BpmnJS({ container: '#canvas' });
viewer.importXML(${JSON.stringify(xml)}).then(({ warnings }) => {
  viewer.get('canvas').zoom('fit-viewport');
  const shapes = viewer.get('elementRegistry').getAll().map((e) => e.type);
  const count = (t) => shapes.filter((s) => s === t).length;
  document.getElementById('result').textContent = JSON.stringify({
    ok: true, warnings: warnings.map((w) => w.message),
    lanes: count('bpmn:Lane'), tasks: count('bpmn:Task'), flows: count('bpmn:SequenceFlow'),
  });
}).catch((err) => {
  document.getElementById('result').textContent = JSON.stringify({ ok: false, error: String(err) });
});
</script></body></html>
`);
