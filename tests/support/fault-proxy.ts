/**
 * A fault-injecting TCP proxy, the way Toxiproxy does it, for putting a real server (PostgreSQL)
 * behind faults without touching the machine's shared instance: listens on a free port of
 * 127.0.0.1 and forwards to the target.
 *
 *   pass()    forward both ways (and release whatever a stall held back)
 *   refuse()  stop listening: new connections get ECONNREFUSED, open ones carry on
 *   drop()    destroy every open connection, both sides (the server restarted, or crashed)
 *   stall()   keep every socket open but move no bytes, new connections too (a dead network)
 *
 * @example
 * const proxy = await startFaultProxy(5432);
 * const url = proxy.url('postgres://postgres@127.0.0.1:5432/test'); // same URL, through the proxy
 * proxy.drop(); proxy.refuse(); ... proxy.pass();
 */
import { once } from 'node:events';
import { connect, createServer, type Server, type Socket } from 'node:net';

export type ProxyMode = 'pass' | 'refuse' | 'stall';

interface Pair {
  client: Socket;
  upstream: Socket;
  /** Bytes held back while stalled, per direction. */
  toUpstream: Buffer[];
  toClient: Buffer[];
}

export interface FaultProxy {
  readonly port: number;
  readonly mode: ProxyMode;
  /** `target`'s URL with its host and port replaced by the proxy's. */
  url(target: string): string;
  pass(): Promise<void>;
  refuse(): Promise<void>;
  drop(): void;
  stall(): void;
  /** Open client connections. */
  readonly connections: number;
  close(): Promise<void>;
}

export async function startFaultProxy(targetPort: number, targetHost = '127.0.0.1'): Promise<FaultProxy> {
  const pairs = new Set<Pair>();
  let mode: ProxyMode = 'pass';
  let server: Server | null = null;
  let port = 0;

  const forward = (pair: Pair, from: Socket, to: Socket, held: Buffer[]) => {
    from.on('data', (chunk: Buffer) => {
      if (mode === 'stall') held.push(chunk);
      else if (!to.destroyed) to.write(chunk);
    });
    // A stalled network carries no FIN either: the other side learns nothing until pass().
    from.on('end', () => {
      if (mode !== 'stall') to.end();
    });
    from.on('close', () => {
      if (mode !== 'stall') end(pair);
    });
    from.on('error', () => {});
  };

  const end = (pair: Pair) => {
    pair.client.destroy();
    pair.upstream.destroy();
    pairs.delete(pair);
  };

  const accept = (client: Socket) => {
    const upstream = connect(targetPort, targetHost);
    const pair: Pair = { client, upstream, toUpstream: [], toClient: [] };
    pairs.add(pair);
    forward(pair, client, upstream, pair.toUpstream);
    forward(pair, upstream, client, pair.toClient);
  };

  const listen = async () => {
    const s = createServer(accept);
    s.listen(port, '127.0.0.1');
    await once(s, 'listening');
    const address = s.address();
    if (address === null || typeof address === 'string') throw new Error('proxy: no address');
    port = address.port;
    server = s;
  };

  const unlisten = async () => {
    const s = server;
    server = null;
    if (!s) return;
    // close() frees the port at once; its 'close' event waits for open connections, which we keep.
    s.close();
  };

  await listen();

  return {
    get port() {
      return port;
    },
    get mode() {
      return mode;
    },
    get connections() {
      return pairs.size;
    },
    url(target) {
      const u = new URL(target);
      u.hostname = '127.0.0.1';
      u.port = String(port);
      return u.toString();
    },
    async pass() {
      mode = 'pass';
      for (const pair of [...pairs]) {
        for (const chunk of pair.toUpstream.splice(0))
          if (!pair.upstream.destroyed) pair.upstream.write(chunk);
        for (const chunk of pair.toClient.splice(0)) if (!pair.client.destroyed) pair.client.write(chunk);
        // A side that closed during the stall closes the other now.
        if (
          pair.client.destroyed ||
          pair.upstream.destroyed ||
          !pair.client.readable ||
          !pair.upstream.readable
        )
          end(pair);
      }
      if (!server) await listen();
    },
    async refuse() {
      if (mode === 'stall') mode = 'pass';
      mode = 'refuse';
      await unlisten();
    },
    drop() {
      for (const pair of [...pairs]) end(pair);
    },
    stall() {
      mode = 'stall';
      if (!server) void listen();
    },
    async close() {
      mode = 'pass';
      for (const pair of [...pairs]) end(pair);
      await unlisten();
    },
  };
}
