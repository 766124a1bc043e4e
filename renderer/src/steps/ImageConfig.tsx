import { useEffect, useState, type ReactNode } from 'react';
import type { ImageSettings } from '../../../shared/contract';
import { bridge, unwrap } from '../bridge';
import { useBuilds } from '../store/builds';
import { toBridgeError } from '../store/errors';
import { formatDuration } from '../ui/format';
import { FieldTable } from '../ui/FieldTable';

const list = (values: string[] | null | undefined) => (values?.length ? values : undefined);
const keys = (record: Record<string, unknown> | null | undefined) => (record && Object.keys(record).length ? Object.keys(record) : undefined);
const json = (values: string[]) => <code>{JSON.stringify(values)}</code>;
const lines = (values: string[]) => (
  <ul className="config-list">
    {values.map((v, i) => (
      <li key={i}>
        <code>{v}</code>
      </li>
    ))}
  </ul>
);
const nanos = (n: number | undefined) => (n ? formatDuration(n / 1e6) : undefined);

/** The rows worth showing: what the image will run, with what, as whom; unset fields are left out. */
function configRows(settings: ImageSettings): [string, ReactNode][] {
  const c = settings.config;
  const rows: [string, ReactNode | undefined][] = [
    ['Entrypoint', list(c.Entrypoint) && json(c.Entrypoint!)],
    ['Cmd', list(c.Cmd) && json(c.Cmd!)],
    ['Shell', list(c.Shell) && json(c.Shell!)],
    ['WorkingDir', c.WorkingDir ? <code>{c.WorkingDir}</code> : undefined],
    ['User', c.User ? <code>{c.User}</code> : undefined],
    ['Env', list(c.Env) && lines(c.Env!)],
    ['Ports', keys(c.ExposedPorts) && lines(keys(c.ExposedPorts)!)],
    ['Volumes', keys(c.Volumes) && lines(keys(c.Volumes)!)],
    ['Labels', keys(c.Labels) && lines(Object.entries(c.Labels!).map(([k, v]) => `${k}=${v}`))],
    ['StopSignal', c.StopSignal ? <code>{c.StopSignal}</code> : undefined],
    [
      'Healthcheck',
      c.Healthcheck?.Test?.length ? (
        <span>
          {json(c.Healthcheck.Test)}
          {[
            nanos(c.Healthcheck.Interval) && `every ${nanos(c.Healthcheck.Interval)}`,
            nanos(c.Healthcheck.Timeout) && `timeout ${nanos(c.Healthcheck.Timeout)}`,
            c.Healthcheck.Retries && `${c.Healthcheck.Retries} retries`,
          ]
            .filter(Boolean)
            .map((t) => ` · ${t}`)}
        </span>
      ) : undefined,
    ],
    ['OnBuild', list(c.OnBuild) && lines(c.OnBuild!)],
    ['Platform', `${settings.os}/${settings.architecture} · ${settings.layers} layer${settings.layers === 1 ? '' : 's'}`],
  ];
  return rows.filter((r): r is [string, ReactNode] => r[1] !== undefined);
}

/** The config of the image the step made: what a container of it would run. */
export function ImageConfig({ imageId, buildId }: { imageId: string; buildId?: string | null }) {
  // The image is on the engine its build ran on.
  const engine = useBuilds((s) => (buildId ? s.summaries[buildId]?.request.engine : undefined));
  const [settings, setSettings] = useState<ImageSettings | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    setSettings(null);
    setError(null);
    unwrap(bridge().imageConfig({ imageId, ...(engine ? { engine } : {}) }))
      .then((s) => live && setSettings(s))
      .catch((err: unknown) => live && setError(toBridgeError(err).message));
    return () => {
      live = false;
    };
  }, [imageId, engine]);

  return (
    <section className="image-config" data-testid="image-config">
      <h3>Image config</h3>
      {error && <p className="error-text">{error}</p>}
      {!settings && !error && <p className="muted">Reading the image…</p>}
      {settings && <FieldTable rows={configRows(settings)} />}
    </section>
  );
}
