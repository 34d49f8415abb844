import { z } from 'zod';
import { text, trimmedText } from '../text';
import { entityBaseShape } from './ids';

export const PAYMENT_METHOD_TYPES = ['card', 'sepa_debit', 'ideal'] as const;
export const paymentMethodTypeSchema = z.enum(PAYMENT_METHOD_TYPES);
export type PaymentMethodType = z.infer<typeof paymentMethodTypeSchema>;

/** Only what identifies the method to a person; the processor keeps the number itself. */
export const paymentMethodSchema = z
  .object({
    ...entityBaseShape,
    type: paymentMethodTypeSchema,
    brand: trimmedText('Brands').min(1).max(50),
    last4: text('Card numbers').regex(/^\d{4}$/, 'last4 is the last 4 digits.'),
    expMonth: z.int().min(1).max(12).nullable(),
    expYear: z.int().min(2000).max(9999).nullable(),
    isDefault: z.boolean(),
  })
  .superRefine((method, ctx) => {
    if (method.type !== 'card') return;
    if (method.expMonth === null) ctx.addIssue({ code: 'custom', message: 'A card has an expiry month.', path: ['expMonth'] });
    if (method.expYear === null) ctx.addIssue({ code: 'custom', message: 'A card has an expiry year.', path: ['expYear'] });
  });
export type PaymentMethod = z.infer<typeof paymentMethodSchema>;

/** A card expires at the end of its expiry month; other methods do not expire. */
export function isExpired(method: Pick<PaymentMethod, 'expMonth' | 'expYear'>, today: string): boolean {
  if (method.expMonth === null || method.expYear === null) return false;
  const expiry = `${method.expYear}-${String(method.expMonth).padStart(2, '0')}`;
  return today.slice(0, 7) > expiry;
}
