import { createServer } from 'node:net';

/** A loopback port nothing listens on (taken, then freed): a download from it fails at once, offline. */
export function closedLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.once('error', reject);
  });
}
