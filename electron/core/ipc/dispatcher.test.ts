import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { channel } from '@shared/ipc/contract';
import { SeatdeskError } from '@shared/errors';
import { createCore, type Core } from '../core';
import { createDispatcher, type Dispatcher } from './dispatcher';

const appInfo = { name: 'Seatdesk', version: '1.2.3', host: 'test' as const };

describe('the IPC dispatcher', () => {
  let dataDir: string;
  let core: Core;
  let dispatcher: Dispatcher;
  beforeAll(async () => {
    // A fresh data folder has no session, so the keychain is never asked.
    dataDir = await mkdtemp(join(tmpdir(), 'seatdesk-dispatcher-'));
    core = await createCore({ dataDir, defaultServiceUrl: 'http://127.0.0.1:1', appInfo });
    dispatcher = core.dispatcher;
  });
  afterAll(async () => {
    await core.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('answers a declared channel from its handler', async () => {
    expect(await dispatcher.dispatch('app.version', undefined)).toEqual({ ok: true, value: appInfo });
    expect(await dispatcher.dispatch('session.status', undefined)).toEqual({
      ok: true,
      value: { state: 'signed-out', defaultServiceUrl: 'http://127.0.0.1:1' },
    });
  });

  it.each([['nope.nothing'], ['app'], ['app.version.extra'], ['__proto__.constructor'], [42], [null]])(
    'refuses the unknown channel %s with NOT_FOUND',
    async (name) => {
      const result = await dispatcher.dispatch(name, undefined);
      expect(result).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    },
  );

  it('refuses input that fails the channel schema with VALIDATION and does not call the handler', async () => {
    let calls = 0;
    const contract = { users: { rename: channel(z.strictObject({ name: z.string().min(1) })).returns<string>() } };
    const typed = createDispatcher(contract, { users: { rename: ({ name }) => (calls++, name.toUpperCase()) } }, undefined);
    const bad = await typed.dispatch('users.rename', { name: '', extra: true });
    expect(bad.ok).toBe(false);
    if (!bad.ok) {
      expect(bad.error.code).toBe('VALIDATION');
      expect(JSON.stringify(bad.error.details)).toContain('name');
    }
    expect(calls).toBe(0);
    expect(await typed.dispatch('users.rename', { name: 'ada' })).toEqual({ ok: true, value: 'ADA' });
  });

  it('keeps the code of a domain error and hides everything of an unexpected one', async () => {
    const logged: unknown[] = [];
    const contract = {
      x: { known: channel(z.void()).returns<never>(), unknown: channel(z.void()).returns<never>() },
    };
    const failing = createDispatcher(
      contract,
      {
        x: {
          known: () => {
            throw new SeatdeskError('LAST_ADMIN', 'Keep one admin.');
          },
          unknown: () => {
            throw new Error('secret path /home/admin/.token');
          },
        },
      },
      undefined,
      (_message, error) => logged.push(error),
    );
    expect(await failing.dispatch('x.known', undefined)).toMatchObject({ ok: false, error: { code: 'LAST_ADMIN', message: 'Keep one admin.' } });
    const unknown = await failing.dispatch('x.unknown', undefined);
    expect(unknown).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
    expect(JSON.stringify(unknown)).not.toContain('secret');
    expect(logged).toHaveLength(1);
  });
});
