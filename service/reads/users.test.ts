import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { userSchema, type User } from '@shared/domain/user';
import { startTestService, testDatabases, type Session, type TestService } from '../../test/support/service';
import { toUser, type Row } from '../db/rows';

describe.each(testDatabases())('GET /v1/orgs/:orgId/users (%s)', (database) => {
  let test: TestService;
  let owner: Session;
  let orgId: string;
  beforeAll(async () => {
    test = await startTestService({ database });
    owner = await test.signIn('owner@northwind.example');
    [{ id: orgId }] = (await test.store.query<{ id: string }>("SELECT id FROM orgs WHERE name = 'Wingtip Toys'")) as [{ id: string }];
    // A name with the search's wildcards in it, and one that only differs in case.
    await test.store.query("UPDATE users SET last_name = 'Per%cent_Under' WHERE id = (SELECT id FROM users WHERE org_id = $1 ORDER BY id LIMIT 1)", [orgId]);
  });
  afterAll(async () => {
    await test?.close();
  });

  const list = async (query = '') => {
    const answer = await test.call('GET', `/v1/orgs/${orgId}/users${query}`, { token: owner.accessToken });
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    return answer.body as { items: User[]; activeCount: number };
  };
  const rows = async (where = 'TRUE', params: unknown[] = []) =>
    (await test.store.query<Row>(`SELECT * FROM users WHERE org_id = $1 AND ${where} ORDER BY last_name, first_name, email`, [orgId, ...params])).map(toUser);

  it('answers every user of the organization in wire shape, by last name, first name and email, with the active count', async () => {
    const answer = await list();
    expect(answer.items.length).toBeGreaterThan(3);
    for (const user of answer.items) expect(userSchema.parse(user)).toEqual(user);
    expect(answer.items).toEqual(await rows());
    expect(answer.activeCount).toBe((await rows("status = 'active'")).length);
  });

  it('filters by status and searches names and email, wildcards taken literally, keeping the active count', async () => {
    const all = await list();
    const pending = await list('?status=pending');
    expect(pending.items).toEqual(await rows("status = 'pending'"));
    expect(pending.activeCount).toBe(all.activeCount);

    const someone = all.items.find((user) => user.lastName !== 'Per%cent_Under')!;
    const byEmail = await list(`?q=${encodeURIComponent(someone.email.toUpperCase())}`);
    expect(byEmail.items.map((user) => user.id)).toEqual([someone.id]);

    expect((await list(`?q=${encodeURIComponent('per%cent_')}`)).items.map((user) => user.lastName)).toEqual(['Per%cent_Under']);
    // '%' alone is a literal percent sign: one user has it, not everyone.
    expect((await list('?q=%25')).items.map((user) => user.lastName)).toEqual(['Per%cent_Under']);
    expect(await list('?q=nobody-has-this-name')).toEqual({ items: [], activeCount: all.activeCount });
  });
});
