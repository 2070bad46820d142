// @vitest-environment jsdom
import './support/dom.js';
import { screen, waitFor } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { makeTestServiceAccount } from '../upstreams/vertex-mock.js';
import { renderApp } from './support/render.js';

describe('first run', () => {
  it('with no account, walks from a Vertex JSON to the Connect values', async () => {
    const user = userEvent.setup();
    window.location.hash = '';
    const app = renderApp('', {});
    expect(await screen.findByText('Welcome to Keybridge')).toBeTruthy();

    await user.click(screen.getByTestId('provider-vertex'));
    await user.click(screen.getByTestId('provider-next'));

    const box = await screen.findByLabelText(/Service-account JSON key/);
    await user.click(box);
    // A real key file (made now), so main's own validator takes it.
    await user.paste(
      makeTestServiceAccount({ tokenUri: 'https://oauth2.googleapis.com/token', projectId: 'tavern-1' }).text,
    );
    await user.click(screen.getByRole('button', { name: 'Save and test' }));

    expect(await screen.findByText('It works')).toBeTruthy();
    expect(app.state.accounts).toHaveLength(1);
    expect(app.state.accounts[0]!.settings.region).toBe('global');
    await user.click(screen.getByTestId('test-continue'));

    await user.click(await screen.findByLabelText('Claude Sonnet 4.5 (claude-sonnet-4-5)'));
    expect(screen.getByText('Models chosen: 1')).toBeTruthy();
    await user.click(screen.getByTestId('models-continue'));
    await waitFor(() => expect(app.state.models.defaultModel).toBe('claude-sonnet-4-5'));

    expect(await screen.findByText('Custom Endpoint (Base URL)')).toBeTruthy();
    await user.click(screen.getByTestId('first-run-done'));
    expect(window.location.hash).toBe('#/connect');
  });

  it('a failed test keeps the user on the test step with the reason and the hint', async () => {
    const user = userEvent.setup();
    window.location.hash = '';
    renderApp('', {});
    await user.click(await screen.findByTestId('provider-bedrock'));
    await user.click(screen.getByTestId('provider-next'));
    await user.type(await screen.findByLabelText(/Access key ID/), `AKIA${'Z'.repeat(16)}`);
    await user.type(screen.getByLabelText(/Secret access key/), 'w'.repeat(40));
    const region = screen.getByDisplayValue('us-east-1');
    await user.clear(region);
    await user.type(region, 'eu-west-3');
    await user.click(screen.getByRole('button', { name: 'Save and test' }));
    expect(await screen.findByText(/model access is not enabled in eu-west-3/)).toBeTruthy();
    expect(screen.getByText(/Model access, and enable the Anthropic models/)).toBeTruthy();
    expect((screen.getByTestId('test-continue') as HTMLButtonElement).disabled).toBe(true);
  });
});
