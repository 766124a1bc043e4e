/**
 * ssh:// engines: each request gets its own ssh connection running `docker system dial-stdio`
 * on the remote host — docker-modem's own ssh agent, one per request as the modem itself makes
 * them. Handing it to the modem as a plain HTTP agent keeps the modem off its ssh branch, which
 * formats an invalid `ssh:host:port` URL (Node warns about it on every run).
 */
import { Agent, type ClientRequest } from 'node:http';
import type { ConnectConfig } from 'ssh2';
import modemSshAgent from 'docker-modem/lib/ssh.js';

export class SshDialAgent extends Agent {
  constructor(private readonly config: ConnectConfig) {
    super();
  }

  /** Node's hook for every request made through this agent. */
  addRequest(request: ClientRequest, options: object): void {
    (modemSshAgent(this.config) as unknown as { addRequest(r: ClientRequest, o: object): void }).addRequest(request, options);
  }
}
