import { describe, expect, it } from 'vitest';
import { defaultCreateProxy } from '../../app/dev-host/index.js';
import { ProxyController } from '../../app/services/proxy-controller.js';
import { parseConfig } from '../../proxy-core/src/config/load.js';

// Issue 15, item 2: a LAN bind without a long enough access key refuses to start, and the app says why.

describe('the app shows why the proxy did not start', () => {
  it('LAN on with a short access key: the status says so, and nothing listens', async () => {
    const controller = new ProxyController({
      createProxy: defaultCreateProxy,
      buildConfig: async () => parseConfig({ server: { port: 0, lan: true, accessKey: 'short-key' } }),
    });
    const status = await controller.start();
    expect(status.state).toBe('error');
    expect(status.error).toMatch(/other devices on your network.*at least 16 characters/);
    await controller.stop();
  });
});
