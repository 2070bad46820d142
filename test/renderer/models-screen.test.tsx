// @vitest-environment jsdom
import './support/dom.js';
import { screen, waitFor, within } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { AccountView } from '../../app/contract/index.js';
import { renderApp } from './support/render.js';

const account = (id: string, provider: AccountView['provider']) => ({
  id,
  provider,
  label: id,
  enabled: true,
  settings: {},
  secrets: {},
  secretStorage: 'keychain' as const,
  missingSecrets: [],
  secretValues: {},
});

describe('Models screen', () => {
  it('shows where each account’s list comes from, and reorders failover routes before saving', async () => {
    const user = userEvent.setup();
    const app = renderApp('models', {
      accounts: [account('vertex-1', 'vertex'), account('bedrock-1', 'bedrock')],
      models: {
        models: [
          {
            id: 'claude-sonnet-4-5',
            enabled: true,
            routes: [
              { account: 'vertex-1', model: 'claude-sonnet-4-5' },
              { account: 'bedrock-1', model: 'claude-sonnet-4-5' },
            ],
          },
        ],
        aliases: {},
        defaultModel: 'claude-sonnet-4-5',
      },
    });
    expect(await screen.findByText(/Vertex AI has no model list for partner models/)).toBeTruthy();
    expect(screen.getByText('Built-in list')).toBeTruthy();
    const save = screen.getByRole('button', { name: 'Save' }) as HTMLButtonElement;
    expect(save.disabled).toBe(true);

    const row = screen.getByText('claude-sonnet-4-5', { selector: 'p' }).closest('tr')!;
    await user.click(within(row).getAllByRole('button', { name: 'Try later' })[0]!);
    expect(within(row).getByText('1. bedrock-1 · claude-sonnet-4-5')).toBeTruthy();
    await user.click(save);
    await waitFor(() =>
      expect(app.state.models.models[0]!.routes.map((r) => r.account)).toEqual(['bedrock-1', 'vertex-1']),
    );
  });

  it('adds an alias for an offered model', async () => {
    const user = userEvent.setup();
    const app = renderApp('models', {
      accounts: [account('vertex-1', 'vertex')],
      models: {
        models: [
          {
            id: 'claude-haiku-4-5',
            enabled: true,
            routes: [{ account: 'vertex-1', model: 'claude-haiku-4-5' }],
          },
        ],
        aliases: {},
        defaultModel: 'claude-haiku-4-5',
      },
    });
    await user.type(await screen.findByLabelText('Name'), 'fast');
    await user.click(screen.getByRole('combobox', { name: 'Model' }));
    await user.click(await screen.findByRole('option', { name: 'claude-haiku-4-5', hidden: true }));
    await user.click(screen.getByRole('button', { name: 'Add name' }));
    expect(screen.getByText('fast → claude-haiku-4-5')).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(app.state.models.aliases).toEqual({ fast: 'claude-haiku-4-5' }));
  });
});

describe('notices', () => {
  it('shows a notice from main with its hint and dismisses it', async () => {
    const user = userEvent.setup();
    const app = renderApp('connect', {
      notices: [
        {
          // (The no-keychain notice has its own view with the storage choice: key-storage.test.tsx.)
          id: 'settings-repaired',
          level: 'warning',
          message: 'No keychain was found on this system',
          hint: 'Secrets are kept until you quit. Install GNOME Keyring to keep them.',
          time: '2026-11-23T10:00:00.000Z',
        },
      ],
    });
    expect(await screen.findByText('No keychain was found on this system')).toBeTruthy();
    expect(screen.getByText(/Install GNOME Keyring/)).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Dismiss' }));
    await waitFor(() => expect(screen.queryByText('No keychain was found on this system')).toBeNull());
    expect(app.state.notices).toEqual([]);
  });
});
