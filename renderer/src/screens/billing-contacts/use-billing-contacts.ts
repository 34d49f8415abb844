import { useQuery } from '@tanstack/react-query';
import { useCore } from '../../api/core-context';
import { queryKeys } from '../../api/query-keys';

export function useBillingContacts(orgId: string) {
  const core = useCore();
  return useQuery({ queryKey: queryKeys.billingContacts(orgId), queryFn: () => core.billingContacts.list({ orgId }) });
}

export function useBillingViewers(orgId: string) {
  const core = useCore();
  return useQuery({ queryKey: queryKeys.billingViewers(orgId), queryFn: () => core.users.billingViewers({ orgId }) });
}

export function useAccount(orgId: string) {
  const core = useCore();
  return useQuery({ queryKey: queryKeys.account(orgId), queryFn: () => core.account.get({ orgId }) });
}
