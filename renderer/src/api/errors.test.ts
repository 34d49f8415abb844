import { describe, expect, it } from 'vitest';
import { COMMANDS } from '@shared/commands/catalogue';
import { ERROR_CODES, validationErrorFromZod } from '@shared/errors';
import { signInSchema } from '@shared/ipc/channels';
import { IpcCallError } from '@shared/ipc/contract';
import { errorCodeOf, errorSentence, fieldErrorsOfError, fieldForCode } from './errors';

describe('errors as sentences', () => {
  it('uses the code summary for transport and session errors', () => {
    expect(errorSentence(new IpcCallError({ code: 'OFFLINE', message: 'connect ECONNREFUSED 127.0.0.1:443' }))).toBe(ERROR_CODES.OFFLINE.summary);
    expect(errorSentence(new IpcCallError({ code: 'INTERNAL', message: 'TypeError: x is undefined' }))).toBe(ERROR_CODES.INTERNAL.summary);
    expect(errorSentence(new IpcCallError({ code: 'VALIDATION', message: 'email: Invalid' }))).toBe(ERROR_CODES.VALIDATION.summary);
  });

  it('keeps the specific sentence the core gives for a domain rule', () => {
    const error = new IpcCallError({ code: 'DUPLICATE_EMAIL', message: 'ann@example.com already has an account in this organization.' });
    expect(errorSentence(error)).toBe('ann@example.com already has an account in this organization.');
    expect(errorSentence(new IpcCallError({ code: 'LAST_ADMIN', message: 'LAST_ADMIN' }))).toBe(ERROR_CODES.LAST_ADMIN.summary);
  });

  it('shows what a VALIDATION error says, in its own words, and the summary when it says nothing usable', () => {
    const csv = new IpcCallError({
      code: 'VALIDATION',
      message: 'The file is empty. The first row must name the columns: first_name, last_name, email, roles, active.',
      details: [{ path: 'csv', message: 'Empty file' }],
    });
    expect(errorSentence(csv)).toBe('The file is empty. The first row must name the columns: first_name, last_name, email, roles, active.');
    expect(errorSentence(new IpcCallError({ code: 'VALIDATION', message: 'First name can be at most 100 characters.' }))).toBe('First name can be at most 100 characters.');
    expect(errorSentence(new IpcCallError({ code: 'VALIDATION', message: 'args.firstName: Names cannot contain control characters.' }))).toBe(
      'Names cannot contain control characters.',
    );
    expect(errorSentence(new IpcCallError({ code: 'VALIDATION', message: 'firstName: First name can be at most 100 characters. (and 2 more)' }))).toBe(
      'First name can be at most 100 characters. 2 more fields need attention.',
    );
    expect(errorSentence(new IpcCallError({ code: 'VALIDATION', message: '' }))).toBe(ERROR_CODES.VALIDATION.summary);
  });

  it('says what went wrong when signing in', () => {
    expect(errorSentence(new IpcCallError({ code: 'UNAUTHENTICATED', message: '' }), 'sign-in')).toMatch(/email and password do not match/);
    expect(errorSentence(new IpcCallError({ code: 'OFFLINE', message: '' }), 'sign-in')).toMatch(/Check the Service URL/);
    expect(errorSentence(new IpcCallError({ code: 'UNAUTHENTICATED', message: '' }))).toBe(ERROR_CODES.UNAUTHENTICATED.summary);
  });

  it('treats anything that is not a typed error as an internal one', () => {
    expect(errorCodeOf(new Error('boom'))).toBeNull();
    expect(errorSentence(new Error('boom'))).toBe(ERROR_CODES.INTERNAL.summary);
    expect(errorCodeOf({ code: 'ROLE_IN_USE' })).toBe('ROLE_IN_USE');
  });

  it('reads field errors from a VALIDATION error', () => {
    const error = new IpcCallError({ code: 'VALIDATION', message: 'x', details: [{ path: 'args.name', message: 'A role with this name already exists' }] });
    expect(fieldErrorsOfError(error)).toEqual({ name: 'A role with this name already exists' });
    expect(fieldErrorsOfError(new IpcCallError({ code: 'VALIDATION', message: 'x', details: 'not a list' }))).toEqual({});
    expect(fieldErrorsOfError(new IpcCallError({ code: 'FORBIDDEN', message: 'x', details: [{ path: 'a', message: 'b' }] }))).toEqual({});
    expect(fieldForCode('DUPLICATE_EMAIL')).toBe('email');
    expect(fieldForCode('LAST_ADMIN')).toBeNull();
  });

  it('puts a value the text rule refuses under its field, in plain words, as the core reports it', () => {
    // The core answers commands.run with the catalogue's issues (paths relative to args) and a
    // channel's own input with the channel's paths; both come from validationErrorFromZod.
    const asCoreAnswers = (error: ReturnType<typeof validationErrorFromZod>) =>
      new IpcCallError({ code: error.code, message: error.message, details: error.details });
    const orgId = '0b1c7c1e-5c77-4d4a-9a55-0c1b6b7a1a11';
    const parsed = COMMANDS.createUser.args.safeParse({ orgId, firstName: 'Ann\u0007', lastName: 'Smit', email: 'ann\u0000@x.example' });
    const fields = fieldErrorsOfError(asCoreAnswers(validationErrorFromZod(parsed.error!)));
    expect(fields).toEqual({
      firstName: 'Names cannot contain control characters.',
      email: 'Email addresses cannot contain control characters.',
    });
    const signIn = signInSchema.safeParse({ serviceUrl: 'https://billing.example', email: 'ann@x.example', password: 'pass\u0000' });
    expect(fieldErrorsOfError(asCoreAnswers(validationErrorFromZod(signIn.error!)), '')).toEqual({
      password: 'Passwords cannot contain control characters.',
    });
    // The service's 400 body reaches the renderer the same way, with the field's path.
    const fromService = new IpcCallError({
      code: 'VALIDATION',
      message: 'firstName: Names cannot contain control characters.',
      details: [{ path: 'firstName', message: 'Names cannot contain control characters.' }],
    });
    expect(fieldErrorsOfError(fromService)).toEqual({ firstName: 'Names cannot contain control characters.' });
  });
});

