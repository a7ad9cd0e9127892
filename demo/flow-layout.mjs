// Where nodes sit in a generated flow (the examples): each node's box estimated from its label as
// the Node-RED editor sizes it (width from the label, at least 100 px, in 20 px steps; height from
// its outputs), and rows of nodes laid out left to right so that no two boxes overlap.

/** Wider than the editor's 14 px label font on average, so that estimates err on the roomy side. */
const CHARACTER_WIDTH = 8;
/** The icon and padding around a label. */
const LABEL_PADDING = 50;
const GRID = 20;
const ROW_GAP = 60;

const DEFAULT_LABELS = {
  'feature-window': (n) => `features ${n.windowSeconds} s / ${n.hopSeconds} s`,
  'mt-a-dnn-infer': () => 'mt-a-dnn infer',
  'emotion-router': () => 'emotion router',
  'ui-notification': () => 'show notification',
};

export function labelOf(node) {
  if (node.name) return node.name;
  const fallback = DEFAULT_LABELS[node.type];
  return fallback ? fallback(node) : node.type;
}

/** The box the editor draws for `node`, centred on its x, y. */
export function nodeBox(node) {
  const width = Math.max(100, GRID * Math.ceil((labelOf(node).length * CHARACTER_WIDTH + LABEL_PADDING) / GRID));
  const outputs = Array.isArray(node.wires) ? node.wires.length : 0;
  const height = Math.max(30, outputs * 15);
  return { left: node.x - width / 2, right: node.x + width / 2, top: node.y - height / 2, bottom: node.y + height / 2, width, height };
}

/**
 * Places the nodes named in each row: `{ y, left, ids }` puts them left to right from `left` with
 * room for wires between them. Nodes not in a row keep their position.
 */
export function arrange(nodes, rows) {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  for (const { y, left = 20, ids } of rows) {
    let edge = left;
    for (const id of ids) {
      const node = byId.get(id);
      if (!node) throw new Error(`arrange: no node ${id}`);
      node.y = y;
      node.x = edge + nodeBox({ ...node, x: 0 }).width / 2;
      edge = node.x + nodeBox(node).width / 2 + ROW_GAP;
    }
  }
  return nodes;
}

/** Pairs of nodes on the same tab whose boxes overlap, and nodes that reach off the canvas' top or left. */
export function layoutProblems(nodes) {
  const placed = nodes.filter((n) => typeof n.x === 'number' && typeof n.y === 'number' && n.z);
  const problems = [];
  for (const node of placed) {
    const box = nodeBox(node);
    if (box.left < 0 || box.top < 0) problems.push(`${node.id} reaches off the canvas (${box.left}, ${box.top})`);
  }
  for (let i = 0; i < placed.length; i++) {
    for (let j = i + 1; j < placed.length; j++) {
      if (placed[i].z !== placed[j].z) continue;
      const a = nodeBox(placed[i]);
      const b = nodeBox(placed[j]);
      if (a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom)
        problems.push(`${placed[i].id} overlaps ${placed[j].id}`);
    }
  }
  return problems;
}
