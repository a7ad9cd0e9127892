import assert from 'node:assert/strict';
import helper, { type TestFlows } from 'node-red-node-test-helper';

interface InputNode<M> {
  on(event: 'input', cb: (msg: M) => void): void;
}

/**
 * A test tab: `nodes`, plus Catch, Status and (optionally) Complete nodes watching `watched`, each
 * wired to a helper node ('caught', 'statuses', 'completed'). Ids differ from type names: a node
 * whose id equals a type name confuses the runtime's config-node check.
 */
export function watchedFlow(nodes: Array<Record<string, unknown>>, watched: string, withComplete = false): TestFlows {
  const watchers: Array<Record<string, unknown>> = [
    { id: 'catcher', type: 'catch', scope: [watched], wires: [['caught']] },
    { id: 'caught', type: 'helper' },
    { id: 'watcher', type: 'status', scope: [watched], wires: [['statuses']] },
    { id: 'statuses', type: 'helper' },
  ];
  if (withComplete)
    watchers.push({ id: 'completer', type: 'complete', scope: [watched], wires: [['completed']] }, { id: 'completed', type: 'helper' });
  // Catch, Complete and Status nodes need a tab (z) to find the nodes they watch.
  return [{ id: 'tab', type: 'tab' }, ...[...nodes, ...watchers].map((n) => ({ z: 'tab', ...n }))] as TestFlows;
}

/** Every message a helper node receives, in order. */
export function collect<M>(id: string): M[] {
  const got: M[] = [];
  (helper.getNode(id) as unknown as InputNode<M>).on('input', (msg) => got.push(msg));
  return got;
}

/** Polls until `check` holds; fails the test naming `what` after `ms`. */
export async function until(check: () => boolean, what: string, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** The warnings (node.warn) logged since the flow was loaded whose text matches `pattern`. */
export function loggedWarnings(pattern: RegExp): string[] {
  return (helper.log().args as Array<Array<{ level: number; msg: unknown }>>)
    .map((args) => args[0])
    .filter((entry) => entry.level === 30 && pattern.test(String(entry.msg)))
    .map((entry) => String(entry.msg));
}
