/** docker-modem's ssh transport (lib/ssh.js): an http.Agent whose one connection runs `docker system dial-stdio` over ssh2. */
declare module 'docker-modem/lib/ssh.js' {
  import type { Agent } from 'node:http';
  import type { ConnectConfig } from 'ssh2';
  export default function sshAgent(config: ConnectConfig): Agent;
}
