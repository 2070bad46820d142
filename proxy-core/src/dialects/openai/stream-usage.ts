/**
 * OpenAI streams carry usage only when the client asks (`stream_options.include_usage`), in a
 * chunk of its own with `choices: []`. The proxy asks on the client's behalf (the log needs the
 * tokens) and cuts that chunk out again when the client did not ask.
 */

/** The request body with usage asked for (a copy: the client's body is left as it is). */
export function askOpenaiStreamUsage(body: Record<string, unknown>): Record<string, unknown> {
  return { ...body, stream_options: { ...(body.stream_options as object | undefined), include_usage: true } };
}

/** True for an OpenAI usage-only chunk (`choices: []` with `usage`). */
export function isUsageOnlyChunk(data: string): boolean {
  if (!data.includes('"usage"')) return false;
  try {
    const j = JSON.parse(data) as { choices?: unknown[]; usage?: unknown };
    return Array.isArray(j.choices) && j.choices.length === 0 && j.usage != null;
  } catch {
    return false;
  }
}
