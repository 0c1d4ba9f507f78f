/**
 * The only place that knows which shell the UI runs in: the desktop shell's preload exposes
 * `window.ridgeline`; otherwise the page was served by `ridgeline serve` and talks HTTP with the
 * token it was opened with.
 */
import type { RidgelineApi } from '../../../shared/api.ts';
import { fromBridge } from '../../../shared/bridge.ts';
import { createHttpClient } from './httpClient.ts';

const TOKEN_KEY = 'ridgeline.token';

/** Thrown when no API can be reached from this page; its message tells the user what to do. */
export class ApiUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ApiUnavailableError';
  }
}

let api: RidgelineApi | null = null;
/** The serve shell's token (null in the desktop shell), for the one request the API client does not make: uploads. */
let httpToken: string | null = null;

/** The token that authorizes HTTP requests in serve mode; null in the desktop shell or before getApi(). */
export function serveToken(): string | null {
  return httpToken;
}

/** Desktop: the local path of a dropped file, through the preload (null in serve mode or when it has none). */
export function desktopPathForFile(file: File): string | null {
  return window.ridgeline?.pathForFile?.(file) || null;
}

export function getApi(): RidgelineApi {
  if (api !== null) return api;
  if (window.ridgeline !== undefined) {
    api = fromBridge(window.ridgeline);
    return api;
  }
  const token = takeToken();
  if (token === null) {
    throw new ApiUnavailableError(
      'This page needs an access token. Open the URL printed by “ridgeline serve” when it started ' +
        '(it ends in ?token=…), or restart “ridgeline serve” to get a new one.',
    );
  }
  httpToken = token;
  api = createHttpClient(token);
  return api;
}

/** Reads the token from the address once (then hides it there), falling back to this tab's session. */
function takeToken(): string | null {
  const url = new URL(window.location.href);
  const fromUrl = url.searchParams.get('token');
  if (fromUrl !== null) {
    url.searchParams.delete('token');
    history.replaceState(history.state, '', `${url.pathname}${url.search}${url.hash}`);
    if (fromUrl !== '') {
      try {
        sessionStorage.setItem(TOKEN_KEY, fromUrl);
      } catch {
        // Storage can be unavailable (privacy settings); the token still works for this page.
      }
      return fromUrl;
    }
  }
  try {
    const stored = sessionStorage.getItem(TOKEN_KEY);
    return stored === null || stored === '' ? null : stored;
  } catch {
    return null;
  }
}
