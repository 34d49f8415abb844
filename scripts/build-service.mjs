// Bundles the billing service into out/service (npm packages stay external, resolved at run time).
import { existsSync } from 'node:fs';
import { build } from 'esbuild';

const entry = 'service/main.ts';
if (!existsSync(entry)) {
  console.log(`build: ${entry} does not exist yet (the billing service issue adds it); nothing to bundle.`);
  process.exit(0);
}
await build({
  entryPoints: [entry],
  outfile: 'out/service/index.mjs',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  sourcemap: true,
  logLevel: 'warning',
  alias: { '@shared': './shared' },
});
console.log('build: out/service/index.mjs');
