import { report } from './harness';
import { ipcBenches } from './ipc.bench';
import { moneyBenches } from './money.bench';
import { serviceBenches } from './service.bench';

const results = [...(await ipcBenches()), ...(await moneyBenches()), ...(await serviceBenches())];
process.exitCode = report(results);
