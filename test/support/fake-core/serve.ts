import { parseArgs } from 'node:util';
import { startFakeHost } from './host';

/**
 * npx tsx --tsconfig tsconfig.node.json test/support/fake-core/serve.ts [--build] [--signed-in owner@northwind.example] [--users 100000] [--port 5199]
 * Prints the launch URL (with its token). Type "offline" or "online" and Enter to switch.
 */
const { values } = parseArgs({
  options: {
    build: { type: 'boolean', default: false },
    'signed-in': { type: 'string' },
    users: { type: 'string' },
    port: { type: 'string' },
  },
});

const fake = await startFakeHost({
  build: values.build,
  ...(values['signed-in'] === undefined ? {} : { signedInAs: values['signed-in'] }),
  ...(values.users === undefined ? {} : { extraUsers: Number(values.users) }),
  ...(values.port === undefined ? {} : { port: Number(values.port) }),
});
console.log(`Seatdesk fake host: ${fake.launchUrl}`);
process.stdin.setEncoding('utf8');
process.stdin.on('data', (line: string) => {
  const word = line.trim();
  if (word === 'offline' || word === 'online') {
    fake.core.setOffline(word === 'offline');
    console.log(`now ${word}`);
  }
});
const stop = () => void fake.close().then(() => process.exit(0));
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
