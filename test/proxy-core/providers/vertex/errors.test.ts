import { describe, expect, it } from 'vitest';
import {
  mapTokenError,
  mapVertexError,
  parseUpstreamError,
} from '../../../../proxy-core/src/providers/vertex/map-error.js';
import { GOOGLE_ERRORS } from '../../../upstreams/vertex-mock.js';

const ctx = {
  account: 'gcp',
  projectId: 'p1',
  region: 'us-east5',
  clientEmail: 'kb@p1.iam.gserviceaccount.com',
};
const res = (status: number, body: unknown, headers: Record<string, string> = {}) => ({
  status,
  headers,
  body: typeof body === 'string' ? body : JSON.stringify(body),
});

describe('parseUpstreamError', () => {
  it('reads Google errors wrapped in an array (non-SSE streamGenerateContent)', () => {
    const p = parseUpstreamError(JSON.stringify([GOOGLE_ERRORS.RESOURCE_EXHAUSTED().body]));
    expect(p.status).toBe('RESOURCE_EXHAUSTED');
    expect(p.message).toMatch(/Resource exhausted/);
  });

  it('reads Anthropic errors passed through rawPredict', () => {
    const p = parseUpstreamError(
      '{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}',
    );
    expect(p).toMatchObject({ status: 'overloaded_error', message: 'Overloaded' });
  });

  it('reduces an HTML error page to its text', () => {
    const p = parseUpstreamError(
      '<!DOCTYPE html><html><title>Error 502 (Server Error)!!1</title><p>That’s an error.</p></html>',
    );
    expect(p.message).toBe('Error 502 (Server Error)!!1 That’s an error.');
  });
});

describe('mapVertexError', () => {
  it('a Google front-end 502 page is a retryable upstream error', () => {
    const e = mapVertexError(res(502, '<html><title>Error 502</title></html>'), ctx);
    expect(e.kind).toBe('upstream');
    expect(e.retryable).toBe(true);
    expect(e.message).toBe('Vertex AI: Error 502');
  });

  it('a Gemini model only on the global endpoint points to "global"', () => {
    const e = mapVertexError(
      res(404, GOOGLE_ERRORS.MODEL_NOT_FOUND('p1', 'gemini-3.8-flash', 'us-east5', 'google').body),
      {
        ...ctx,
        upstreamModel: 'gemini-3.8-flash',
      },
    );
    expect(e.hint).toBe('Set the account\'s region to "global", where gemini-3.8-flash is offered.');
  });

  it('an unknown model gets a hint about model ids', () => {
    const e = mapVertexError(res(404, GOOGLE_ERRORS.MODEL_NOT_FOUND('p1', 'claude-typo', 'us-east5').body), {
      ...ctx,
      upstreamModel: 'claude-typo',
    });
    expect(e.hint).toMatch(/claude-sonnet-4-5@20250929/);
  });

  it('never puts the key or token in a message', () => {
    const e = mapVertexError(res(401, GOOGLE_ERRORS.UNAUTHENTICATED().body), ctx);
    expect(`${e.message} ${e.hint}`).not.toMatch(/ya29|PRIVATE KEY/);
  });
});

describe('mapTokenError', () => {
  it('deleted key or disabled account', () => {
    for (const d of ['Invalid JWT Signature.', 'Invalid grant: account not found']) {
      const e = mapTokenError(400, JSON.stringify({ error: 'invalid_grant', error_description: d }), 'kb@p1');
      expect(e.kind).toBe('authentication');
      expect(e.hint).toMatch(/create a new JSON key/);
    }
  });

  it('clock skew', () => {
    const e = mapTokenError(
      400,
      '{"error":"invalid_grant","error_description":"Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. Check your iat and exp values in the JWT claim."}',
      'kb@p1',
    );
    expect(e.hint).toMatch(/time zone/);
  });

  it('a key of the wrong kind is told apart from one to replace, in either error form Google uses', () => {
    const scope = mapTokenError(
      400,
      JSON.stringify({ error: 'invalid_scope', error_description: 'Invalid OAuth scope' }),
      'kb@p1',
    );
    expect(scope.message).toBe('Google refused the sign-in for kb@p1 (Google said: Invalid OAuth scope)');
    expect(scope.hint).toMatch(/service-account key from the Google Cloud console/);
    expect(scope.messageRef).toEqual({
      code: 'vertexSignInRefusedSaid',
      params: { email: 'kb@p1', detail: 'Invalid OAuth scope' },
    });
    expect(scope.hintRef).toEqual({ code: 'vertexScopeHint' });

    // Google's JSON error ({"error": {"status", "message"}}) instead of OAuth's form.
    const other = mapTokenError(
      400,
      JSON.stringify({ error: { status: 'FAILED_PRECONDITION', message: 'Precondition check failed.' } }),
      'kb@p1',
    );
    expect(other.message).toBe(
      'Google refused the sign-in for kb@p1 (Google said: Precondition check failed.)',
    );
    expect(other.hint).toBe('Create a new JSON key for the service account and paste it again.');
    expect(other.hintRef).toEqual({ code: 'vertexNewKeyHint' });

    const silent = mapTokenError(400, '{}', 'kb@p1');
    expect(silent.message).toBe('Google refused the sign-in for kb@p1');
    expect(silent.messageRef).toEqual({ code: 'vertexSignInRefused', params: { email: 'kb@p1' } });
  });

  it('Google-side failure is retryable', () => {
    const e = mapTokenError(500, 'oops', 'kb@p1');
    expect(e.retryable).toBe(true);
    expect(e.status).toBe(502);
  });
});
