import { useEffect, useState } from 'react';
import type { BridgeError, FolderListing } from '../../../shared/contract';
import { bridge, unwrap } from '../bridge';
import { toBridgeError } from '../store/errors';
import { ErrorBox } from '../ui/ErrorBox';

const DOCKERFILE = /^(Dockerfile|Containerfile|.+\.Dockerfile|Dockerfile\..+)$/;
const SHOWN = 400;

/** The folders of the machine Slipway runs on (web mode cannot see the browser's machine). */
export function FolderBrowser({ start, onChoose, onClose }: { start?: string; onChoose: (path: string) => void; onClose: () => void }) {
  const [listing, setListing] = useState<FolderListing | null>(null);
  const [error, setError] = useState<BridgeError | null>(null);
  const [loading, setLoading] = useState(false);

  const load = async (path?: string) => {
    setLoading(true);
    try {
      setListing(await unwrap(bridge().fsList(path ? { path } : {})));
      setError(null);
    } catch (err) {
      setError(toBridgeError(err));
      // A path that does not exist: fall back to the home folder.
      if (path && !listing) void load();
    } finally {
      setLoading(false);
    }
  };

  useEffect(() => {
    void load(start || undefined);
    // Once, from where the path field points.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  const join = (dir: string, name: string) => (dir.endsWith('/') ? dir + name : `${dir}/${name}`);
  const folders = listing?.entries.filter((e) => e.isDirectory) ?? [];
  const files = listing?.entries.filter((e) => !e.isDirectory) ?? [];
  const dockerfiles = files.filter((f) => DOCKERFILE.test(f.name));

  return (
    <div className="folder-browser" data-testid="folder-browser">
      <div className="fb-head">
        <button type="button" className="icon" title="Parent folder" disabled={!listing?.parent || loading} onClick={() => void load(listing?.parent)}>
          ↑
        </button>
        <span className="fb-path" title={listing?.path}>
          <span dir="ltr">{listing?.path ?? '…'}</span>
        </span>
      </div>
      {error && <ErrorBox error={error} title="Cannot list that folder" compact />}
      <ul className="fb-list">
        {folders.slice(0, SHOWN).map((e) => (
          <li key={e.name}>
            <button type="button" className="fb-entry dir" onClick={() => listing && void load(join(listing.path, e.name))}>
              <span className="fb-icon">▸</span>
              {e.name}
            </button>
          </li>
        ))}
        {folders.length > SHOWN && <li className="muted fb-more">and {folders.length - SHOWN} more folders</li>}
        {files.length > 0 && (
          <li className="fb-files muted">
            {dockerfiles.length > 0 && <span className="fb-dockerfiles">{dockerfiles.map((f) => f.name).join(', ')}</span>}
            {dockerfiles.length > 0 && files.length > dockerfiles.length && ' + '}
            {files.length > dockerfiles.length && `${files.length - dockerfiles.length} file${files.length - dockerfiles.length === 1 ? '' : 's'}`}
          </li>
        )}
        {listing && listing.entries.length === 0 && <li className="muted fb-more">Empty folder</li>}
      </ul>
      <div className="fb-actions">
        <button type="button" onClick={onClose}>
          Cancel
        </button>
        <button type="button" className="primary" disabled={!listing} onClick={() => listing && onChoose(listing.path)} data-testid="folder-use">
          Use this folder
        </button>
      </div>
    </div>
  );
}
