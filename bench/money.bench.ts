import { money, multiplyMoney, sumMoney, taxOf } from '@shared/money';
import { latency, type BenchResult } from './harness';

/** An invoice with 200 lines (a large reseller) must total in well under a frame. */
export async function moneyBenches(): Promise<BenchResult[]> {
  const lines = Array.from({ length: 200 }, (_, i) => multiplyMoney(money(1_299 + i, 'EUR'), 1 + (i % 50)));
  return [
    await latency({
      name: 'Invoice totals, 200 lines (sum, 21% tax half-even)',
      p50TargetMs: 0.5,
      iterations: 5_000,
      run: () => taxOf(sumMoney(lines, 'EUR'), 2100),
    }),
  ];
}
