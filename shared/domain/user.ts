import { z } from 'zod';
import { trimmedText } from '../text';
import { emailSchema } from '../email';
import { entityBaseShape, isoDateTimeSchema, uuidSchema } from './ids';
import { permissionListSchema } from './permissions';

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
