import { nodeHash, nodeKey } from '../../src/ledger/merkle.ts';

/** Every perfect subtree of the tree of `leafHashes`, built level by level, independently of the code under test. */
export function nodeMap(leafHashes: readonly Buffer[]): Map<string, Buffer> {
  const nodes = new Map<string, Buffer>();
  let level = [...leafHashes];
  for (let height = 0; level.length > 0; height++) {
    for (const [index, hash] of level.entries()) nodes.set(nodeKey({ level: height, index }), hash);
    const up: Buffer[] = [];
    for (let i = 0; i + 1 < level.length; i += 2) up.push(nodeHash(level[i]!, level[i + 1]!));
    level = up;
  }
  return nodes;
}
