import { describe, expect, it } from 'vitest';
import { isAllowedPermission } from './permissions';

const origins = ['app://seatdesk'];

describe('permission requests', () => {
  it('lets the app’s own page write to the clipboard', () => {
    expect(isAllowedPermission('clipboard-sanitized-write', 'app://seatdesk/index.html', origins)).toBe(true);
  });

  it.each([
    ['clipboard-read', 'app://seatdesk/index.html'],
    ['media', 'app://seatdesk/index.html'],
    ['notifications', 'app://seatdesk/index.html'],
    ['clipboard-sanitized-write', 'https://evil.example/'],
    ['clipboard-sanitized-write', 'javascript:alert(1)'],
    ['clipboard-sanitized-write', 'app://seatdesk.evil/index.html'],
  ])('refuses %s from %s', (permission, url) => {
    expect(isAllowedPermission(permission, url, origins)).toBe(false);
  });
});
