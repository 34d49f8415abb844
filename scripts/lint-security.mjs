// Electronegativity over the Electron code and the built renderer (`npm run lint:security`).
// Fails on any finding above informational that resources/electronegativity-accepted.json does
// not accept with a written reason, on a file it could not parse, and on an accepted entry
// that no longer matches anything (so the list stays true).
//
//   node scripts/lint-security.mjs [--source electron]... [--renderer out/renderer | --renderer ""]
//                                  [--accepted resources/electronegativity-accepted.json]
//
// The sources and the renderer are scanned together from one staging folder, so the global
// checks (CSP, navigation limits, permission handler) see the main process and the page at
// once. Test files are left out: they are not shipped. The renderer bundle is lowered to
// ES2019 first, because Electronegativity's parser predates class private fields.
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { transformSync } from 'esbuild';

const require = createRequire(import.meta.url);
const ROOT = resolve(import.meta.dirname, '..');
const TEST_FILE = /\.(test|spec)\.[cm]?[jt]sx?$/;

const { values } = parseArgs({
  options: {
    source: { type: 'string', multiple: true },
    renderer: { type: 'string' },
    accepted: { type: 'string' },
  },
  strict: true,
});
const sources = (values.source ?? ['electron']).map((dir) => resolve(ROOT, dir));
const rendererDir = values.renderer === '' ? null : resolve(ROOT, values.renderer ?? 'out/renderer');
const acceptedFile = resolve(ROOT, values.accepted ?? 'resources/electronegativity-accepted.json');

function fail(message, code = 2) {
  console.error(`lint:security: ${message}`);
  process.exit(code);
}

// ---- the accepted findings, each with its reason
let acceptedList;
try {
  acceptedList = JSON.parse(readFileSync(acceptedFile, 'utf8')).accepted;
} catch (error) {
  fail(`cannot read ${relative(ROOT, acceptedFile)}: ${error.message}`);
}
if (!Array.isArray(acceptedList)) fail(`${relative(ROOT, acceptedFile)} needs an "accepted" array.`);
acceptedList.forEach((entry, index) => {
  const where = `${relative(ROOT, acceptedFile)} entry ${index + 1}`;
  if (typeof entry?.check !== 'string' || typeof entry.file !== 'string') fail(`${where}: needs "check" and "file".`);
  if (typeof entry.reason !== 'string' || entry.reason.trim().length < 20) fail(`${where} (${entry.check}): needs a written "reason".`);
  if (entry.occurrences !== undefined && !(Number.isInteger(entry.occurrences) && entry.occurrences >= 1)) fail(`${where}: "occurrences" must be a whole number.`);
});

// ---- staging
for (const dir of sources) if (!existsSync(dir)) fail(`${relative(ROOT, dir)} does not exist.`);
if (rendererDir !== null && !existsSync(join(rendererDir, 'index.html'))) {
  fail(`the renderer is not built (${relative(ROOT, rendererDir)}/index.html is missing): run \`npx electron-vite build\` first.`);
}
const stage = mkdtempSync(join(tmpdir(), 'seatdesk-electronegativity-'));
try {
  for (const dir of sources) {
    cpSync(dir, join(stage, basename(dir)), { recursive: true, filter: (path) => !TEST_FILE.test(path) && !path.includes('node_modules') });
  }
  if (rendererDir !== null) {
    cpSync(rendererDir, join(stage, 'renderer'), { recursive: true });
    for (const file of walk(join(stage, 'renderer')).filter((path) => /\.m?js$/.test(path))) {
      const { code } = transformSync(readFileSync(file, 'utf8'), { target: 'es2019', format: 'esm', loader: 'js' });
      writeFileSync(file, code);
    }
  }

  // ---- scan
  // Electronegativity fetches translations with got, whose retry throws an uncaught error once
  // the lint has finished (Node 22 and later). A lint makes no network requests: got is replaced.
  const gotPath = require.resolve('got', { paths: [join(require.resolve('@doyensec/electronegativity/package.json'), '..')] });
  require.cache[gotPath] = { id: gotPath, filename: gotPath, loaded: true, exports: () => Promise.reject(new Error('no network in the security lint')) };
  const run = require('@doyensec/electronegativity');
  const log = console.log;
  console.log = () => {}; // the runner prints a note when it cannot fetch translations offline
  let result;
  try {
    result = await run({
      input: stage,
      isRelative: true,
      electronVersionOverride: require('electron/package.json').version,
      // Fetches Electron's release list over the network: a lint must not depend on it.
      excludeFromScan: ['AvailableSecurityFixesGlobalCheck'],
    });
  } finally {
    console.log = log;
  }

  // ---- judge
  const findings = result.issues.map((issue) => ({
    check: issue.id,
    file: issue.file.split('\\').join('/'),
    line: issue.location?.line ?? 0,
    severity: issue.severity.name,
    blocking: issue.severity.value > 0,
    description: typeof issue.description === 'string' ? issue.description : JSON.stringify(issue.description),
  }));
  const problems = [];
  const counts = new Map();
  for (const finding of findings) {
    const key = `${finding.check} ${finding.file}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
    const entry = acceptedList.find((a) => a.check === finding.check && a.file === finding.file);
    const within = entry !== undefined && counts.get(key) <= (entry.occurrences ?? 1);
    const mark = within ? 'accepted' : finding.blocking ? 'FAIL' : 'info';
    console.log(`${mark.padEnd(8)} ${finding.severity.padEnd(13)} ${finding.check} ${finding.file}:${finding.line}`);
    if (within) console.log(`         reason: ${entry.reason}`);
    else if (finding.blocking) {
      console.log(`         ${finding.description}`);
      problems.push(`${finding.check} in ${finding.file}:${finding.line}`);
    }
  }
  for (const error of result.errors.filter((e) => !e.tolerable)) {
    console.log(`FAIL     could not scan ${relative(stage, error.file)}: ${error.message}`);
    problems.push(`unscanned file ${relative(stage, error.file)}`);
  }
  for (const entry of acceptedList) {
    if (!findings.some((f) => f.check === entry.check && f.file === entry.file)) {
      console.log(`FAIL     stale acceptance: ${entry.check} in ${entry.file} no longer occurs; remove it from ${relative(ROOT, acceptedFile)}.`);
      problems.push(`stale acceptance ${entry.check} ${entry.file}`);
    }
  }
  if (problems.length > 0) {
    console.error(`lint:security: ${problems.length} problem(s): ${problems.join('; ')}.`);
    process.exitCode = 1;
  } else {
    console.log(`lint:security: ${findings.length} finding(s), none above informational without an accepted reason.`);
  }
} finally {
  rmSync(stage, { recursive: true, force: true });
}

function walk(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? walk(join(dir, entry.name)) : [join(dir, entry.name)],
  );
}
