import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { plainMessage } from '@shared/errors';
import { startTestService, type Session, type TestService } from '../../test/support/service';
import { DEMO_NOW } from '../../test/support/commands';

/** The service answers every refused field in plain words: its app installs the shared error map. */
describe('validation messages of the service', () => {
  let test: TestService;
  let owner: Session;
  let orgId: string;
  let userId: string;

  beforeAll(async () => {
    test = await startTestService({ now: DEMO_NOW });
    owner = await test.signIn('owner@northwind.example');
    const [org] = await test.store.query<{ id: string }>("SELECT id FROM orgs WHERE name = 'Contoso Dental'");
    orgId = org!.id;
    const [user] = await test.store.query<{ id: string }>("SELECT id FROM users WHERE org_id = $1 AND status = 'active' ORDER BY email_key LIMIT 1", [orgId]);
    userId = user!.id;
  }, 120_000);
  afterAll(async () => {
    await test?.close();
  });

  it('is installed by the app', () => {
    expect(z.config().customError).toBe(plainMessage);
  });

  it.each([
    ['a 101-character first name', { version: 1, firstName: 'x'.repeat(101) }, 'firstName', 'First name can be at most 100 characters.'],
    ['a first name that is a number', { version: 1, firstName: 42 }, 'firstName', 'First name must be text.'],
    ['no version', { firstName: 'Ann' }, 'version', 'Version is missing.'],
    ['a role id that is not a UUID', { version: 1, roleIds: ['admin'] }, 'roleIds.0', 'Roles must be a valid id (a UUID, such as 0b1c7c1e-5c77-4d4a-9a55-0c1b6b7a1a11).'],
  ])('%s', async (_name, body, path, message) => {
    const response = await test.call('PATCH', `/v1/orgs/${orgId}/users/${userId}`, { token: owner.accessToken, body });
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('VALIDATION');
    expect(response.body.error.details).toContainEqual({ path, message });
    expect(response.body.error.message).toBe(`${path}: ${message}`);
  });

  it('names a query value outside its set with the values it may have', async () => {
    const response = await test.call('GET', `/v1/orgs/${orgId}/users?status=archived`, { token: owner.accessToken });
    expect(response.status).toBe(400);
    expect(response.body.error.details).toEqual([{ path: 'status', message: 'Status must be pending, active or deactivated.' }]);
  });
});
