// Bundles the billing service into out/service (npm packages stay external, resolved at run time).
// `--outfile <path>` bundles elsewhere (tests build their own copy); it must sit under this
// repository, so that the external packages resolve from its node_modules.
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';

const { values } = parseArgs({ options: { outfile: { type: 'string', default: 'out/service/index.mjs' } }, strict: true });
const entry = 'service/main.ts';
if (!existsSync(entry)) {
  console.log(`build: ${entry} does not exist yet (the billing service issue adds it); nothing to bundle.`);
  process.exit(0);
}
await build({
  entryPoints: [entry],
  outfile: values.outfile,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  sourcemap: true,
  logLevel: 'warning',
  alias: { '@shared': './shared' },
});
console.log(`build: ${values.outfile}`);
