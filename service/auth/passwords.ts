import { hash, verify } from '@node-rs/argon2';
import { randomBytes } from 'node:crypto';

// argon2id with the OWASP-recommended minimum (19 MiB, 2 passes).
const OPTIONS = { memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export function hashPassword(password: string): Promise<string> {
  return hash(password, OPTIONS);
}

/** Checks a password against one stored hash; injectable so tests can count the checks. */
export interface PasswordVerifier {
  verify(passwordHash: string, password: string): Promise<boolean>;
}

export const argon2Verifier: PasswordVerifier = {
  async verify(passwordHash, password) {
    try {
      return await verify(passwordHash, password);
    } catch {
      return false;
    }
  },
};

/**
 * Every sign-in checks exactly this many hashes, so its cost does not tell whether an email has
 * 0, 1 or several accounts. An email with more accounts than this has only its most recently
 * active ones checked.
 */
export const LOGIN_PASSWORD_CHECKS = 3;

const dummyHash = hash(randomBytes(16).toString('hex'), OPTIONS);

/**
 * The index of the first candidate hash the password opens, or null. Exactly
 * LOGIN_PASSWORD_CHECKS verifications run, concurrently: the candidates (at most that many; a
 * missing hash counts as none) padded with a hash nobody knows the password of.
 */
export async function verifyLogin(verifier: PasswordVerifier, candidates: readonly (string | null)[], password: string): Promise<number | null> {
  const dummy = await dummyHash;
  const slots = Array.from({ length: LOGIN_PASSWORD_CHECKS }, (_, index) => {
    const candidate = candidates[index];
    return typeof candidate === 'string' && candidate !== '' ? { real: true, hash: candidate } : { real: false, hash: dummy };
  });
  const results = await Promise.all(slots.map((slot) => verifier.verify(slot.hash, password)));
  const index = results.findIndex((opened, i) => opened && slots[i]!.real);
  return index < 0 ? null : index;
}
