/** The error a call answers with: a code, a message, a hint and field errors, plus how any other throw becomes one. */
import { z } from 'zod';
import { appMsg, type CallError, type MessageRef, messageRefSchema } from '../../contract/index.js';
import { zodFieldErrors } from '../account-fields.js';
import type { AppLog } from '../app-log.js';

/** A failure with a code, a message, a hint and field errors, as the renderer receives it. */
export class CallFailure extends Error {
  readonly code: string;
  readonly hint?: string;
  readonly fields?: CallError['fields'];
  /** The message and hint as catalog codes (app/contract/messages.ts), for the window's language. */
  readonly messageRef?: MessageRef;
  readonly hintRef?: MessageRef;
  constructor(
    code: string,
    message: string,
    hint?: string,
    fields?: CallError['fields'],
    refs: { message?: MessageRef; hint?: MessageRef } = {},
  ) {
    super(message);
    this.name = 'CallFailure';
    this.code = code;
    this.hint = hint;
    this.fields = fields;
    this.messageRef = refs.message;
    this.hintRef = refs.hint;
  }
}

/** Turns whatever a handler threw into the error the window receives. */
export function toCallError(err: unknown, method: string, log: AppLog): CallError {
  if (err instanceof CallFailure) {
    return {
      code: err.code,
      message: err.message,
      hint: err.hint,
      fields: err.fields,
      messageRef: err.messageRef,
      hintRef: err.hintRef,
    };
  }
  if (err instanceof z.ZodError) {
    const fields = zodFieldErrors(err);
    return {
      code: 'invalid_payload',
      message: 'Some values are not valid.',
      fields,
      messageRef: appMsg('invalidValues'),
    };
  }
  const o = (err && typeof err === 'object' ? err : {}) as {
    message?: unknown;
    hint?: unknown;
    code?: unknown;
    messageRef?: unknown;
    hintRef?: unknown;
  };
  const message = typeof o.message === 'string' ? o.message : String(err);
  log.error(`${method} failed: ${message}`);
  // proxy-core's ProxyError and the vault's errors carry their catalog codes.
  const ref = (v: unknown) => {
    const parsed = messageRefSchema.safeParse(v);
    return parsed.success ? parsed.data : undefined;
  };
  return {
    code: typeof o.code === 'string' ? o.code : 'internal',
    message,
    hint: typeof o.hint === 'string' ? o.hint : undefined,
    messageRef: ref(o.messageRef),
    hintRef: ref(o.hintRef),
  };
}
