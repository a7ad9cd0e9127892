import type { Node, NodeMessageInFlow } from 'node-red';

/**
 * What every node does with a configuration it cannot run: a red ring status naming the problem,
 * one error in the debug sidebar, and every input message refused with that error (so a catch
 * node sees it).
 */
export function refuseInvalidConfig(node: Node, problems: readonly string[]): void {
  const message = `invalid configuration: ${problems.join('; ')}`;
  node.status({ fill: 'red', shape: 'ring', text: message.length > 80 ? `${message.slice(0, 79)}…` : message });
  node.error(message);
  node.on('input', (_msg: NodeMessageInFlow, _send: unknown, done: (err?: Error) => void) => done(new Error(message)));
}
