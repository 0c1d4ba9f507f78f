import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { connect } from 'node:net';
import { join } from 'node:path';
import { closedLoopbackPort } from './ports.ts';

export interface RedisServer {
  port: number;
  password: string;
  /** redis://:PASSWORD@127.0.0.1:PORT */
  url: string;
  stop(): Promise<void>;
}

/**
 * A private redis-server for one test file: a free loopback port, a random password, a temp folder,
 * nothing persisted (never the system's service). REDIS_SERVER_PATH overrides the binary.
 */
export async function startRedis(): Promise<RedisServer> {
  const binary = process.env.REDIS_SERVER_PATH || '/usr/bin/redis-server';
  const dir = mkdtempSync(join(tmpdir(), 'ridgeline-redis-'));
  const password = randomBytes(12).toString('hex');
  const port = await closedLoopbackPort();
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no', '--requirepass', password, '--maxmemory-policy', 'noeviction', '--daemonize', 'no', '--loglevel', 'warning'];
  const child: ChildProcess = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    const deadline = setTimeout(() => reject(new Error(`redis-server did not start:\n${output}`)), 15_000);
    child.once('exit', (code) => reject(new Error(`redis-server exited (${code}):\n${output}`)));
    const probe = setInterval(() => {
      // RESP by hand: AUTH then PING; "+PONG" once the server accepts commands.
      const socket = connect(port, '127.0.0.1');
      let said = '';
      socket.on('error', () => socket.destroy());
      socket.on('data', (chunk: Buffer) => {
        said += chunk.toString();
        if (!said.includes('+PONG')) return;
        socket.destroy();
        clearInterval(probe);
        clearTimeout(deadline);
        resolve();
      });
      socket.write(`AUTH ${password}\r\nPING\r\n`);
      setTimeout(() => socket.destroy(), 500);
    }, 50);
  });
  return {
    port,
    password,
    url: `redis://:${password}@127.0.0.1:${port}`,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, 'SIGKILL');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
