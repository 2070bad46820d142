/**
 * The one rule for "this Host header names this computer", shared by the proxy's security gate
 * and the app's dev host (both refuse other names, which blocks DNS rebinding).
 */

/** `example.com:5731` → `example.com`; `[::1]:5731` → `[::1]`. */
export function hostWithoutPort(host: string): string {
  const h = host.trim().toLowerCase();
  if (h.startsWith('[')) {
    const end = h.indexOf(']');
    return end === -1 ? h : h.slice(0, end + 1);
  }
  const colon = h.lastIndexOf(':');
  return colon === -1 ? h : h.slice(0, colon);
}

/**
 * True for a host name (no port) that can only mean this computer: `localhost`, `[::1]`, or an
 * address in 127.0.0.0/8. Names under `.localhost` are not taken: outside a browser they go to
 * whatever resolver the system has.
 */
export function isLoopbackHostName(host: string): boolean {
  return host === 'localhost' || host === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/** True when a Host header (with or without a port) names this computer. */
export function isLoopbackHostHeader(hostHeader: string | undefined): boolean {
  return hostHeader !== undefined && isLoopbackHostName(hostWithoutPort(hostHeader));
}
