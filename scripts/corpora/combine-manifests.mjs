// Joins manifests into one whose paths are absolute, so it can live anywhere (e.g. to train on several corpora).
// Usage: node scripts/corpora/combine-manifests.mjs OUT_CSV MANIFEST...
// Columns: path, emotion, speaker, then every other column of the inputs (empty where an input lacks it).
// Speaker ids must already be distinct across corpora (the prepare-*.mjs scripts prefix them by corpus).
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';

const [out, ...inputs] = process.argv.slice(2);
if (!out || inputs.length === 0) {
  console.error('usage: node scripts/corpora/combine-manifests.mjs OUT_CSV MANIFEST...');
  process.exit(2);
}

// One CSV record per line, cells optionally in double quotes with "" for a quote (as the manifests are written).
function parseCsvLine(line) {
  const cells = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted && ch === '"' && line[i + 1] === '"') {
      cell += '"';
      i++;
    } else if (ch === '"') quoted = !quoted;
    else if (ch === ',' && !quoted) {
      cells.push(cell);
      cell = '';
    } else cell += ch;
  }
  cells.push(cell);
  return cells;
}
const csvCell = (text) => (/[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text);

const tables = inputs.map((input) => {
  const [header, ...lines] = readFileSync(input, 'utf8')
    .split(/\r?\n/)
    .filter((l) => l.trim() !== '');
  const columns = parseCsvLine(header).map((c) => c.trim().toLowerCase());
  for (const required of ['path', 'emotion', 'speaker']) {
    if (!columns.includes(required)) throw new Error(`${input}: no "${required}" column`);
  }
  const base = dirname(resolve(input));
  const rows = lines.map((line) => {
    const cells = parseCsvLine(line);
    const row = Object.fromEntries(columns.map((c, i) => [c, cells[i] ?? '']));
    row.path = isAbsolute(row.path) ? row.path : resolve(base, row.path);
    return row;
  });
  console.log(`${input}: ${rows.length} clips, ${new Set(rows.map((r) => r.speaker)).size} speakers`);
  return { input, columns, rows };
});

const speakersOf = new Map();
for (const { input, rows } of tables) {
  for (const speaker of new Set(rows.map((r) => r.speaker))) {
    if (speakersOf.has(speaker)) throw new Error(`speaker "${speaker}" is in both ${speakersOf.get(speaker)} and ${input}`);
    speakersOf.set(speaker, input);
  }
}
const columns = ['path', 'emotion', 'speaker'];
for (const table of tables) for (const c of table.columns) if (!columns.includes(c)) columns.push(c);
const lines = [columns.join(',')];
for (const { rows } of tables) for (const row of rows) lines.push(columns.map((c) => csvCell(row[c] ?? '')).join(','));
writeFileSync(out, lines.join('\n') + '\n');
console.log(`${out}: ${lines.length - 1} clips, ${speakersOf.size} speakers`);
