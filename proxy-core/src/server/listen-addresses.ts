import { hostname, networkInterfaces } from 'node:os';

/** Addresses of this machine, for a proxy listening on the LAN (what other devices connect to). */

/** `host:port` as a URL authority (IPv6 in brackets). */
export function authority(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** This machine's own network (non-loopback) addresses, for telling other devices where to connect. */
export function networkAddresses(family: 'IPv4' | 'IPv6' | 'any'): string[] {
  const out: string[] = [];
  for (const list of Object.values(networkInterfaces())) {
    for (const nic of list ?? []) {
      if (nic.internal || (family !== 'any' && nic.family !== family)) continue;
      if (nic.family === 'IPv6' && nic.address.toLowerCase().startsWith('fe80:')) continue;
      out.push(nic.address);
    }
  }
  return out;
}

export function lanHosts(): Set<string> {
  const out = new Set<string>();
  for (const list of Object.values(networkInterfaces())) {
    for (const nic of list ?? [])
      out.add(nic.family === 'IPv6' ? `[${nic.address.toLowerCase()}]` : nic.address);
  }
  const h = hostname().toLowerCase();
  out.add(h);
  out.add(`${h}.local`);
  return out;
}
