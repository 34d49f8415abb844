import { useQueryClient } from '@tanstack/react-query';
import type { OrgNode } from '@shared/ipc/models';
import { isAccountQuery, useCore } from '../api/core-context';
import { errorSentence } from '../api/errors';
import { queryKeys } from '../api/query-keys';
import { Icon, type IconName } from '../components/Icon';
import { Menu } from '../components/Menu';
import { formatCount } from '../format/format';
import { SCREENS, useNavStore, type ScreenId } from '../state/nav-store';
import { toast } from '../state/toast-store';
import { OrgSwitcher } from './OrgSwitcher';
import { useSyncStatus } from './sync-status';

const SCREEN_ICONS: Record<ScreenId, IconName> = {
  home: 'home',
  users: 'users',
  roles: 'shield',
  'billing-contacts': 'mail',
  subscriptions: 'layers',
  invoices: 'receipt',
  account: 'building',
  'sync-issues': 'alert',
  audit: 'history',
};

export function Sidebar({ orgs, current, email }: { orgs: readonly OrgNode[]; current: OrgNode; email: string }) {
  const screen = useNavStore((state) => state.screen);
  const go = useNavStore((state) => state.go);
  const issues = useSyncStatus().data?.issueCount ?? 0;
  return (
    <div className="sidebar">
      <OrgSwitcher orgs={orgs} current={current} />
      <nav aria-label="Screens" className="nav">
        <ul>
          {SCREENS.map((item) => (
            <li key={item.id}>
              <a
                href={`#/${item.id}`}
                className="nav-link"
                aria-current={item.id === screen ? 'page' : undefined}
                aria-describedby={item.id === 'sync-issues' && issues > 0 ? 'nav-issue-count' : undefined}
                onClick={(event) => {
                  event.preventDefault();
                  go(item.id);
                }}
              >
                <Icon name={SCREEN_ICONS[item.id]} />
                <span className="nav-label">{item.label}</span>
                {item.id === 'sync-issues' && issues > 0 && (
                  <span className="nav-count" aria-hidden="true">
                    {formatCount(issues)}
                  </span>
                )}
              </a>
              {item.id === 'sync-issues' && issues > 0 && (
                // Outside the link: the count describes it, so its name stays exactly "Sync issues".
                <span id="nav-issue-count" className="visually-hidden">
                  {formatCount(issues)} open
                </span>
              )}
            </li>
          ))}
        </ul>
      </nav>
      <UserMenu email={email} />
    </div>
  );
}

export function UserMenu({ email }: { email: string }) {
  const core = useCore();
  const queryClient = useQueryClient();
  const signOut = async () => {
    try {
      const session = await core.session.signOut();
      queryClient.setQueryData(queryKeys.session, session);
      queryClient.removeQueries({ predicate: (query) => isAccountQuery(query.queryKey) });
    } catch (error) {
      toast.error(errorSentence(error));
    }
  };
  return (
    <div className="user-menu">
      <Menu
        label={`Signed in as ${email}`}
        buttonClassName="user-menu-button"
        placement="above"
        align="start"
        button={
          <>
            <span className="avatar" aria-hidden="true">
              {email.slice(0, 1).toUpperCase()}
            </span>
            <span className="user-menu-text">
              <span className="user-menu-caption">Signed in as</span>
              <span className="user-menu-email" title={email}>
                {email}
              </span>
            </span>
          </>
        }
        items={[{ label: 'Sign out', onSelect: () => void signOut() }]}
      />
    </div>
  );
}
