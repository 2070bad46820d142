/**
 * The browser's API object (renderer/src/main.tsx): built without the contract's zod tables, it
 * must still reach every method by its name, carry events, and name what the host announced.
 */
import { describe, expect, it } from 'vitest';
import { METHOD_NAMES, type Result } from '../../app/contract/index.js';
import { createRemoteKeybridgeApi } from '../../app/contract/remote-client.js';

function fakeTransport() {
  const calls: [string, unknown][] = [];
  const listeners = new Map<string, (p: unknown) => void>();
  return {
    calls,
    listeners,
    invoke: async (method: string, input: unknown): Promise<Result<unknown>> => {
      calls.push([method, input]);
      return { ok: true, value: method };
    },
    subscribe: (event: string, listener: (p: unknown) => void) => {
      listeners.set(event, listener);
      return () => listeners.delete(event);
    },
    announced: () => ({ methods: ['app.info'], events: ['status.changed'] }),
  };
}

describe('the remote API object', () => {
  it('calls every contract method by its name, with {} when no input is given', async () => {
    const t = fakeTransport();
    const api = createRemoteKeybridgeApi(t) as unknown as Record<
      string,
      Record<string, (i?: unknown) => unknown>
    >;
    for (const name of METHOD_NAMES) {
      const [ns, fn] = name.split('.') as [string, string];
      expect(await api[ns]![fn]!()).toEqual({ ok: true, value: name });
    }
    expect(t.calls.map(([m]) => m)).toEqual(METHOD_NAMES);
    expect(t.calls.every(([, input]) => JSON.stringify(input) === '{}')).toBe(true);
  });

  it('passes inputs, carries events, names what the host announced, and is not a thenable', async () => {
    const t = fakeTransport();
    const api = createRemoteKeybridgeApi(t);
    await api.accounts.remove({ id: 'x' });
    await api.call('settings.update', { lan: false });
    expect(t.calls).toEqual([
      ['accounts.remove', { id: 'x' }],
      ['settings.update', { lan: false }],
    ]);
    const seen: unknown[] = [];
    const off = api.on('status.changed', (s) => seen.push(s));
    t.listeners.get('status.changed')?.({ state: 'running' });
    off();
    expect(seen).toEqual([{ state: 'running' }]);
    expect(t.listeners.size).toBe(0);
    expect(api.methods).toEqual(['app.info']);
    expect(api.events).toEqual(['status.changed']);
    // `await api` (or a promise resolved with it) must not mistake it for a promise.
    expect(await Promise.resolve(api)).toBe(api);
  });
});
