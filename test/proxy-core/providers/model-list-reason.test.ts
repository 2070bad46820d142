import { describe, expect, it } from 'vitest';
import { ProxyError } from '../../../proxy-core/src/canonical/errors.js';
import { proxyMsg } from '../../../proxy-core/src/messages.js';
import { listedModelsParts } from '../../../proxy-core/src/providers/http-helpers.js';

describe('a model list that cannot be fetched', () => {
  it('falls back to the configured models with the reason as a catalog code, for the Chinese window', async () => {
    const refused = new ProxyError('upstream', 'The proxy at 127.0.0.1:3128 refused the connection', {
      messageRef: proxyMsg('proxyRefused', { where: '127.0.0.1:3128' }),
    });
    const parts = listedModelsParts(
      { models: ['gpt-4.1-nano'], discoverModels: false },
      () => 0,
      async () => {
        throw refused;
      },
      (count) => ({ message: `${count} models` }),
    );
    const listing = await parts.listModels();
    expect(listing.source).toBe('config');
    expect(listing.models.map((m) => m.id)).toEqual(['gpt-4.1-nano']);
    expect(listing.reason).toBe('The proxy at 127.0.0.1:3128 refused the connection');
    expect(listing.reasonRef).toEqual({ code: 'proxyRefused', params: { where: '127.0.0.1:3128' } });
  });
});
