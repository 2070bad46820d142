import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  bedrockAccountSchema,
  validateBedrockKeys,
} from '../../../../proxy-core/src/providers/bedrock/config.js';
import { openaiCompatibleAccountSchema } from '../../../../proxy-core/src/providers/openai-compatible/config.js';
import {
  fakeAccessKeyId,
  fakeApiKey,
  fakeSecret,
  fakeSessionToken,
} from '../../../upstreams/fake-aws-keys.js';

const id = fakeAccessKeyId();
const secret = fakeSecret();

function errorsFor(input: Parameters<typeof validateBedrockKeys>[0]) {
  return validateBedrockKeys(input).errors;
}

describe('validateBedrockKeys: pasted credentials', () => {
  it('accepts a clean key pair and region', () => {
    const r = validateBedrockKeys({ region: 'us-east-1', accessKeyId: id, secretAccessKey: secret });
    expect(r).toMatchObject({ ok: true, errors: [], notes: [] });
    expect(r.cleaned).toMatchObject({ region: 'us-east-1', accessKeyId: id, secretAccessKey: secret });
  });

  it('trims whitespace and line breaks and says so', () => {
    const r = validateBedrockKeys({
      region: ' us-west-2\n',
      accessKeyId: ` ${id}\n`,
      secretAccessKey: `${secret}\r\n`,
    });
    expect(r.ok).toBe(true);
    expect(r.cleaned).toMatchObject({ region: 'us-west-2', accessKeyId: id, secretAccessKey: secret });
    expect(r.notes.map((n) => n.field).sort()).toEqual(['accessKeyId', 'region', 'secretAccessKey']);
    expect(r.notes.find((n) => n.field === 'accessKeyId')?.message).toMatch(/removed a line break/);
  });

  it('strips credentials-file prefixes and quotes', () => {
    const r = validateBedrockKeys({
      region: 'us-east-1',
      accessKeyId: `aws_access_key_id = ${id}`,
      secretAccessKey: `"${secret}"`,
    });
    expect(r.ok).toBe(true);
    expect(r.cleaned.accessKeyId).toBe(id);
    expect(r.cleaned.secretAccessKey).toBe(secret);
    expect(r.notes.map((n) => n.message).join(' ')).toMatch(/aws_access_key_id =.*quotes/s);
  });

  it('names a secret pasted in the ID field', () => {
    const errs = errorsFor({ region: 'us-east-1', accessKeyId: secret, secretAccessKey: '' });
    expect(errs.find((e) => e.field === 'accessKeyId')?.message).toMatch(/looks like the secret access key/);
  });

  it('notices swapped fields', () => {
    const errs = errorsFor({ region: 'us-east-1', accessKeyId: secret, secretAccessKey: id });
    expect(errs).toHaveLength(1);
    expect(errs[0]!.message).toMatch(/swapped/);
  });

  it('splits an ID and secret pasted together from the CSV', () => {
    const r = validateBedrockKeys({ region: 'us-east-1', accessKeyId: `${id},${secret}` });
    expect(r.ok).toBe(true);
    expect(r.cleaned).toMatchObject({ accessKeyId: id, secretAccessKey: secret });
    expect(r.notes[0]!.message).toMatch(/pasted together/);
  });

  it.each([
    [`${id.slice(0, 19)}`, /exactly 20 characters; this one has 19/],
    [`XKIA${id.slice(4)}`, /starts with AKIA .* this one starts with "XKIA"/],
    [`AIDA${id.slice(4)}`, /IAM user or role ID/],
    [id.toLowerCase(), /capital letters/],
    [fakeApiKey(), /Bedrock API key, not an access key ID/],
  ])('explains a key ID of the wrong shape (%#)', (bad, message) => {
    const errs = errorsFor({ region: 'us-east-1', accessKeyId: bad, secretAccessKey: secret });
    expect(errs.find((e) => e.field === 'accessKeyId')?.message).toMatch(message);
  });

  it('explains a secret of the wrong length', () => {
    const errs = errorsFor({ region: 'us-east-1', accessKeyId: id, secretAccessKey: secret.slice(0, 30) });
    expect(errs[0]).toMatchObject({ field: 'secretAccessKey' });
    expect(errs[0]!.message).toMatch(/exactly 40 characters; this one has 30/);
  });

  it('asks for the session token of temporary ASIA keys', () => {
    const errs = errorsFor({
      region: 'us-east-1',
      accessKeyId: fakeAccessKeyId('ASIA'),
      secretAccessKey: secret,
    });
    expect(errs).toEqual([
      {
        field: 'sessionToken',
        message: expect.stringMatching(/temporary.*session token/),
        messageRef: { code: 'bedrockNeedSessionToken' },
      },
    ]);
    const ok = validateBedrockKeys({
      region: 'us-east-1',
      accessKeyId: fakeAccessKeyId('ASIA'),
      secretAccessKey: secret,
      sessionToken: fakeSessionToken(),
    });
    expect(ok.ok).toBe(true);
  });

  it('joins a session token that wrapped over several lines', () => {
    const token = fakeSessionToken();
    const r = validateBedrockKeys({
      region: 'us-east-1',
      accessKeyId: fakeAccessKeyId('ASIA'),
      secretAccessKey: secret,
      sessionToken: `${token.slice(0, 60)}\n${token.slice(60)}`,
    });
    expect(r.cleaned.sessionToken).toBe(token);
    expect(r.notes.find((n) => n.field === 'sessionToken')?.message).toMatch(/line breaks or spaces inside/);
  });

  it('refuses a session token with permanent AKIA keys', () => {
    const errs = errorsFor({
      region: 'us-east-1',
      accessKeyId: id,
      secretAccessKey: secret,
      sessionToken: 'x',
    });
    expect(errs[0]!.message).toMatch(/do not use a session token/);
  });

  it('requires a region and explains a wrong one', () => {
    expect(errorsFor({ accessKeyId: id, secretAccessKey: secret })[0]).toMatchObject({
      field: 'region',
      message: expect.stringMatching(/Pick the AWS region/),
    });
    expect(errorsFor({ region: 'Virginia', accessKeyId: id, secretAccessKey: secret })[0]!.message).toMatch(
      /not an AWS region code/,
    );
  });

  it('turns console region names and availability zones into region codes', () => {
    const byName = validateBedrockKeys({
      region: 'US West (Oregon)',
      accessKeyId: id,
      secretAccessKey: secret,
    });
    expect(byName.cleaned.region).toBe('us-west-2');
    const zone = validateBedrockKeys({ region: 'eu-central-1a', accessKeyId: id, secretAccessKey: secret });
    expect(zone.cleaned.region).toBe('eu-central-1');
    expect(zone.notes[0]!.message).toMatch(/availability zone/);
  });

  it('accepts a Bedrock API key alone, and strips a Bearer prefix', () => {
    const key = fakeApiKey();
    const r = validateBedrockKeys({ region: 'us-east-1', apiKey: `Bearer ${key}` });
    expect(r.ok).toBe(true);
    expect(r.cleaned.apiKey).toBe(key);
  });

  it('refuses an access key ID in the API key field, and both kinds at once', () => {
    expect(errorsFor({ region: 'us-east-1', apiKey: id })[0]!.message).toMatch(/not a Bedrock API key/);
    expect(errorsFor({ region: 'us-east-1', apiKey: fakeApiKey(), accessKeyId: id })[0]!.message).toMatch(
      /either the access keys or a Bedrock API key/,
    );
  });

  it('asks for something when no credential is given', () => {
    expect(errorsFor({ region: 'us-east-1' }).map((e) => e.field)).toEqual([
      'accessKeyId',
      'secretAccessKey',
    ]);
  });
});

describe('bedrockAccountSchema', () => {
  it('parses a valid account with defaults', () => {
    const acc = bedrockAccountSchema.parse({
      id: 'aws',
      provider: 'bedrock',
      region: 'us-east-1',
      accessKeyId: id,
      secretAccessKey: secret,
    });
    expect(acc.crossRegion).toBe('auto');
    expect(acc.enabled).toBe(true);
  });

  it('reports paste problems on the right field, so nothing invalid is saved', () => {
    const r = bedrockAccountSchema.safeParse({
      id: 'aws',
      provider: 'bedrock',
      region: 'us-east-1',
      accessKeyId: secret,
      secretAccessKey: secret,
    });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]).toMatchObject({
      path: ['accessKeyId'],
      message: expect.stringMatching(/secret/),
    });
  });

  it('works inside the discriminated union of account schemas', () => {
    const union = z.discriminatedUnion('provider', [openaiCompatibleAccountSchema, bedrockAccountSchema]);
    const acc = union.parse({
      id: 'aws',
      provider: 'bedrock',
      region: 'eu-west-1',
      accessKeyId: id,
      secretAccessKey: secret,
    });
    expect(acc.provider).toBe('bedrock');
    const bad = union.safeParse({ id: 'aws', provider: 'bedrock', region: 'eu-west-1', accessKeyId: id });
    expect(bad.error?.issues.map((i) => i.path.join('.'))).toEqual(['secretAccessKey']);
  });
});
