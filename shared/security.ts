/**
 * The content security policy of every page the app shows: no remote code, no inline scripts, no
 * plugins, no framing. uPlot and Svelte set inline styles, hence 'unsafe-inline' for styles only.
 * renderer/index.html carries the same policy in a meta tag (where frame-ancestors is ignored).
 */
export const CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
