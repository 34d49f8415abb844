// Enforces the import rules of DESIGN.md: which layer may import which.
// A layer is the folder a file lives in; an import is classified by what it resolves to.
import { builtinModules } from 'node:module';
import path from 'node:path';

const NODE_BUILTINS = new Set(builtinModules);

/** Layers, most specific first. Paths are relative to the repository root. */
const LAYERS = [
  ['electron/core', 'core'],
  ['electron/main', 'main'],
  ['electron/preload', 'preload'],
  ['electron/browser-host', 'browser-host'],
  ['renderer', 'renderer'],
  ['shared', 'shared'],
  ['service', 'service'],
  ['test', 'test'],
  ['bench', 'bench'],
];

/** What each layer may import: other layers, 'node' builtins, 'electron', and 'packages' (npm). */
const ALLOWED = {
  shared: ['shared', 'packages'],
  renderer: ['renderer', 'shared', 'packages'],
  core: ['core', 'shared', 'node', 'packages'],
  main: ['main', 'core', 'shared', 'node', 'electron', 'packages'],
  'browser-host': ['browser-host', 'core', 'shared', 'node', 'packages'],
  preload: ['preload', 'shared', 'electron'],
  service: ['service', 'shared', 'node', 'packages'],
  test: ['test', 'shared', 'core', 'main', 'preload', 'browser-host', 'renderer', 'service', 'bench', 'node', 'electron', 'packages'],
  bench: ['bench', 'shared', 'core', 'service', 'test', 'node', 'packages'],
};

const DESCRIBE = {
  node: 'Node built-in modules',
  electron: "'electron'",
  packages: 'npm packages',
};

const TEST_FILE = /\.(test|spec)\.tsx?$/;

function layerOfPath(relative) {
  const normal = relative.split(path.sep).join('/');
  if (TEST_FILE.test(normal) && !normal.startsWith('test/fixtures/')) return 'test';
  for (const [prefix, layer] of LAYERS) {
    if (normal === prefix || normal.startsWith(`${prefix}/`)) return layer;
  }
  return null;
}

function classify(source, fileDir, root) {
  if (source.startsWith('node:') || NODE_BUILTINS.has(source.split('/')[0])) return 'node';
  if (source === 'electron' || source.startsWith('electron/')) return 'electron';
  if (source.startsWith('@shared/')) return 'shared';
  if (source.startsWith('.') || path.isAbsolute(source)) {
    const target = path.relative(root, path.resolve(fileDir, source));
    if (target.startsWith('..')) return 'outside';
    return layerOfPath(target) ?? 'root';
  }
  return 'packages';
}

export const layerBoundaries = {
  meta: {
    type: 'problem',
    docs: { description: 'Keep each layer to the imports DESIGN.md allows it.' },
    schema: [{ type: 'object', properties: { root: { type: 'string' } }, additionalProperties: false }],
    messages: {
      forbidden: "Layer '{{layer}}' may not import {{what}} ('{{source}}'). Allowed: {{allowed}}.",
    },
  },
  create(context) {
    const root = context.options[0]?.root ?? context.cwd;
    const file = context.filename;
    const layer = layerOfPath(path.relative(root, file));
    if (layer === null) return {};
    const allowed = ALLOWED[layer];
    const check = (node, source) => {
      if (typeof source !== 'string') return;
      const target = classify(source, path.dirname(file), root);
      if (allowed.includes(target)) return;
      context.report({
        node,
        messageId: 'forbidden',
        data: {
          layer,
          source,
          what: DESCRIBE[target] ?? `the '${target}' layer`,
          allowed: allowed.map((a) => DESCRIBE[a] ?? a).join(', '),
        },
      });
    };
    return {
      ImportDeclaration: (node) => check(node, node.source.value),
      ExportNamedDeclaration: (node) => node.source && check(node, node.source.value),
      ExportAllDeclaration: (node) => check(node, node.source.value),
      ImportExpression: (node) => node.source.type === 'Literal' && check(node, node.source.value),
      CallExpression: (node) => {
        if (node.callee.type === 'Identifier' && node.callee.name === 'require') {
          const arg = node.arguments[0];
          if (arg?.type === 'Literal') check(node, arg.value);
        }
      },
    };
  },
};

export default { rules: { 'layer-boundaries': layerBoundaries } };
