import { report } from './harness';
import { ipcBenches } from './ipc.bench';
import { moneyBenches } from './money.bench';

const results = [...(await ipcBenches()), ...(await moneyBenches())];
process.exitCode = report(results);
