/**
 * `app`: lifecycle events, paths, the single-instance lock, quit and exit, as Electron behaves:
 * `ready` once after start-up, `setPath` refusing a folder that does not exist, `window-all-closed`
 * quitting only when nobody listens, `quit` running before-quit → will-quit → quit, preventable.
 */
import { EventEmitter } from 'node:events';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, watch, writeFileSync, type FSWatcher } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { App } from 'electron';
import { exitProcess, notify } from './control.ts';

const packageJson = JSON.parse(readFileSync(join(process.cwd(), 'package.json'), 'utf8')) as { name: string; productName?: string; version: string };

/** A preventable Electron event. */
export function preventableEvent(): { defaultPrevented: boolean; preventDefault(): void } {
  return {
    defaultPrevented: false,
    preventDefault() {
      this.defaultPrevented = true;
    },
  };
}

type AppSurface = Pick<App, 'getPath' | 'setPath' | 'getVersion' | 'getName' | 'whenReady' | 'isReady' | 'requestSingleInstanceLock' | 'quit' | 'exit'>;

class AppDouble extends EventEmitter implements AppSurface {
  private readonly paths = new Map<string, string>();
  private ready = false;
  private markReady!: () => void;
  private readonly readyPromise = new Promise<void>((resolve) => (this.markReady = resolve));
  private quitting = false;
  private lockWatcher: FSWatcher | null = null;
  singleInstanceLock: boolean | null = null;
  /** Counted by the windows module: what `window-all-closed` needs to know. */
  openWindowCount: () => number = () => 0;
  closeAllWindows: () => void = () => undefined;

  getName(): string {
    return packageJson.productName ?? packageJson.name;
  }

  getVersion(): string {
    return packageJson.version;
  }

  getPath(name: Parameters<App['getPath']>[0]): string {
    const set = this.paths.get(name);
    if (set) return set;
    const config = process.env.XDG_CONFIG_HOME || join(homedir(), '.config');
    switch (name) {
      case 'home':
        return homedir();
      case 'appData':
        return config;
      case 'userData':
        return join(config, this.getName());
      case 'sessionData':
        return this.getPath('userData');
      case 'temp':
        return tmpdir();
      case 'logs':
        return join(this.getPath('userData'), 'logs');
      default:
        throw new Error(`Failed to get '${name}' path`);
    }
  }

  setPath(name: string, path: string): void {
    // Electron refuses a folder that does not exist rather than creating it.
    if (!existsSync(path) || !statSync(path).isDirectory()) throw new Error(`Failed to set path: ${path} does not exist`);
    this.paths.set(name, path);
  }

  isReady(): boolean {
    return this.ready;
  }

  whenReady(): Promise<void> {
    return this.readyPromise;
  }

  /** Called once the main script has run its first turn, as Electron emits `ready` after start-up. */
  becomeReady(): void {
    this.ready = true;
    this.emit('ready', preventableEvent(), {});
    this.markReady();
    void notify({ notice: 'ready' });
  }

  /**
   * Chromium's process singleton, kept in the user-data folder: the first process holds a lock file
   * with its pid; a later one finds it held by a live process, hands its argv over (a request file the
   * holder watches) and gets false.
   */
  requestSingleInstanceLock(): boolean {
    const dir = this.getPath('userData');
    mkdirSync(dir, { recursive: true });
    const lock = join(dir, 'SingletonLock');
    const requests = join(dir, 'SingletonRequests');
    try {
      writeFileSync(lock, String(process.pid), { flag: 'wx' });
    } catch {
      const holder = Number(readFileSync(lock, 'utf8'));
      if (holder !== process.pid && isAlive(holder)) {
        mkdirSync(requests, { recursive: true });
        writeFileSync(join(requests, `${process.pid}.json`), JSON.stringify({ argv: process.argv, cwd: process.cwd() }));
        this.singleInstanceLock = false;
        return false;
      }
      writeFileSync(lock, String(process.pid));
    }
    mkdirSync(requests, { recursive: true });
    this.lockWatcher = watch(requests, () => {
      for (const name of readdirSync(requests)) {
        const file = join(requests, name);
        try {
          const { argv, cwd } = JSON.parse(readFileSync(file, 'utf8')) as { argv: string[]; cwd: string };
          rmSync(file);
          void notify({ notice: 'secondInstance', argv });
          this.emit('second-instance', preventableEvent(), argv, cwd, {});
        } catch {
          // Half written: the next change event reads it whole.
        }
      }
    });
    process.once('exit', () => rmSync(lock, { force: true }));
    this.singleInstanceLock = true;
    return true;
  }

  quit(): void {
    if (this.quitting) return;
    const before = preventableEvent();
    this.emit('before-quit', before);
    if (before.defaultPrevented) return;
    this.quitting = true;
    this.closeAllWindows();
    const will = preventableEvent();
    this.emit('will-quit', will);
    if (will.defaultPrevented) {
      this.quitting = false;
      return;
    }
    this.emit('quit', preventableEvent(), 0);
    this.lockWatcher?.close();
    void exitProcess(0, 'quit');
  }

  exit(exitCode = 0): void {
    this.lockWatcher?.close();
    void exitProcess(exitCode, 'exit');
  }

  /** What Electron does when the last window closes: quit, unless the app listens for the event. */
  lastWindowClosed(): void {
    if (this.quitting) return;
    if (this.listenerCount('window-all-closed') > 0) this.emit('window-all-closed');
    else this.quit();
  }
}

function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  // A zombie (dead, not yet reaped) answers kill 0 too.
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true;
  }
}

export const app = new AppDouble();
