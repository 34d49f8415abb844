import { z } from 'zod';
import { text, trimmedText } from '../text';
import { entityBaseShape } from './ids';
import { refusal, type Refusal } from './refusal';

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

/** The default goes last: while other methods remain, one of them must become the default first. */
export function removePaymentMethodRefusal(
  method: Pick<PaymentMethod, 'brand' | 'last4' | 'isDefault'>,
  otherMethods: number,
): Refusal<'INVALID_TRANSITION'> | null {
  if (!method.isDefault || otherMethods === 0) return null;
  return refusal(
    'INVALID_TRANSITION',
    `${method.brand} ending in ${method.last4} is the default payment method. Set another payment method as the default first, then remove this one.`,
  );
}
