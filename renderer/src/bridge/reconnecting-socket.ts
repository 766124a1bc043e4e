/**
 * One WebSocket kept open: when it closes (server restarted, laptop slept), a new one is opened
 * after a growing pause. The owner hears opens, texts and closes; it never holds a dead socket.
 */
export type ConnectionState = 'connecting' | 'open' | 'waiting' | 'closed';

export interface SocketEvents {
  open(): void;
  message(text: string): void;
  close(): void;
}

export interface ReconnectOptions {
  /** How to open a socket: the browser's WebSocket unless a test brings its own. */
  openSocket?: (url: string) => WebSocket;
  firstDelayMs?: number;
  maxDelayMs?: number;
}

const OPEN = 1; // WebSocket.OPEN, without needing the global in tests

export class ReconnectingSocket {
  state: ConnectionState = 'connecting';
  private socket: WebSocket | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private delayMs: number;
  private readonly openSocket: (url: string) => WebSocket;
  private readonly firstDelayMs: number;
  private readonly maxDelayMs: number;

  constructor(
    private readonly url: string,
    private readonly on: SocketEvents,
    options: ReconnectOptions = {},
  ) {
    this.openSocket = options.openSocket ?? ((u) => new WebSocket(u));
    this.firstDelayMs = options.firstDelayMs ?? 250;
    this.maxDelayMs = options.maxDelayMs ?? 5000;
    this.delayMs = this.firstDelayMs;
    this.connect();
  }

  /** False when there is no open socket to take the text. */
  send(text: string): boolean {
    if (this.state !== 'open' || this.socket?.readyState !== OPEN) return false;
    this.socket.send(text);
    return true;
  }

  /** For good: no more reconnecting. */
  close(): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    clearTimeout(this.timer);
    // Forgotten before closing, so its close event is not taken for a drop to recover from.
    const socket = this.socket;
    this.socket = undefined;
    socket?.close();
    this.on.close();
  }

  private connect(): void {
    this.state = 'connecting';
    let socket: WebSocket;
    try {
      socket = this.openSocket(this.url);
    } catch {
      this.retryLater();
      return;
    }
    this.socket = socket;
    socket.onopen = () => {
      if (this.socket !== socket) return;
      this.state = 'open';
      this.delayMs = this.firstDelayMs;
      this.on.open();
    };
    socket.onmessage = (event: MessageEvent) => {
      if (this.socket === socket && typeof event.data === 'string') this.on.message(event.data);
    };
    // A failed handshake fires error, then close: close alone decides what happens next.
    socket.onerror = () => {};
    socket.onclose = () => {
      if (this.socket !== socket) return;
      this.socket = undefined;
      this.retryLater();
      this.on.close();
    };
  }

  private retryLater(): void {
    this.state = 'waiting';
    this.timer = setTimeout(() => this.connect(), this.delayMs);
    this.delayMs = Math.min(this.delayMs * 2, this.maxDelayMs);
  }
}
