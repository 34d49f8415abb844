import { mkdtemp, readFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createRotatingLog, formatEntry, redact } from './log';

const REFRESH = 'q7GkM2x9VfR0bT4nLwZ8aC1dE6hJ3sUyP5oIuKlNmQe'; // 43 base64url chars, as the service issues
const ACCESS = 'sd1.eyJzdWIiOiJ1c2VyIiwic2lkIjoiZmFtaWx5IiwiZXhwIjoxNzAwMDAwMDAwfQ.Zm9vYmFyYmF6cXV4cXV1eGNvcmdlZ3JhdWx0Z2FycGx5';

describe('redact', () => {
  it('removes bearer tokens from headers and messages', () => {
    const out = redact(`GET /v1/me failed; authorization: Bearer ${ACCESS}`);
    expect(out).not.toContain(ACCESS);
    expect(out).not.toContain('eyJzdWIi');
    expect(out).toContain('Bearer [redacted]');
  });

  it('removes refreshToken, accessToken and password JSON fields, escaped quotes included', () => {
    const body = JSON.stringify({ accessToken: 'a-short-one', refreshToken: REFRESH, password: 'hunter2 "quoted"', email: 'owner@northwind.example' });
    const out = redact(`login answered ${body}`);
    expect(out).not.toContain('a-short-one');
    expect(out).not.toContain(REFRESH);
    expect(out).not.toContain('hunter2');
    expect(out).toContain('"email":"owner@northwind.example"');
    expect(JSON.parse(out.slice(out.indexOf('{')))).toEqual({
      accessToken: '[redacted]',
      refreshToken: '[redacted]',
      password: '[redacted]',
      email: 'owner@northwind.example',
    });
  });

  it('removes secrets from util.inspect output and query strings', () => {
    expect(redact("{ password: 'seatdesk-demo', email: 'a@b.example' }")).toBe("{ password: '[redacted]', email: 'a@b.example' }");
    expect(redact('http://127.0.0.1:5000/accept?token=abc123&next=/')).toBe('http://127.0.0.1:5000/accept?token=[redacted]&next=/');
    expect(redact('#token=Zx9_secret')).toBe('#token=[redacted]');
  });

  it('removes anything shaped like a token, even unlabelled', () => {
    expect(redact(`stored ${REFRESH} for later`)).toBe('stored [redacted] for later');
    expect(redact(`bare ${ACCESS}`)).toBe('bare [redacted]');
    expect(redact('jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl')).toBe('jwt [redacted]');
  });

  it('keeps what the log is for: UUIDs, paths, URLs, words', () => {
    const line = 'user 0b4f6e0c-6f1e-4d8a-9a51-2f0e6f3d1c2b synced 12 rows from http://127.0.0.1:4312/v1/sync/pull at /home/a/.config/Seatdesk/cache.sqlite';
    expect(redact(line)).toBe(line);
    expect(redact('a-rather-long-hyphenated-identifier-with-no-digits-at-all')).toBe('a-rather-long-hyphenated-identifier-with-no-digits-at-all');
  });
});

describe('formatEntry', () => {
  it('writes time, level and message, and the error indented and redacted', () => {
    const error = new Error(`refresh failed for ${REFRESH}`);
    const entry = formatEntry(new Date('2026-11-23T10:00:00Z'), 'error', 'sync stopped', error);
    expect(entry.startsWith('2026-11-23T10:00:00.000Z [error] sync stopped\n    Error: refresh failed for [redacted]')).toBe(true);
    expect(entry).not.toContain(REFRESH);
    expect(entry.endsWith('\n')).toBe(true);
  });

  it('includes the cause of an error', () => {
    const entry = formatEntry(new Date(0), 'warn', 'x', new Error('outer', { cause: new Error('inner reason') }));
    expect(entry).toContain('Caused by: Error: inner reason');
  });
});

describe('createRotatingLog', () => {
  it('rotates by size, keeps maxFiles files and drops the oldest', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'seatdesk-log-'));
    const log = createRotatingLog({ dir, maxBytes: 200, maxFiles: 3, now: () => new Date('2026-11-23T10:00:00Z') });
    for (let i = 0; i < 20; i++) log.info(`entry ${String(i).padStart(2, '0')} ${'x'.repeat(60)}`);
    expect((await readdir(dir)).sort()).toEqual(['main.1.log', 'main.2.log', 'main.log']);
    const current = await readFile(join(dir, 'main.log'), 'utf8');
    const previous = await readFile(join(dir, 'main.1.log'), 'utf8');
    expect(current).toContain('entry 19');
    expect(Buffer.byteLength(current)).toBeLessThanOrEqual(200);
    expect(previous).not.toContain('entry 19');
    const all = current + previous + (await readFile(join(dir, 'main.2.log'), 'utf8'));
    expect(all).not.toContain('entry 00');
    expect(log.file).toBe(join(dir, 'main.log'));
  });

  it('never writes a secret to disk', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'seatdesk-log-'));
    const log = createRotatingLog({ dir });
    log.error('sign-in failed', new Error(JSON.stringify({ refreshToken: REFRESH, password: 'seatdesk-demo' })));
    log.warn(`Authorization: Bearer ${ACCESS}`);
    const text = await readFile(log.file, 'utf8');
    expect(text).not.toContain(REFRESH);
    expect(text).not.toContain('seatdesk-demo');
    expect(text).not.toContain(ACCESS.slice(4, 20));
    expect(text).toContain('sign-in failed');
  });
});
