import { describe, expect, it } from 'vitest';
import { auditEventSchema, type AuditEvent } from './audit';

const event: AuditEvent = {
  id: '8e0a2c4e-6a8c-4e2a-b4c6-e8a0c2e4a6c8',
  orgId: '0e5b7c1d-2f3a-4b5c-8d6e-7f8091a2b3c4',
  actorUserId: '6f1c2a3e-0b7d-4c1e-9a2b-3c4d5e6f7a80',
  actorEmail: 'Ann@northwind.example',
  entity: 'user',
  entityId: '4c6e8a0c-2e4a-4c8e-a0c2-e4a6c8e0a2c4',
  action: 'deactivateUser',
  before: { status: 'active' },
  after: { status: 'deactivated' },
  at: '2024-03-01T09:00:00Z',
  origin: { kind: 'online' },
};
const offline = {
  kind: 'offline',
  clientId: '7d9f1b3d-5f7b-4d9f-91b3-d5f7b9d1f3b5',
  batchId: '3e5a7c9e-1a3c-4e7a-9c1e-3a5c7e9a1c3e',
  mutationId: 17,
} as const;

function pathOf(data: unknown) {
  return auditEventSchema.safeParse(data).error?.issues[0]?.path;
}

describe('auditEventSchema', () => {
  it('accepts online and offline changes, creations and removals', () => {
    expect(auditEventSchema.parse(event)).toEqual(event);
    const queued = { ...event, origin: offline, before: null };
    expect(auditEventSchema.parse(queued)).toEqual(queued);
    const single = { ...event, origin: { ...offline, batchId: null }, after: null, actorUserId: null };
    expect(auditEventSchema.parse(single)).toEqual(single);
  });

  it('refuses bad fields with their path', () => {
    expect(pathOf({ ...event, entity: 'password' })).toEqual(['entity']);
    expect(pathOf({ ...event, entityId: 'u1' })).toEqual(['entityId']);
    expect(pathOf({ ...event, action: '' })).toEqual(['action']);
    expect(pathOf({ ...event, at: 'yesterday' })).toEqual(['at']);
    expect(pathOf({ ...event, origin: { kind: 'email' } })).toEqual(['origin', 'kind']);
    expect(pathOf({ ...event, origin: { ...offline, mutationId: 0 } })).toEqual(['origin', 'mutationId']);
    expect(pathOf({ ...event, origin: { ...offline, batchId: undefined } })).toEqual(['origin', 'batchId']);
    expect(pathOf({ ...event, origin: { kind: 'offline', batchId: null, mutationId: 3 } })).toEqual(['origin', 'clientId']);
  });
});
