import { useQuery } from '@tanstack/react-query';
import { useCore } from '../../api/core-context';
import { queryKeys, type InvoiceFilters, type QueryScope } from '../../api/query-keys';

export function useInvoices(scope: QueryScope, filters: InvoiceFilters) {
  const core = useCore();
  return useQuery({ queryKey: queryKeys.invoices(scope, filters), queryFn: () => core.invoices.list({ ...scope, ...filters }) });
}

export function useInvoice(invoiceId: string) {
  const core = useCore();
  return useQuery({ queryKey: queryKeys.invoice(invoiceId), queryFn: () => core.invoices.get({ invoiceId }) });
}

export function useSpend(scope: QueryScope) {
  const core = useCore();
  return useQuery({ queryKey: queryKeys.spend(scope), queryFn: () => core.invoices.spend(scope) });
}

export function useProjected(orgId: string) {
  const core = useCore();
  return useQuery({ queryKey: queryKeys.projected(orgId), queryFn: () => core.invoices.projected({ orgId }) });
}
