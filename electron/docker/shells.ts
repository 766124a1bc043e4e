import type { Duplex } from 'node:stream';
import type Docker from 'dockerode';
import type { Shell } from '../builder/backend';

/**
 * An interactive `sh` in a running container: a TTY exec, its output, input, resize, and an
 * exit code once it ends (when the user exits, or the container stops).
 */
export async function openShell(docker: Docker, containerId: string, size: { cols: number; rows: number }): Promise<Shell> {
  const exec = await docker.getContainer(containerId).exec({
    Cmd: ['sh'],
    AttachStdin: true,
    AttachStdout: true,
    AttachStderr: true,
    Tty: true,
    Env: [`COLUMNS=${size.cols}`, `LINES=${size.rows}`, 'TERM=xterm-256color'],
  });
  const stream = (await exec.start({ hijack: true, stdin: true, Tty: true })) as Duplex;
  await exec.resize({ w: size.cols, h: size.rows }).catch(() => {});
  const ended = new Promise<number | null>((resolve) => {
    const done = () => exec.inspect().then((i) => resolve(i.ExitCode ?? null), () => resolve(null));
    stream.once('end', done);
    stream.once('close', done);
  });
  return {
    output: stream,
    write: (data) => void stream.write(data),
    resize: (cols, rows) => exec.resize({ w: cols, h: rows }).then(() => {}, () => {}),
    ended,
    close: async () => {
      // The exec ends with its shell: hang up, then let go of the stream.
      if (!stream.destroyed) stream.write('\u0004exit\n');
      stream.end();
      await Promise.race([ended, new Promise((r) => setTimeout(r, 2000))]);
      stream.destroy();
    },
  };
}
