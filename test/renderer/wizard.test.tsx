// @vitest-environment jsdom
/**
 * The first run and Accounts never dead-end: a model can be typed when the list is empty, a
 * credential of another provider is named with a one-click switch, a reload resumes where the
 * user was (without keeping any secret in the tab), and validation never shows errors about a
 * draft older than what the user typed.
 */
import './support/dom.js';
import { render, screen, waitFor, within } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { beforeEach, describe, expect, it } from 'vitest';
import { detectCredential } from '../../app/services/account-fields.js';
import { Root } from '../../renderer/src/Root.js';
import { FIRST_RUN_PROGRESS_KEY } from '../../renderer/src/screens/FirstRunScreen.js';
import { createFakeKeybridge } from './support/fake-keybridge.js';
import { renderApp } from './support/render.js';

const AI_STUDIO_KEY = `AIzaSy${'B7x'.repeat(11)}`;
const ANTHROPIC_KEY = `sk-ant-api03-${'q'.repeat(40)}`;

beforeEach(() => window.sessionStorage.clear());

async function startWith(provider: string, user: ReturnType<typeof userEvent.setup>) {
  await user.click(await screen.findByTestId(`provider-${provider}`));
  await user.click(screen.getByTestId('provider-next'));
}

describe('first run: models', () => {
  it('an account that lists no models says so and lets the user type one, then continue', async () => {
    const user = userEvent.setup();
    const app = renderApp('', {});
    app.override('accounts.models', (input) => ({ accountId: input.id, models: [], source: 'config' }));
    await startWith('anthropic', user);
    await user.type(await screen.findByLabelText(/API key/), ANTHROPIC_KEY);
    await user.click(screen.getByRole('button', { name: 'Save and test' }));
    await user.click(await screen.findByTestId('test-continue'));

    const empty = await screen.findByTestId('models-empty');
    expect(within(empty).getByText('No models found for this account.')).toBeTruthy();
    expect(within(empty).getByTestId('models-retry')).toBeTruthy();
    expect(within(empty).getByTestId('models-back')).toBeTruthy();
    expect(screen.getByTestId('models-chosen').textContent).toBe(
      'Tick a model, or type one by name, to continue.',
    );
    expect((screen.getByTestId('models-continue') as HTMLButtonElement).disabled).toBe(true);

    await user.type(screen.getByTestId('add-model-input'), 'claude-opus-4-1{Enter}');
    expect(((await screen.findByLabelText('claude-opus-4-1')) as HTMLInputElement).checked).toBe(true);
    expect(screen.getByText('Models chosen: 1')).toBeTruthy();
    await user.click(screen.getByTestId('models-continue'));
    await waitFor(() =>
      expect(app.state.models.models).toEqual([
        {
          id: 'claude-opus-4-1',
          enabled: true,
          routes: [{ account: 'anthropic-1', model: 'claude-opus-4-1' }],
        },
      ]),
    );
    expect(await screen.findByText('Custom Endpoint (Base URL)')).toBeTruthy();
  });

  it('a list that failed shows why, and List again asks again', async () => {
    const user = userEvent.setup();
    const app = renderApp('', {});
    let asked = 0;
    app.override('accounts.models', () => {
      asked++;
      return { __error: { code: 'proxy_not_running', message: 'The proxy is not running.' } };
    });
    await startWith('google-ai', user);
    await user.type(await screen.findByLabelText(/API key/), AI_STUDIO_KEY);
    await user.click(screen.getByRole('button', { name: 'Save and test' }));
    await user.click(await screen.findByTestId('test-continue'));
    expect(await screen.findByText('The model list could not be fetched')).toBeTruthy();
    expect(screen.getByText('The proxy is not running.')).toBeTruthy();
    expect(screen.getByTestId('add-model-input')).toBeTruthy();
    await user.click(screen.getByTestId('models-retry'));
    await waitFor(() => expect(asked).toBe(2));
  });
});

describe('a credential of another provider', () => {
  it('an AI Studio key in the Anthropic box is named, and one click moves it to Google AI Studio', async () => {
    const user = userEvent.setup();
    const app = renderApp('', {});
    app.override('accounts.detectCredential', (input) => detectCredential(String(input.text)));
    await startWith('anthropic', user);
    await user.click(await screen.findByLabelText(/API key/));
    await user.paste(AI_STUDIO_KEY);
    const warning = await screen.findByTestId('credential-mismatch');
    expect(within(warning).getByText('This looks like a Google AI Studio credential')).toBeTruthy();
    await user.click(within(warning).getByTestId('switch-provider'));

    expect(await screen.findByText(/aistudio\.google\.com/)).toBeTruthy();
    expect((screen.getByLabelText(/API key/) as HTMLInputElement).value).toBe(AI_STUDIO_KEY);
    await waitFor(() => expect(screen.queryByTestId('credential-mismatch')).toBeNull());
    await user.click(screen.getByRole('button', { name: 'Save and test' }));
    expect(await screen.findByText('It works')).toBeTruthy();
    expect(app.state.accounts.map((a) => a.provider)).toEqual(['google-ai']);
  });

  it('a service-account JSON in the OpenAI key box moves to Vertex, into the JSON box', async () => {
    const user = userEvent.setup();
    const app = renderApp('', {});
    app.override('accounts.detectCredential', (input) => detectCredential(String(input.text)));
    await startWith('openai', user);
    const sa = JSON.stringify({
      type: 'service_account',
      project_id: 'tavern-7',
      private_key: '-----BEGIN PRIVATE KEY-----\nMII\n-----END PRIVATE KEY-----\n',
      client_email: 'kb@tavern-7.iam.gserviceaccount.com',
    });
    await user.click(await screen.findByLabelText(/API key/));
    await user.paste(sa);
    const warning = await screen.findByTestId('credential-mismatch');
    expect(within(warning).getByText('This looks like a Google Vertex AI credential')).toBeTruthy();
    await user.click(within(warning).getByTestId('switch-provider'));
    expect(((await screen.findByLabelText(/Service-account JSON key/)) as HTMLTextAreaElement).value).toBe(
      sa,
    );
    expect(await screen.findByText(/project tavern-7/)).toBeTruthy();
  });

  it('an OpenRouter key on the DeepSeek preset switches the preset; a plain sk- key does not nag', async () => {
    const user = userEvent.setup();
    const app = renderApp('accounts');
    app.override('accounts.detectCredential', (input) => detectCredential(String(input.text)));
    await user.click(await screen.findByTestId('add-account'));
    await user.click(await screen.findByTestId('provider-openai-compatible'));
    await user.click(screen.getByRole('button', { name: 'Next' }));
    await user.click(await screen.findByRole('radio', { name: 'DeepSeek' }));
    const key = screen.getByLabelText(/API key/);
    await user.type(key, `sk-${'a1B2'.repeat(10)}`);
    await new Promise((r) => setTimeout(r, 600));
    expect(screen.queryByTestId('credential-mismatch')).toBeNull();
    await user.clear(key);
    await user.type(key, `sk-or-v1-${'0f'.repeat(32)}`);
    await user.click(await screen.findByTestId('switch-provider'));
    expect(((await screen.findByRole('radio', { name: 'OpenRouter' })) as HTMLInputElement).checked).toBe(
      true,
    );
    expect(screen.getByDisplayValue('https://openrouter.ai/api/v1')).toBeTruthy();
  });
});

describe('a reload mid-wizard', () => {
  it('resumes at the step the user was on, with the saved account, and keeps no secret in the tab', async () => {
    const user = userEvent.setup();
    const fake = createFakeKeybridge({});
    window.location.hash = '';
    const first = render(<Root api={fake.api} osLanguage="en-US" />);
    await startWith('anthropic', user);
    await user.type(await screen.findByLabelText(/Name/), 'Work Claude');
    await user.type(screen.getByLabelText(/API key/), ANTHROPIC_KEY);
    await user.click(screen.getByRole('button', { name: 'Save and test' }));
    await user.click(await screen.findByTestId('test-continue'));
    expect(await screen.findByLabelText('Claude Sonnet 4.5 (claude-sonnet-4-5)')).toBeTruthy();
    expect(window.location.hash).toBe('#/start');
    const kept = window.sessionStorage.getItem(FIRST_RUN_PROGRESS_KEY) ?? '';
    expect(JSON.parse(kept)).toMatchObject({ step: 3, provider: 'anthropic', accountId: 'anthropic-1' });
    expect(kept).not.toContain('sk-ant');
    first.unmount();

    // The reload: same tab (hash and sessionStorage), a fresh window.
    render(<Root api={fake.api} osLanguage="en-US" />);
    expect(await screen.findByLabelText('Claude Sonnet 4.5 (claude-sonnet-4-5)')).toBeTruthy();
    expect(screen.getByText('Tick the models you want to use in SillyTavern.')).toBeTruthy();
  });

  it('before saving, resumes at the credential step with the non-secret values only', async () => {
    const user = userEvent.setup();
    const fake = createFakeKeybridge({});
    window.location.hash = '';
    const first = render(<Root api={fake.api} osLanguage="en-US" />);
    await startWith('bedrock', user);
    await user.type(await screen.findByLabelText(/Access key ID/), `AKIA${'Q'.repeat(16)}`);
    const region = screen.getByDisplayValue('us-east-1');
    await user.clear(region);
    await user.type(region, 'eu-central-1');
    await waitFor(() =>
      expect(window.sessionStorage.getItem(FIRST_RUN_PROGRESS_KEY)).toContain('eu-central-1'),
    );
    expect(window.sessionStorage.getItem(FIRST_RUN_PROGRESS_KEY)).not.toContain('AKIA');
    first.unmount();

    render(<Root api={fake.api} osLanguage="en-US" />);
    expect(await screen.findByDisplayValue('eu-central-1')).toBeTruthy();
    expect((screen.getByLabelText(/Access key ID/) as HTMLInputElement).value).toBe('');
  });
});

describe('validation while saving', () => {
  it('never shows errors about a draft older than what was typed (the "Invalid input" flash)', async () => {
    const user = userEvent.setup();
    const app = renderApp('', {});
    const seen: string[] = [];
    const observer = new MutationObserver(() => {
      if (/is required/.test(document.body.textContent ?? '')) seen.push(document.body.textContent ?? '');
    });
    observer.observe(document.body, { subtree: true, childList: true, characterData: true });
    app.override('accounts.add', async (input) => {
      await new Promise((r) => setTimeout(r, 400));
      const d = input.account as Record<string, unknown>;
      const acc = {
        id: 'anthropic-1',
        provider: 'anthropic' as const,
        enabled: true,
        settings: {},
        secrets: { apiKey: 'sk-a…qqqq' },
        secretStorage: 'keychain' as const,
        missingSecrets: [],
        secretValues: { apiKey: String(d.apiKey) },
      };
      app.state.accounts.push(acc);
      const { secretValues: _s, ...view } = acc;
      return view;
    });
    await startWith('anthropic', user);
    const box = await screen.findByLabelText(/API key/);
    await user.click(box);
    await user.paste(ANTHROPIC_KEY);
    await user.click(screen.getByRole('button', { name: 'Save and test' }));
    expect(await screen.findByText('It works')).toBeTruthy();
    observer.disconnect();
    expect(seen).toEqual([]);
  });
});

describe('Accounts: adding an account', () => {
  it('goes on to test it and pick its models, typed ones included, in the same window', async () => {
    const user = userEvent.setup();
    const app = renderApp('accounts');
    await user.click(await screen.findByTestId('add-account'));
    await user.click(await screen.findByTestId('provider-azure'));
    await user.click(screen.getByRole('button', { name: 'Next' }));
    await user.type(await screen.findByLabelText(/Endpoint/), 'https://my-res.openai.azure.com');
    await user.type(screen.getByLabelText(/API key/), '0f1e2d3c4b5a69788796a5b4c3d2e1f0');
    await user.type(screen.getAllByLabelText(/^Deployments/)[0]!, 'my-gpt4o{Enter}');
    await user.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Add account' }));

    const dialog = await screen.findByRole('dialog', { name: /test and choose models/ });
    expect(await within(dialog).findByText('It works')).toBeTruthy();
    expect(within(dialog).getByText(/Type the name of a deployment/)).toBeTruthy();
    await user.type(within(dialog).getByTestId('add-model-input'), 'my-gpt4o');
    await user.click(within(dialog).getByTestId('add-model-button'));
    await user.click(within(dialog).getByRole('button', { name: 'Done' }));
    await waitFor(() =>
      expect(app.state.models.models.map((m) => m.routes)).toEqual([
        [{ account: 'azure-1', model: 'my-gpt4o' }],
      ]),
    );
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
  });
});
