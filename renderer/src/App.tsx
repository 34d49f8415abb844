import { useQuery } from '@tanstack/react-query';
import type { SeatdeskClient } from '@shared/ipc/channels';

export interface AppProps {
  core: SeatdeskClient | null;
}

export function App({ core }: AppProps) {
  if (core === null) {
    return (
      <main className="notice">
        <h1>Seatdesk</h1>
        <p role="alert">Open Seatdesk from the desktop app or the browser host: this page has no connection to the Seatdesk core.</p>
      </main>
    );
  }
  return <Shell core={core} />;
}

function Shell({ core }: { core: SeatdeskClient }) {
  const info = useQuery({ queryKey: ['app', 'version'], queryFn: () => core.app.version() });
  const session = useQuery({ queryKey: ['session', 'status'], queryFn: () => core.session.status() });
  return (
    <main className="notice">
      <h1>Seatdesk</h1>
      {info.data && (
        <p data-testid="app-version">
          Version {info.data.version} ({info.data.host})
        </p>
      )}
      {session.data?.state === 'signed-out' && <p>Not signed in.</p>}
      {(info.error ?? session.error) && <p role="alert">{(info.error ?? session.error)?.message}</p>}
    </main>
  );
}
