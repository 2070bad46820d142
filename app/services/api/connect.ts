/** The `connect.*` calls: what to paste into SillyTavern, and "Send a test message". */
import {
  appMsg,
  type ConnectInfo,
  type MethodParsedInput,
  type TestMessageResult,
} from '../../contract/index.js';
import type { ApiContext, NamespaceHandlers } from './context.js';
import { hintForStatus, readProxyError, readReply, safeJson, testRequest } from './test-message.js';

export function connectApi(ctx: ApiContext): NamespaceHandlers<'connect'> {
  const { deps, settings, controller, requestLog, getAccessKey } = ctx;
  const pickTestModel = async (requested?: string): Promise<string | null> => {
    if (requested) return requested;
    const m = settings.getModels();
    if (m.defaultModel) return m.defaultModel;
    const enabled = m.models.find((x) => x.enabled);
    if (enabled) return enabled.id;
    const handle = controller.handle();
    if (handle) {
      try {
        const listed = await handle.listModels();
        return listed[0]?.id ?? null;
      } catch {
        return null;
      }
    }
    return null;
  };

  const connectInfo = async (): Promise<ConnectInfo> => {
    const status = controller.status();
    const s = settings.getSettings();
    const accessKey = await getAccessKey();
    const required = s.requireAccessKey || s.lan;
    const origin = status.state === 'running' && status.port ? `http://127.0.0.1:${status.port}` : null;
    const base = origin ?? `http://127.0.0.1:${s.port}`;
    const model = (await pickTestModel()) ?? '';
    const keyText = accessKey ?? '';
    return {
      running: status.state === 'running',
      origin,
      accessKeyRequired: required,
      accessKey,
      sources: [
        {
          source: 'openai',
          title: 'Custom (OpenAI-compatible)',
          fields: [
            { label: 'Custom Endpoint (Base URL)', labelRef: appMsg('stBaseUrl'), value: `${base}/v1` },
            { label: 'Custom API Key', labelRef: appMsg('stApiKey'), value: keyText },
            ...(model ? [{ label: 'Model', labelRef: appMsg('stModel'), value: model }] : []),
          ],
          steps: [
            'In SillyTavern open API Connections and choose Chat Completion.',
            'Set Chat Completion Source to "Custom (OpenAI-compatible)".',
            'Paste the Base URL (and the API key if one is shown), then click Connect.',
            'Pick a model from the list and press "Test Message".',
          ],
        },
        {
          source: 'claude',
          title: 'Claude',
          fields: [
            { label: 'Reverse Proxy: Proxy Server URL', labelRef: appMsg('stProxyUrl'), value: `${base}/v1` },
            { label: 'Proxy Password', labelRef: appMsg('stProxyPassword'), value: keyText || 'keybridge' },
          ],
          steps: [
            'Set Chat Completion Source to "Claude".',
            'Open the Reverse Proxy section and paste the Proxy Server URL.',
            accessKey
              ? 'Paste the access key as the Proxy Password.'
              : 'SillyTavern needs some password here: any text works, e.g. "keybridge".',
            'Choose a Claude model and press "Test Message".',
          ],
        },
        {
          source: 'gemini',
          title: 'Google AI Studio',
          fields: [
            { label: 'Reverse Proxy: Proxy Server URL', labelRef: appMsg('stProxyUrl'), value: base },
            { label: 'Proxy Password', labelRef: appMsg('stProxyPassword'), value: keyText },
          ],
          steps: [
            'Set Chat Completion Source to "Google AI Studio".',
            'Open the Reverse Proxy section and paste the Proxy Server URL (without /v1).',
            accessKey ? 'Paste the access key as the Proxy Password.' : 'Leave the password empty.',
            'Choose a Gemini model and press "Test Message".',
          ],
        },
      ],
    };
  };

  const sendTestMessage = async (
    input: MethodParsedInput<'connect.sendTestMessage'>,
  ): Promise<TestMessageResult> => {
    const status = controller.status();
    if (status.state !== 'running' || !status.port) {
      return {
        ok: false,
        latencyMs: 0,
        error: 'The proxy is not running.',
        hint: status.error ?? 'Start it first, then send the test message again.',
        errorRef: appMsg('proxyNotRunning'),
        hintRef: status.error ? status.errorRef : appMsg('testStartFirstHint'),
      };
    }
    const model = await pickTestModel(input.model);
    if (!model) {
      return {
        ok: false,
        latencyMs: 0,
        error: 'There is no model to talk to yet.',
        hint: 'Add an account and enable at least one model under Models.',
        errorRef: appMsg('testNoModel'),
        hintRef: appMsg('testNoModelHint'),
      };
    }
    const origin = `http://127.0.0.1:${status.port}`;
    const key = await getAccessKey();
    const req = testRequest(input.source, origin, model, input.text, key);
    const started = Date.now();
    const doFetch = deps.fetch ?? fetch;
    try {
      const res = await doFetch(req.url, {
        method: 'POST',
        headers: req.headers,
        body: JSON.stringify(req.body),
        signal: AbortSignal.timeout(120_000),
      });
      const text = await res.text();
      const latencyMs = Date.now() - started;
      const json = safeJson(text);
      if (!res.ok) {
        const err = readProxyError(json);
        // The proxy's record of this request carries the message and hint as catalog codes.
        const recorded = requestLog.get(res.headers.get('x-request-id') ?? '')?.error;
        const statusHint = hintForStatus(res.status);
        return {
          ok: false,
          model,
          status: res.status,
          latencyMs,
          error: err.message ?? (`${res.status} ${res.statusText}`.trim() || 'The request failed.'),
          hint: err.hint ?? statusHint?.text,
          errorRef: err.message ? recorded?.messageRef : appMsg('testFailedStatus', { status: res.status }),
          hintRef: err.hint ? recorded?.hintRef : statusHint?.ref,
        };
      }
      const reply = readReply(input.source, json);
      if (reply === null) {
        return {
          ok: false,
          model,
          status: res.status,
          latencyMs,
          error: 'The answer could not be read.',
          hint: 'Copy diagnostics and report it.',
          errorRef: appMsg('testUnreadable'),
          hintRef: appMsg('testUnreadableHint'),
        };
      }
      return { ok: true, model, reply, status: res.status, latencyMs };
    } catch (err) {
      return {
        ok: false,
        model,
        latencyMs: Date.now() - started,
        error: `Could not reach the proxy: ${err instanceof Error ? err.message : String(err)}`,
        hint: 'Check that the proxy is running, then try again.',
        errorRef: appMsg('testUnreachable', { detail: err instanceof Error ? err.message : String(err) }),
        hintRef: appMsg('testUnreachableHint'),
      };
    }
  };

  return {
    'connect.info': connectInfo,
    'connect.sendTestMessage': sendTestMessage,
  };
}
