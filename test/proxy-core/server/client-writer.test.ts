import { createServer, request, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ClientStreamWriter } from '../../../proxy-core/src/server/client-writer.js';

const servers: Array<ReturnType<typeof createServer>> = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

/** Serves one request with `write`, and returns what a plain HTTP client read and the socket flushes. */
async function serve(write: (w: ClientStreamWriter, res: ServerResponse) => Promise<void>) {
  let flushes = 0;
  const server = createServer((_req, res) => {
    const socket = res.socket as Socket & {
      _writev: (...a: unknown[]) => void;
      _write: (...a: unknown[]) => void;
    };
    for (const m of ['_writev', '_write'] as const) {
      const orig = socket[m].bind(socket);
      socket[m] = (...a: unknown[]) => {
        flushes++;
        return orig(...a);
      };
    }
    void write(new ClientStreamWriter(res, {}), res);
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  const body = await new Promise<string>((ok, fail) => {
    request({ port, host: '127.0.0.1', path: '/' }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (text += c));
      res.on('end', () => ok(text));
      res.on('error', fail);
    })
      .on('error', fail)
      .end();
  });
  return { body, flushes };
}

describe('ClientStreamWriter', () => {
  it('sends the events of one tick in one socket write, framed right even when the stream ends in that tick', async () => {
    const { body, flushes } = await serve(async (w) => {
      // as in the relay, the events follow an upstream read: they are written from promise jobs
      await new Promise((r) => setImmediate(r));
      await w.events([{ data: '{"n":1}' }]);
      await w.events([{ event: 'delta', data: '{"n":2}' }, { data: 'a\nb' }]);
      await w.events([{ data: '[DONE]' }]);
      w.end();
    });
    expect(body).toBe('data: {"n":1}\n\nevent: delta\ndata: {"n":2}\n\ndata: a\ndata: b\n\ndata: [DONE]\n\n');
    // headers + the four events + the end of the chunked body: one flush, not five
    expect(flushes).toBe(1);
  });

  it('does not hold an event back: what is written in a tick leaves before the next I/O', async () => {
    const { body, flushes } = await serve(async (w) => {
      await w.events([{ data: 'first' }]);
      await new Promise((r) => setTimeout(r, 20));
      await w.events([{ data: 'second' }]);
      await new Promise((r) => setTimeout(r, 20));
      w.end();
    });
    expect(body).toBe('data: first\n\ndata: second\n\n');
    expect(flushes).toBe(3);
  });
});
