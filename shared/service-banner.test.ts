import { describe, expect, it } from 'vitest';
import { parseServiceListeningLine, serviceListeningLine } from './service-banner';

describe('the service listening line', () => {
  it('round-trips a loopback address', () => {
    expect(parseServiceListeningLine(serviceListeningLine('http://127.0.0.1:41234'))).toBe('http://127.0.0.1:41234');
    expect(parseServiceListeningLine(`  ${serviceListeningLine('http://localhost:80')}\r\n`)).toBe('http://localhost:80');
  });

  it.each([
    'Seatdesk billing service listening on https://evil.example:443',
    'Seatdesk billing service listening on http://10.0.0.1:80',
    'Seatdesk billing service listening on http://127.0.0.1:80/path',
    'some log line',
    '',
  ])('refuses %j', (line) => {
    expect(parseServiceListeningLine(line)).toBeNull();
  });
});
