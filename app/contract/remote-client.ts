/**
 * The browser's `KeybridgeApi` over a transport, built without the contract's method tables: a
 * namespace and a call resolve by name when used (`api.accounts.add(…)` → `accounts.add`). The
 * tables hold every zod schema, so leaving them out keeps the window's first script small (the
 * screens that validate forms load zod with their own code). Names are still checked where it
 * matters: main and the dev host answer an unknown method with an error, and TypeScript allows
 * only the contract's names here. `methods` and `events` list what the host announced.
 */
import type { KeybridgeApi, Transport } from './client.js';
import type { EventName, MethodName } from './methods.js';

export function createRemoteKeybridgeApi(
  transport: Transport & { announced(): { methods: readonly string[]; events: readonly string[] } },
): KeybridgeApi {
  const invoke = (method: string, input: unknown) => transport.invoke(method as MethodName, input ?? {});
  const spaces = new Map<string, Record<string, (input?: unknown) => unknown>>();
  const space = (ns: string) => {
    let s = spaces.get(ns);
    if (!s) {
      s = new Proxy({} as Record<string, (input?: unknown) => unknown>, {
        get: (_t, fn) =>
          typeof fn === 'string' ? (input?: unknown) => invoke(`${ns}.${fn}`, input) : undefined,
      });
      spaces.set(ns, s);
    }
    return s;
  };
  const base = {
    call: (method: MethodName, input?: unknown) => invoke(method, input),
    on: (event: EventName, listener: (payload: unknown) => void) => transport.subscribe(event, listener),
    get methods() {
      return transport.announced().methods as readonly MethodName[];
    },
    get events() {
      return transport.announced().events as readonly EventName[];
    },
  };
  return new Proxy(base, {
    get: (target, key) => {
      if (typeof key !== 'string' || key in target) return Reflect.get(target, key);
      // Not a thenable: `await api` must not look for a `then` namespace.
      if (key === 'then') return undefined;
      return space(key);
    },
  }) as unknown as KeybridgeApi;
}
