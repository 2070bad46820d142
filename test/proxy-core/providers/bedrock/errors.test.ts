import { describe, expect, it } from 'vitest';
import {
  type BedrockErrorContext,
  mapBedrockError,
  mapStreamException,
} from '../../../../proxy-core/src/providers/bedrock/map-error.js';

const ctx: BedrockErrorContext = {
  accountId: 'aws',
  region: 'us-west-2',
  upstreamModel: 'anthropic.claude-sonnet-4-5-20250929-v1:0',
  auth: 'keys',
};

function aws(status: number, type: string, message: string, headers: Record<string, string> = {}) {
  return mapBedrockError(
    {
      status,
      headers: {
        'x-amzn-errortype': `${type}:http://internal.amazon.com/coral/com.amazon.bedrock/`,
        ...headers,
      },
      body: JSON.stringify({ message }),
    },
    ctx,
  );
}

describe('Bedrock error mapping', () => {
  it('model access not granted names the console page', () => {
    const e = aws(
      403,
      'AccessDeniedException',
      "You don't have access to the model with the specified model ID.",
    );
    expect(e.kind).toBe('permission');
    expect(e.message).toBe(
      'Bedrock: model access is not enabled for anthropic.claude-sonnet-4-5-20250929-v1:0 in us-west-2',
    );
    expect(e.hint).toMatch(/Bedrock console in us-west-2, go to "Model access"/);
    expect(e.account).toBe('aws');
  });

  it('missing IAM permission names the action', () => {
    const e = aws(
      403,
      'AccessDeniedException',
      'User: arn:aws:iam::123456789012:user/st is not authorized to perform: bedrock:InvokeModelWithResponseStream on resource: arn:aws:bedrock:us-west-2::foundation-model/x',
    );
    expect(e.message).toBe('This AWS user is not allowed to call bedrock:InvokeModelWithResponseStream');
    expect(e.hint).toMatch(/IAM/);
  });

  it('Anthropic use-case form', () => {
    const e = aws(
      404,
      'ResourceNotFoundException',
      'Model use case details have not been submitted for this account. Fill out the Anthropic use case details form before using the model.',
    );
    expect(e.kind).toBe('permission');
    expect(e.hint).toMatch(/use case details/);
  });

  it('on-demand throughput not supported suggests the profile id', () => {
    const e = aws(
      400,
      'ValidationException',
      'Invocation of model ID anthropic.claude-sonnet-4-5-20250929-v1:0 with on-demand throughput isn’t supported. Retry your request with the ID or ARN of an inference profile that contains this model.',
    );
    expect(e.kind).toBe('invalid_request');
    expect(e.message).toMatch(/needs a cross-region inference profile/);
    expect(e.hint).toMatch(/us\.anthropic\.claude-sonnet-4-5-20250929-v1:0/);
  });

  it('signature mismatch points at the secret', () => {
    const e = aws(
      403,
      'InvalidSignatureException',
      'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.',
    );
    expect(e.kind).toBe('authentication');
    expect(e.message).toMatch(/secret access key is probably wrong/);
  });

  it('clock skew says to fix the clock', () => {
    const e = aws(
      403,
      'InvalidSignatureException',
      'Signature expired: 20250101T000000Z is now earlier than 20250101T001000Z (20250101T001500Z - 5 min.)',
    );
    expect(e.message).toMatch(/clock is wrong/);
    expect(e.hint).toMatch(/Set time automatically/);
  });

  it('expired and invalid session tokens', () => {
    expect(
      aws(403, 'ExpiredTokenException', 'The security token included in the request is expired').message,
    ).toBe('The temporary AWS credentials have expired');
    const temp = mapBedrockError(
      {
        status: 403,
        headers: { 'x-amzn-errortype': 'UnrecognizedClientException' },
        body: '{"message":"The security token included in the request is invalid."}',
      },
      { ...ctx, auth: 'temporary-keys' },
    );
    expect(temp.message).toBe('AWS did not accept the session token with these keys');
    expect(
      aws(403, 'UnrecognizedClientException', 'The security token included in the request is invalid.')
        .message,
    ).toBe('AWS does not recognise this access key ID');
  });

  it('a credential AWS does not accept is worded for the kind of credential the account uses', () => {
    const refused = (auth: BedrockErrorContext['auth']) =>
      mapBedrockError(
        {
          status: 403,
          headers: { 'x-amzn-errortype': 'UnrecognizedClientException' },
          body: '{"message":"The security token included in the request is invalid."}',
        },
        { ...ctx, auth },
      );
    const said = (auth: BedrockErrorContext['auth']) => {
      const e = refused(auth);
      return [e.kind, e.message, e.messageRef?.code, e.hintRef?.code];
    };
    expect(said('temporary-keys')).toEqual([
      'authentication',
      'AWS did not accept the session token with these keys',
      'bedrockBadSessionToken',
      'bedrockBadSessionTokenHint',
    ]);
    expect(said('api-key')).toEqual([
      'authentication',
      'AWS did not accept the Bedrock API key',
      'bedrockBadApiKey',
      'bedrockBadApiKeyHint',
    ]);
    expect(said('keys')).toEqual([
      'authentication',
      'AWS does not recognise this access key ID',
      'bedrockUnknownKeyId',
      'bedrockUnknownKeyIdHint',
    ]);
    expect(refused('api-key').hint).toMatch(/create a new one in the Bedrock console/);
  });

  it('throttling is retryable with the retry-after delay', () => {
    const e = aws(429, 'ThrottlingException', 'Too many requests, please wait before trying again.', {
      'retry-after': '7',
    });
    expect(e).toMatchObject({ kind: 'rate_limit', status: 429, retryable: true, retryAfterMs: 7000 });
    expect(e.hint).toMatch(/Service Quotas/);
    expect(
      aws(429, 'ThrottlingException', 'Too many tokens per day, please wait before trying again.').message,
    ).toMatch(/daily token quota/);
  });

  it('model not in region', () => {
    const e = aws(400, 'ValidationException', 'The provided model identifier is invalid.');
    expect(e.kind).toBe('not_found');
    expect(e.message).toBe(
      'Bedrock: anthropic.claude-sonnet-4-5-20250929-v1:0 is not available in us-west-2',
    );
  });

  it('content filter refusals', () => {
    const e = aws(400, 'ValidationException', 'This request has been blocked by our content filters.');
    expect(e.message).toMatch(/content filter refused/);
    expect(e.hint).toMatch(/Rephrase/);
  });

  it('other validation errors pass the message through', () => {
    const e = aws(400, 'ValidationException', 'max_tokens: Input should be greater than 0');
    expect(e.kind).toBe('invalid_request');
    expect(e.message).toBe('Bedrock rejected the request: max_tokens: Input should be greater than 0');
    expect(
      aws(400, 'ValidationException', 'prompt is too long: 250000 tokens > 200000 maximum').hint,
    ).toMatch(/shorten the chat history/);
  });

  it('reads __type from the body when the header is missing, and survives non-JSON bodies', () => {
    const e = mapBedrockError(
      {
        status: 503,
        headers: {},
        body: '{"__type":"com.amazon.coral.service#ServiceUnavailableException","message":"busy"}',
      },
      ctx,
    );
    expect(e).toMatchObject({ kind: 'overloaded', retryable: true });
    const html = mapBedrockError({ status: 502, headers: {}, body: '<html>Bad Gateway</html>' }, ctx);
    expect(html.message).toMatch(/Bedrock error 502: <html>Bad Gateway/);
    expect(html.retryable).toBe(true);
  });

  it('stream exception frames map like HTTP errors', () => {
    expect(mapStreamException('throttlingException', '{"message":"Too many requests"}', ctx)).toMatchObject({
      kind: 'rate_limit',
      retryable: true,
    });
    const m = mapStreamException(
      'modelStreamErrorException',
      '{"message":"Model stream error","originalStatusCode":500,"originalMessage":"overloaded"}',
      ctx,
    );
    expect(m.kind).toBe('upstream');
    expect(m.message).toMatch(/Model stream error — overloaded/);
    expect(mapStreamException('validationException', '{"message":"bad input"}', ctx).kind).toBe(
      'invalid_request',
    );
  });
});
