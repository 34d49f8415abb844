import { redact } from './log';

/**
 * What the user sees when the main process hits an error nobody caught: what happened in a
 * sentence, where the log is, never a stack trace or a secret.
 */
export function crashDialogContent(error: unknown, logFile: string): { title: string; message: string; detail: string } {
  const reason = error instanceof Error ? error.message : typeof error === 'string' ? error : 'An unknown error.';
  const firstLine = redact(reason.split('\n')[0] ?? '').slice(0, 300);
  return {
    title: 'Seatdesk',
    message: 'Seatdesk ran into an unexpected problem.',
    detail: `${firstLine}\n\nYour queued changes are kept. The details are in the log:\n${logFile}`,
  };
}
