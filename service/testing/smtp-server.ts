import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  /** RCPT TO addresses of the envelope. */
  to: string[];
  parsed: ParsedMail;
}

/** A reply the server gives to RCPT TO instead of accepting it (e.g. 451 or 550). */
export interface Refusal {
  code: number;
  message: string;
}

/**
 * A real SMTP server for tests: 127.0.0.1, a port from the OS, no TLS, authentication optional.
 * Everything it accepts is parsed with mailparser.
 */
export interface TestSmtpServer {
  url: string;
  received: ReceivedMail[];
  /** Every RCPT TO it was asked, in order, accepted or not. */
  attempts: string[];
  /** Decides each RCPT TO: null accepts. The attempt counts this address's tries so far (1 first). */
  refuse: (address: string, attempt: number) => Refusal | null;
  waitForMail(count: number, timeoutMs: number): Promise<boolean>;
  close(): Promise<void>;
}

export async function startSmtpServer(): Promise<TestSmtpServer> {
  const state: TestSmtpServer = {
    url: '',
    received: [],
    attempts: [],
    refuse: () => null,
    async waitForMail(count, timeoutMs) {
      const until = Date.now() + timeoutMs;
      while (state.received.length < count) {
        if (Date.now() > until) return false;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      return true;
    },
    close: async () => undefined,
  };
  const server = new SMTPServer({
    secure: false,
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onRcptTo(address, _session, callback) {
      state.attempts.push(address.address);
      const attempt = state.attempts.filter((a) => a === address.address).length;
      const refusal = state.refuse(address.address, attempt);
      if (refusal === null) {
        callback();
        return;
      }
      callback(Object.assign(new Error(refusal.message), { responseCode: refusal.code }));
    },
    onData(stream, session, callback) {
      const to = session.envelope.rcptTo.map((address) => address.address);
      simpleParser(stream)
        .then((parsed) => {
          state.received.push({ to, parsed });
          callback();
        })
        .catch((error: unknown) => callback(error as Error));
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.server.address() as AddressInfo;
  state.url = `smtp://127.0.0.1:${port}`;
  state.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return state;
}
