import { QueryClient } from '@tanstack/react-query';

/**
 * Reads are answered by the local core from its offline copy, so they are cheap and never need a
 * retry against the network; freshness comes from the core's data.changed events, not timers.
 */
export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: { retry: false, staleTime: 30_000, refetchOnWindowFocus: false, networkMode: 'always' },
      mutations: { retry: false, networkMode: 'always' },
    },
  });
}
