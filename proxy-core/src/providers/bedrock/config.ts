import { z } from 'zod';
import { accountBase } from '../../config/account-base.js';
import { type MessageRef, proxyMsg } from '../../messages.js';

/**
 * A Bedrock account: AWS access keys (long-term AKIA… or temporary ASIA… with a session token)
 * or a Bedrock API key (sent as a bearer token), plus the region to call.
 */
export const bedrockAccountSchema = accountBase
  .extend({
    provider: z.literal('bedrock'),
    /** AWS region code, e.g. us-east-1. */
    region: z.string(),
    accessKeyId: z.string().optional(),
    secretAccessKey: z.string().optional(),
    /** Needed with temporary (ASIA…) keys. */
    sessionToken: z.string().optional(),
    /** Bedrock API key (long-term ABSK… or short-term bedrock-api-key-…), used instead of access keys. */
    apiKey: z.string().optional(),
    /**
     * Cross-region inference profiles: `auto` uses the region's geography profile (us./eu./apac.…)
     * when a model cannot be called on demand, `global` prefers global. profiles, `off` never
     * rewrites the model id.
     */
    crossRegion: z.enum(['auto', 'global', 'off']).default('auto'),
  })
  .superRefine((acc, ctx) => {
    for (const problem of validateBedrockKeys(acc).errors) {
      ctx.addIssue({
        code: 'custom',
        path: [problem.field],
        message: problem.message,
        params: { messageRef: problem.messageRef },
      });
    }
  });
export type BedrockAccount = z.infer<typeof bedrockAccountSchema>;

export interface BedrockKeyInput {
  region?: string;
  accessKeyId?: string;
  secretAccessKey?: string;
  sessionToken?: string;
  apiKey?: string;
}

export interface KeyProblem {
  field: keyof BedrockKeyInput;
  message: string;
  /** The message as a catalog code (proxy-core/src/messages.ts), for the window's language. */
  messageRef?: MessageRef;
}

export interface BedrockKeyCheck {
  /** True when nothing blocks saving (notes may still be shown). */
  ok: boolean;
  /** The values with paste debris (spaces, line breaks, quotes, `KEY=` prefixes) removed. */
  cleaned: BedrockKeyInput;
  /** Problems that must be fixed; nothing should be saved while any remain. */
  errors: KeyProblem[];
  /** Things that were fixed automatically, worth telling the user. */
  notes: KeyProblem[];
}

const ACCESS_KEY_ID = /^(AKIA|ASIA)[A-Z0-9]{16}$/;
const SECRET_KEY = /^[A-Za-z0-9/+]{40}$/;
const REGION_CODE = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d{1,2}$/;
/** A key ID and secret on one line, as in the downloaded credentials CSV. */
const ID_AND_SECRET = /^(A[KS]IA[A-Z0-9]{16})[\s,;:|]+([A-Za-z0-9/+]{40})$/;
/** Prefixes people copy along with a value from a credentials file or shell snippet. */
const PASTE_PREFIX =
  /^(?:export\s+|set\s+|\$env:)?(?:aws_access_key_id|aws_secret_access_key|aws_session_token|aws_bearer_token_bedrock|aws_region|aws_default_region|region)\s*[=:]\s*/i;

/** Console region names people copy instead of the code. */
const REGION_NAMES: Record<string, string> = {
  'us east (n. virginia)': 'us-east-1',
  'us east (ohio)': 'us-east-2',
  'us west (n. california)': 'us-west-1',
  'us west (oregon)': 'us-west-2',
  'canada (central)': 'ca-central-1',
  'europe (frankfurt)': 'eu-central-1',
  'europe (zurich)': 'eu-central-2',
  'europe (ireland)': 'eu-west-1',
  'europe (london)': 'eu-west-2',
  'europe (paris)': 'eu-west-3',
  'europe (stockholm)': 'eu-north-1',
  'europe (milan)': 'eu-south-1',
  'europe (spain)': 'eu-south-2',
  'asia pacific (tokyo)': 'ap-northeast-1',
  'asia pacific (seoul)': 'ap-northeast-2',
  'asia pacific (osaka)': 'ap-northeast-3',
  'asia pacific (mumbai)': 'ap-south-1',
  'asia pacific (hyderabad)': 'ap-south-2',
  'asia pacific (singapore)': 'ap-southeast-1',
  'asia pacific (sydney)': 'ap-southeast-2',
  'asia pacific (jakarta)': 'ap-southeast-3',
  'asia pacific (melbourne)': 'ap-southeast-4',
  'south america (são paulo)': 'sa-east-1',
  'south america (sao paulo)': 'sa-east-1',
};

const FIELD_LABEL: Record<keyof BedrockKeyInput, string> = {
  region: 'Region',
  accessKeyId: 'Access key ID',
  secretAccessKey: 'Secret access key',
  sessionToken: 'Session token',
  apiKey: 'Bedrock API key',
};

/** Removes what a paste drags along; records a note for each fix. */
function clean(
  field: keyof BedrockKeyInput,
  raw: string | undefined,
  notes: KeyProblem[],
): string | undefined {
  if (raw === undefined) return undefined;
  let v = raw.trim();
  const fixes: string[] = [];
  if (v !== raw) fixes.push(/[\r\n]/.test(raw) ? 'a line break' : 'spaces at the ends');
  const prefix = PASTE_PREFIX.exec(v);
  if (prefix) {
    v = v.slice(prefix[0].length).trim();
    fixes.push(`the "${prefix[0].trim()}" in front`);
  }
  if (v.length >= 2 && /^(["'`]).*\1$/s.test(v)) {
    v = v.slice(1, -1).trim();
    fixes.push('the quotes around it');
  }
  if (field === 'apiKey' && /^bearer\s+/i.test(v)) {
    v = v.replace(/^bearer\s+/i, '');
    fixes.push('the "Bearer" in front');
  }
  // Keys and tokens never contain whitespace; a token copied from a terminal often wraps.
  if (field !== 'region' && /\s/.test(v) && !ID_AND_SECRET.test(v)) {
    v = v.replace(/\s+/g, '');
    fixes.push('line breaks or spaces inside it');
  }
  if (fixes.length > 0 && v !== '') {
    notes.push({ field, message: `${FIELD_LABEL[field]}: removed ${fixes.join(' and ')}.` });
  }
  return v === '' ? undefined : v;
}

function checkRegion(cleaned: BedrockKeyInput, errors: KeyProblem[], notes: KeyProblem[]): void {
  const r = cleaned.region;
  if (!r) {
    errors.push({
      field: 'region',
      message: 'Pick the AWS region your Bedrock models are in, e.g. us-east-1.',
      messageRef: proxyMsg('bedrockPickRegion'),
    });
    return;
  }
  const byName = REGION_NAMES[r.toLowerCase()];
  if (byName) {
    cleaned.region = byName;
    notes.push({ field: 'region', message: `Region: used the code ${byName} for "${r}".` });
    return;
  }
  const lower = r.toLowerCase();
  const zone = /^([a-z]{2}(?:-gov)?-[a-z]+-\d{1,2})[a-z]$/.exec(lower);
  if (zone?.[1]) {
    cleaned.region = zone[1];
    notes.push({
      field: 'region',
      message: `Region: "${r}" is an availability zone; used its region ${zone[1]}.`,
    });
    return;
  }
  if (REGION_CODE.test(lower)) {
    if (lower !== r) notes.push({ field: 'region', message: `Region: changed to lower case (${lower}).` });
    cleaned.region = lower;
    return;
  }
  errors.push({
    field: 'region',
    message: `"${r}" is not an AWS region code. Use the code shown in the console's region menu, e.g. us-east-1 or eu-central-1.`,
    messageRef: proxyMsg('bedrockNotRegionCode', { region: r }),
  });
}

function describeBadKeyId(id: string): { message: string; messageRef: MessageRef } {
  if (/^(AIDA|AROA|AGPA|ANPA|ANVA|APKA)/.test(id)) {
    return {
      message:
        'This is an IAM user or role ID, not an access key ID. Create an access key under IAM → Users → Security credentials; its ID starts with AKIA.',
      messageRef: proxyMsg('bedrockIdIsUserId'),
    };
  }
  if (/^A[KS]IA/i.test(id) && id !== id.toUpperCase() && ACCESS_KEY_ID.test(id.toUpperCase())) {
    return {
      message:
        'Access key IDs are all capital letters and digits; this one has lower-case letters, so it was probably retyped. Copy it again from the AWS console.',
      messageRef: proxyMsg('bedrockIdLowerCase'),
    };
  }
  if (!/^A[KS]IA/.test(id)) {
    return {
      message: `An access key ID starts with AKIA (permanent keys) or ASIA (temporary keys); this one starts with "${id.slice(0, 4)}".`,
      messageRef: proxyMsg('bedrockIdPrefix', { start: id.slice(0, 4) }),
    };
  }
  if (id.length !== 20) {
    return {
      message: `An access key ID is exactly 20 characters; this one has ${id.length}. Part of it may be missing or something extra was copied.`,
      messageRef: proxyMsg('bedrockIdLength', { length: id.length }),
    };
  }
  return {
    message:
      'An access key ID has only capital letters and digits after AKIA/ASIA; this one has other characters.',
    messageRef: proxyMsg('bedrockIdCharacters'),
  };
}

function looksLikeApiKey(v: string): boolean {
  return v.startsWith('ABSK') || v.startsWith('bedrock-api-key-');
}

function checkAccessKeys(cleaned: BedrockKeyInput, errors: KeyProblem[], notes: KeyProblem[]): void {
  let id = cleaned.accessKeyId;
  let secret = cleaned.secretAccessKey;

  // "AKIA…,secret" pasted into the ID field: split it.
  const both = id ? ID_AND_SECRET.exec(id) : null;
  if (both?.[1] && both[2] && (!secret || secret === both[2])) {
    id = both[1];
    secret = both[2];
    notes.push({
      field: 'accessKeyId',
      message: 'Access key ID: the ID and the secret were pasted together; split them into their fields.',
    });
  }
  cleaned.accessKeyId = id;
  cleaned.secretAccessKey = secret;

  const idIsSecret = !!id && SECRET_KEY.test(id) && !ACCESS_KEY_ID.test(id);
  const secretIsId = !!secret && ACCESS_KEY_ID.test(secret);
  if (idIsSecret && secretIsId) {
    errors.push({
      field: 'accessKeyId',
      message:
        'The access key ID and the secret access key are swapped: the ID is the short one starting with AKIA or ASIA.',
      messageRef: proxyMsg('bedrockKeysSwapped'),
    });
    return;
  }

  if (!id) {
    errors.push({
      field: 'accessKeyId',
      message: 'Paste your access key ID (it starts with AKIA or ASIA), or use a Bedrock API key instead.',
      messageRef: proxyMsg('bedrockNeedKeyId'),
    });
  } else if (looksLikeApiKey(id)) {
    errors.push({
      field: 'accessKeyId',
      message:
        'This is a Bedrock API key, not an access key ID. Paste it in the Bedrock API key field instead.',
      messageRef: proxyMsg('bedrockIdIsApiKey'),
    });
  } else if (idIsSecret) {
    errors.push({
      field: 'accessKeyId',
      message:
        'This looks like the secret access key (40 characters). It belongs in the Secret access key field; the access key ID is the 20-character value starting with AKIA or ASIA.',
      messageRef: proxyMsg('bedrockIdIsSecret'),
    });
  } else if (!ACCESS_KEY_ID.test(id)) {
    errors.push({ field: 'accessKeyId', ...describeBadKeyId(id) });
  }

  if (!secret) {
    errors.push({
      field: 'secretAccessKey',
      message:
        'Paste the secret access key too. AWS shows it only once, when the key is created; if it is lost, create a new access key.',
      messageRef: proxyMsg('bedrockNeedSecret'),
    });
  } else if (secretIsId) {
    errors.push({
      field: 'secretAccessKey',
      message:
        'This is an access key ID, not the secret. The secret is the 40-character value shown next to the ID when the key was created.',
      messageRef: proxyMsg('bedrockSecretIsId'),
    });
  } else if (!SECRET_KEY.test(secret)) {
    const bad = secret.replace(/[A-Za-z0-9/+]/g, '');
    errors.push({
      field: 'secretAccessKey',
      message:
        secret.length !== 40
          ? `A secret access key is exactly 40 characters; this one has ${secret.length}. Copy it again in full.`
          : `A secret access key contains only letters, digits, "/" and "+"; this one contains "${bad.slice(0, 3)}".`,
      messageRef:
        secret.length !== 40
          ? proxyMsg('bedrockSecretLength', { length: secret.length })
          : proxyMsg('bedrockSecretCharacters', { found: bad.slice(0, 3) }),
    });
  }

  if (id && ACCESS_KEY_ID.test(id)) {
    if (id.startsWith('ASIA') && !cleaned.sessionToken) {
      errors.push({
        field: 'sessionToken',
        message:
          'Keys starting with ASIA are temporary and only work together with their session token. Paste the session token as well.',
        messageRef: proxyMsg('bedrockNeedSessionToken'),
      });
    }
    if (id.startsWith('AKIA') && cleaned.sessionToken) {
      errors.push({
        field: 'sessionToken',
        message:
          'Permanent keys (starting with AKIA) do not use a session token, and AWS rejects the request when one is sent. Clear the Session token field.',
        messageRef: proxyMsg('bedrockNoSessionToken'),
      });
    }
  }
}

/**
 * Checks pasted Bedrock credentials the way a careful person would: cleans paste debris (and says
 * so), and names each mistake precisely — a secret in the ID field, swapped fields, a key ID of
 * the wrong shape, temporary keys without their session token, a missing or misspelt region.
 */
export function validateBedrockKeys(input: BedrockKeyInput): BedrockKeyCheck {
  const errors: KeyProblem[] = [];
  const notes: KeyProblem[] = [];
  const cleaned: BedrockKeyInput = {
    region: clean('region', input.region, notes),
    accessKeyId: clean('accessKeyId', input.accessKeyId, notes),
    secretAccessKey: clean('secretAccessKey', input.secretAccessKey, notes),
    sessionToken: clean('sessionToken', input.sessionToken, notes),
    apiKey: clean('apiKey', input.apiKey, notes),
  };
  checkRegion(cleaned, errors, notes);

  const hasKeys = !!(cleaned.accessKeyId || cleaned.secretAccessKey || cleaned.sessionToken);
  if (cleaned.apiKey) {
    const k = cleaned.apiKey;
    if (ACCESS_KEY_ID.test(k)) {
      errors.push({
        field: 'apiKey',
        message:
          'This is an AWS access key ID, not a Bedrock API key. Put it in the Access key ID field together with its secret.',
        messageRef: proxyMsg('bedrockApiKeyIsId'),
      });
    } else if (hasKeys) {
      errors.push({
        field: 'apiKey',
        message:
          'Fill in either the access keys or a Bedrock API key, not both. Clear the one you do not want to use.',
        messageRef: proxyMsg('bedrockKeysAndApiKey'),
      });
    }
  } else {
    checkAccessKeys(cleaned, errors, notes);
  }
  return { ok: errors.length === 0, cleaned, errors, notes };
}
