import { z } from 'zod';
import { trimmedText } from '../text';
import { emailKey, emailSchema } from '../email';
import type { ValidationIssue } from '../errors';
import { entityBaseShape, isoDateTimeSchema, uuidSchema } from './ids';
import { permissionListSchema } from './permissions';
import { refusal, type Refusal } from './refusal';

export const USER_STATUSES = ['pending', 'active', 'deactivated'] as const;
export const userStatusSchema = z.enum(USER_STATUSES);
export type UserStatus = z.infer<typeof userStatusSchema>;

export const personNameSchema = trimmedText('Names').min(1, 'Enter a name.').max(100);

/** Role ids, each at most once. */
export const roleIdListSchema = z.array(uuidSchema).superRefine((roleIds, ctx) => {
  roleIds.forEach((roleId, index) => {
    if (roleIds.indexOf(roleId) !== index) {
      ctx.addIssue({ code: 'custom', message: 'The same role is listed twice.', path: [index] });
    }
  });
});

/** Email is unique per organization, compared case-insensitively (see emailKey). */
export const userSchema = z.object({
  ...entityBaseShape,
  firstName: personNameSchema,
  lastName: personNameSchema,
  email: emailSchema,
  status: userStatusSchema,
  roleIds: roleIdListSchema,
  /** Individual permissions, on top of those of the user's roles. */
  permissions: permissionListSchema,
  lastActiveAt: isoDateTimeSchema.nullable(),
});
export type User = z.infer<typeof userSchema>;

export function fullName(user: Pick<User, 'firstName' | 'lastName'>): string {
  return `${user.firstName} ${user.lastName}`.trim();
}

/** Pending and deactivated users are not billed. */
export function isBilledSeat(user: Pick<User, 'status'>): boolean {
  return user.status === 'active';
}

export function activeSeatCount(users: readonly Pick<User, 'status'>[]): number {
  return users.filter(isBilledSeat).length;
}

/**
 * An invitation carries only an address, but a user always has a first and last name; until an
 * admin edits them they are read from the address ("ann.de.vries@x" is Ann De Vries), and a
 * one-word address gets "(invited)" as its last name. The service and the desktop's optimistic
 * copy both use this, so a pending invitee looks the same before and after sync.
 */
export function namesFromEmail(email: string): { firstName: string; lastName: string } {
  const capitalize = (word: string): string => word.charAt(0).toUpperCase() + word.slice(1);
  const local = email.slice(0, Math.max(0, email.lastIndexOf('@'))) || email;
  const words = local.split(/[._+-]+/).filter((word) => word !== '').map(capitalize);
  const [first, ...rest] = words;
  const firstName = (first ?? capitalize(local)).slice(0, 100);
  return { firstName, lastName: rest.length > 0 ? rest.join(' ').slice(0, 100) : '(invited)' };
}

/** What the status rules read of a user. */
type StatusRuleUser = Pick<User, 'firstName' | 'lastName' | 'status'>;

/** Only a deactivated user is activated by hand; an invited one becomes active by accepting the link. */
export function activateRefusal(user: StatusRuleUser): Refusal<'INVALID_TRANSITION'> | null {
  if (user.status === 'active') return refusal('INVALID_TRANSITION', `${fullName(user)} is already active.`);
  if (user.status === 'pending') {
    return refusal('INVALID_TRANSITION', `${fullName(user)} has not accepted the invitation yet: resend the invitation instead.`);
  }
  return null;
}

/** Only an active user is deactivated; removing an invited user revokes the invitation. */
export function deactivateRefusal(user: StatusRuleUser): Refusal<'INVALID_TRANSITION'> | null {
  if (user.status === 'deactivated') return refusal('INVALID_TRANSITION', `${fullName(user)} is already deactivated.`);
  if (user.status === 'pending') {
    return refusal('INVALID_TRANSITION', `${fullName(user)} has not accepted the invitation yet: remove the user to revoke the invitation.`);
  }
  return null;
}

/** Only a pending invitation is sent again. */
export function resendInvitationRefusal(user: StatusRuleUser): Refusal<'INVALID_TRANSITION'> | null {
  if (user.status === 'pending') return null;
  return refusal('INVALID_TRANSITION', `${fullName(user)} is ${user.status}, not invited: only a pending invitation can be resent.`);
}

/** Email is unique per organization, compared case-insensitively; `orgEmails` are the other users' addresses. */
export function duplicateEmailRefusal(email: string, orgEmails: Iterable<string>): Refusal<'DUPLICATE_EMAIL'> | null {
  const key = emailKey(email);
  for (const taken of orgEmails) {
    if (emailKey(taken) === key) return refusal('DUPLICATE_EMAIL', `${email} already has an account in this organization.`);
  }
  return null;
}

/**
 * An invitation of several addresses: each must be new to the organization and listed once,
 * otherwise nothing is invited; the details name each address at fault by its place in the list.
 */
export function invitationEmailsRefusal(emails: readonly string[], orgEmails: Iterable<string>): Refusal<'DUPLICATE_EMAIL'> | null {
  const taken = new Set([...orgEmails].map(emailKey));
  const seen = new Set<string>();
  const issues: ValidationIssue[] = [];
  emails.forEach((email, index) => {
    const key = emailKey(email);
    if (seen.has(key)) issues.push({ path: `emails.${index}`, message: `${email} is listed more than once.` });
    else if (taken.has(key)) issues.push({ path: `emails.${index}`, message: duplicateEmailRefusal(email, [email])!.message });
    seen.add(key);
  });
  return issues.length === 0 ? null : refusal('DUPLICATE_EMAIL', issues.map((issue) => issue.message).join(' '), issues);
}
