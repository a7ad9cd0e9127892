import type { ClassificationMetrics } from '../model/model-metadata';

const pct = (x: number) => (100 * x).toFixed(1);

/** The paper's Table 1: confusion matrix in percent of each true class, with recall, UAR and accuracy. */
export function formatConfusionTable(title: string, m: ClassificationMetrics): string {
  const width = Math.max(10, ...m.classes.map((c) => c.length + 1));
  const lines = [
    `${title}: accuracy ${pct(m.accuracy)}%, UAR ${pct(m.uar)}% (${m.count} clips)`,
    'true \\ predicted (%)'.padEnd(width + 10) + m.classes.map((c) => c.padStart(width)).join(''),
  ];
  m.classes.forEach((c, i) => {
    lines.push(c.padEnd(width + 10) + m.confusionPercent[i].map((v) => v.toFixed(1).padStart(width)).join(''));
  });
  lines.push('recall (%)'.padEnd(width + 10) + m.classes.map((c) => pct(m.recall[c]).padStart(width)).join(''));
  return lines.join('\n');
}

/** The paper's Table 2: one row per model. */
export function formatComparisonTable(rows: { name: string; metrics: ClassificationMetrics }[]): string {
  const classes = rows[0]?.metrics.classes ?? [];
  const header = ['model'.padEnd(16), 'accuracy'.padStart(9), 'UAR'.padStart(7), ...classes.map((c) => c.padStart(10))].join('');
  const body = rows.map((r) =>
    [
      r.name.padEnd(16),
      pct(r.metrics.accuracy).padStart(9),
      pct(r.metrics.uar).padStart(7),
      ...classes.map((c) => pct(r.metrics.recall[c]).padStart(10)),
    ].join(''),
  );
  return [header, ...body].join('\n');
}

/** An SVG heat map of a confusion matrix in percent (rows: true class). */
export function confusionHeatmapSvg(title: string, m: ClassificationMetrics): string {
  const cell = 72;
  const left = 100;
  const top = 70;
  const size = m.classes.length * cell;
  const esc = escapeXml;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${left + size + 20}" height="${top + size + 40}" font-family="sans-serif" font-size="13">`,
    `<text x="${left}" y="20" font-weight="bold">${esc(title)}</text>`,
    `<text x="${left}" y="38">accuracy ${pct(m.accuracy)}%, UAR ${pct(m.uar)}%, ${m.count} clips</text>`,
  ];
  m.classes.forEach((c, j) => {
    parts.push(`<text x="${left + j * cell + cell / 2}" y="${top - 8}" text-anchor="middle">${esc(c)}</text>`);
  });
  m.classes.forEach((c, i) => {
    parts.push(`<text x="${left - 8}" y="${top + i * cell + cell / 2 + 4}" text-anchor="end">${esc(c)}</text>`);
    m.confusionPercent[i].forEach((v, j) => {
      const shade = Math.round(255 - (v / 100) * 200);
      const fill = i === j ? `rgb(${shade},${Math.min(255, shade + 40)},255)` : `rgb(255,${shade},${shade})`;
      parts.push(
        `<rect x="${left + j * cell}" y="${top + i * cell}" width="${cell}" height="${cell}" fill="${fill}" stroke="#fff"/>`,
        `<text x="${left + j * cell + cell / 2}" y="${top + i * cell + cell / 2 + 4}" text-anchor="middle" fill="${v > 60 ? '#fff' : '#000'}">${v.toFixed(1)}</text>`,
      );
    });
  });
  parts.push(
    `<text x="${left + size / 2}" y="${top + size + 24}" text-anchor="middle">predicted</text>`,
    `<text x="14" y="${top + size / 2}" transform="rotate(-90 14 ${top + size / 2})" text-anchor="middle">true</text>`,
    '</svg>',
  );
  return parts.join('\n');
}

/** A self-contained HTML page: the comparison table and one heat map per model. */
export function evaluationReportHtml(
  title: string,
  rows: { name: string; metrics: ClassificationMetrics }[],
  notes: string[] = [],
): string {
  const esc = escapeXml;
  const table = [
    '<table><thead><tr><th>model</th><th>accuracy %</th><th>UAR %</th>',
    ...(rows[0]?.metrics.classes ?? []).map((c) => `<th>${esc(c)} recall %</th>`),
    '</tr></thead><tbody>',
    ...rows.map(
      (r) =>
        `<tr><td>${esc(r.name)}</td><td>${pct(r.metrics.accuracy)}</td><td>${pct(r.metrics.uar)}</td>` +
        r.metrics.classes.map((c) => `<td>${pct(r.metrics.recall[c])}</td>`).join('') +
        '</tr>',
    ),
    '</tbody></table>',
  ].join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title>
<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}td:first-child{text-align:left}figure{display:inline-block;margin:1em}</style>
</head><body>
<h1>${esc(title)}</h1>
${notes.map((n) => `<p>${esc(n)}</p>`).join('\n')}
${table}
${rows.map((r) => `<figure>${confusionHeatmapSvg(r.name, r.metrics)}</figure>`).join('\n')}
</body></html>
`;
}

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!);
}
