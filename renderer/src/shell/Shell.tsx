import { useEffect, useRef, type ReactNode } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { OrgNode } from '@shared/ipc/models';
import { isAccountQuery, useCore, useCoreEvents } from '../api/core-context';
import { useCurrentOrg, useOrgTree } from '../api/orgs';
import type { QueryScope } from '../api/query-keys';
import { queryKeys } from '../api/query-keys';
import { EmptyState, LoadError, Loading } from '../components/bits';
import { Toasts } from '../components/Toasts';
import { screenInfo, useNavStore, type ScreenId } from '../state/nav-store';
import { useScopeStore } from '../state/scope-store';
import { useToastStore } from '../state/toast-store';
import { AccountScreen } from '../screens/account/AccountScreen';
import { AuditScreen } from '../screens/audit/AuditScreen';
import { BillingContactsScreen } from '../screens/billing-contacts/BillingContactsScreen';
import { HomeScreen } from '../screens/home/HomeScreen';
import { InvoicesScreen } from '../screens/invoices/InvoicesScreen';
import { RolesScreen } from '../screens/roles/RolesScreen';
import { SubscriptionsScreen } from '../screens/subscriptions/SubscriptionsScreen';
import { SyncIssuesScreen } from '../screens/sync-issues/SyncIssuesScreen';
import { UsersScreen } from '../screens/users/UsersScreen';
import { isTypingTarget, shortcutFor } from './shortcuts';
import { SignIn } from './SignIn';
import { Sidebar, UserMenu } from './Sidebar';
import { formatCount } from '../format/format';
import { StatusBar } from './StatusBar';
import { useSyncNow, useSyncStatus } from './sync-status';
import { summarizeSync } from './sync-summary';

export interface ScreenProps {
  org: OrgNode;
  scope: QueryScope;
}

const SCREEN_COMPONENTS: Record<ScreenId, (props: ScreenProps) => ReactNode> = {
  home: HomeScreen,
  users: UsersScreen,
  roles: RolesScreen,
  'billing-contacts': BillingContactsScreen,
  subscriptions: SubscriptionsScreen,
  invoices: InvoicesScreen,
  account: AccountScreen,
  'sync-issues': SyncIssuesScreen,
  audit: AuditScreen,
};

/** Signed out: the sign-in screen; signed in: the workspace. */
export function Shell() {
  const core = useCore();
  useCoreEvents();
  const session = useQuery({ queryKey: queryKeys.session, queryFn: () => core.session.status() });
  const identity = session.data?.state === 'signed-in' ? `${session.data.serviceUrl}|${session.data.userId}` : null;
  useSessionReset(identity);
  // The organization shown is the signed-in user's own choice: switched before their workspace renders.
  const scopeAccount = useScopeStore((state) => state.account);
  const switchAccount = useScopeStore((state) => state.switchAccount);
  useEffect(() => switchAccount(identity), [identity, switchAccount]);
  if (session.isPending) return <Loading label="Starting Seatdesk…" />;
  if (session.isError) {
    return (
      <main className="notice">
        <h1>Seatdesk</h1>
        <LoadError error={session.error} onRetry={() => void session.refetch()} />
      </main>
    );
  }
  if (session.data.state === 'signed-out') return <SignIn defaultServiceUrl={session.data.defaultServiceUrl} />;
  if (scopeAccount !== identity) return <Loading label="Starting Seatdesk…" />;
  return <Workspace key={identity} email={session.data.email} />;
}

/**
 * When the core reports another account than before (session.changed without passing the sign-in
 * screen), every account query is reset: active ones refetch, nothing of the old account stays.
 */
function useSessionReset(identity: string | null) {
  const queryClient = useQueryClient();
  const previous = useRef(identity);
  useEffect(() => {
    if (previous.current !== null && identity !== null && previous.current !== identity) {
      void queryClient.resetQueries({ predicate: (query) => isAccountQuery(query.queryKey) });
    }
    previous.current = identity;
  }, [identity, queryClient]);
}

function useGlobalShortcuts() {
  const syncNow = useSyncNow();
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      const action = shortcutFor(event, isTypingTarget(event.target));
      if (action === null) return;
      // A modal dialog owns the keyboard while it is open.
      if (document.querySelector('dialog[open]') !== null) return;
      event.preventDefault();
      if (action === 'sync-now') void syncNow();
      else {
        const search = document.querySelector<HTMLInputElement>('main [data-search]') ?? document.querySelector<HTMLButtonElement>('.org-switcher-button');
        search?.focus();
        if (search instanceof HTMLInputElement) search.select();
      }
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, [syncNow]);
}

function Workspace({ email }: { email: string }) {
  const tree = useOrgTree();
  const { org, scope } = useCurrentOrg();
  const screen = useNavStore((state) => state.screen);
  const status = useSyncStatus();
  useGlobalShortcuts();

  // Confirmations made while offline say that the change is kept until it syncs. A sync in
  // progress (each queued change starts one) keeps the last answer: it has not reached the service yet.
  const syncState = status.data?.state;
  const setOffline = useToastStore((state) => state.setOffline);
  useEffect(() => {
    if (syncState === 'offline' || syncState === 'online') setOffline(syncState === 'offline');
  }, [syncState, setOffline]);

  let content: ReactNode;
  if (tree.isPending) content = <Loading />;
  else if (tree.isError) content = <LoadError error={tree.error} onRetry={() => void tree.refetch()} />;
  else if (tree.data.length === 0) {
    const summary = status.data === undefined ? null : summarizeSync(status.data, (n) => formatCount(n));
    content = (
      <main className="main main-centered">
        <EmptyState icon="sync" title="Downloading your organizations">
          <p>Seatdesk is making its offline copy of your data. Your organizations appear here as soon as it has them.</p>
          {summary?.progress != null && (
            <>
              <progress className="bootstrap-progress" max={summary.progress.total} value={summary.progress.done} aria-label={summary.progress.label} />
              <p className="small">{summary.progress.label}</p>
            </>
          )}
        </EmptyState>
      </main>
    );
  } else if (org === null || scope === null) content = <Loading />;
  else content = <ScreenGate screen={screen} org={org} scope={scope} />;

  return (
    <div className="app">
      <a className="skip-link" href="#main-content">
        Skip to content
      </a>
      {org !== null && tree.data !== undefined ? (
        <Sidebar orgs={tree.data} current={org} email={email} />
      ) : (
        <div className="sidebar">
          <div className="brand sidebar-brand">
            <span className="brand-mark" aria-hidden="true">
              S
            </span>
            <span className="brand-name">Seatdesk</span>
          </div>
          <div className="nav" />
          <UserMenu email={email} />
        </div>
      )}
      <div className="main-column" id="main-content" tabIndex={-1}>
        {content}
      </div>
      <StatusBar />
      <Toasts />
    </div>
  );
}

/** The screen, or a calm note when the signed-in user may not see it in this organization. */
function ScreenGate({ screen, org, scope }: { screen: ScreenId; org: OrgNode; scope: QueryScope }) {
  const info = screenInfo(screen);
  const Screen = SCREEN_COMPONENTS[screen];
  if (info.view !== null && !org.permissions.includes(info.view)) {
    return (
      <main className="main">
        <header className="screen-header">
          <div className="screen-title">
            <h1>{info.label}</h1>
            <div className="screen-org">
              <span className="screen-org-name">{org.name}</span>
            </div>
          </div>
        </header>
        <EmptyState icon="shield" title={`You cannot see ${info.label.toLowerCase()} in ${org.name}`}>
          <p>
            This needs the <code>{info.view}</code> permission. Ask an Administrator of the organization, or choose another organization.
          </p>
        </EmptyState>
      </main>
    );
  }
  return (
    <main className="main" key={`${screen}`}>
      <Screen org={org} scope={scope} />
    </main>
  );
}
