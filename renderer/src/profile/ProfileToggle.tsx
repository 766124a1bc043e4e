import { useState } from 'react';
import { ErrorBoundary } from '../ui/ErrorBoundary';
import { ProfileView } from './ProfileView';

/**
 * Graph or Profile, for a build: a switch over the graph's corner, and the profile laid over
 * the graph while chosen (the graph stays mounted below, so switching back lays nothing out).
 */
export function ProfileToggle({ buildId }: { buildId: string }) {
  const [view, setView] = useState<'graph' | 'profile'>('graph');
  return (
    <>
      {view === 'profile' && (
        <div className="profile-overlay">
          <ErrorBoundary where="profile">
            <ProfileView buildId={buildId} />
          </ErrorBoundary>
        </div>
      )}
      <div className="view-toggle" role="tablist" aria-label="Build view">
        {(['graph', 'profile'] as const).map((v) => (
          <button
            key={v}
            type="button"
            role="tab"
            aria-selected={view === v}
            className={view === v ? 'active' : ''}
            onClick={() => setView(v)}
            data-testid={`view-${v}`}
          >
            {v === 'graph' ? 'Graph' : 'Profile'}
          </button>
        ))}
      </div>
    </>
  );
}
