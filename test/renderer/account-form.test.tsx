// @vitest-environment jsdom
import './support/dom.js';
import { MantineProvider } from '@mantine/core';
import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { I18nextProvider } from 'react-i18next';
import { describe, expect, it, vi } from 'vitest';
import type { AccountView } from '../../app/contract/index.js';
import { ApiProvider } from '../../renderer/src/api/context.js';
import { AccountForm } from '../../renderer/src/components/AccountForm.js';
import { createI18n } from '../../renderer/src/i18n/index.js';
import en from '../../renderer/src/i18n/locales/en.json' with { type: 'json' };
import type { PickableProvider } from '../../renderer/src/providers.js';
import { createFakeKeybridge } from './support/fake-keybridge.js';

function renderForm(
  props: { provider?: PickableProvider; account?: AccountView },
  fake = createFakeKeybridge(),
) {
  const onSaved = vi.fn();
  render(
    <I18nextProvider i18n={createI18n('en', en)}>
      <MantineProvider>
        <ApiProvider api={fake.api}>
          <AccountForm {...props} onSaved={onSaved} />
        </ApiProvider>
      </MantineProvider>
    </I18nextProvider>,
  );
  return { fake, onSaved };
}

// A 40-character AWS-style secret, made at test time.
const fakeSecret = () =>
  Array.from({ length: 40 }, (_, i) => 'abcdefghijKLMNOPQRST0123456789/+xyzUVWXY'[i]).join('');
const fakeKeyId = () => `AKIA${'Q'.repeat(12)}7Q2X`;

describe('Bedrock account form', () => {
  it('shows the precise message validate gives when the secret is pasted into the key id box', async () => {
    const user = userEvent.setup();
    renderForm({ provider: 'bedrock' });
    await user.click(screen.getByLabelText(/Access key ID/));
    await user.paste(fakeSecret());
    expect(await screen.findByText(en.msg.bedrockIdIsSecret)).toBeTruthy();
  });

  it('saves a good key pair and never shows the secret back', async () => {
    const user = userEvent.setup();
    const { onSaved, fake } = renderForm({ provider: 'bedrock' });
    await user.type(screen.getByLabelText(/Access key ID/), fakeKeyId());
    await user.type(screen.getByLabelText(/Secret access key/), fakeSecret());
    await user.click(screen.getByRole('button', { name: 'Add account' }));
    await waitFor(() => expect(onSaved).toHaveBeenCalled());
    const saved = onSaved.mock.calls[0]![0] as AccountView;
    expect(saved.secrets.accessKeyId).toBe('AKIA…7Q2X');
    expect(JSON.stringify(saved)).not.toContain(fakeSecret());
    const add = fake.calls.find(([m]) => m === 'accounts.add')!;
    expect(add[1]).toMatchObject({ account: { provider: 'bedrock', region: 'us-east-1' } });
  });

  it('on Add with empty boxes, shows every missing field and does not save', async () => {
    const user = userEvent.setup();
    const { onSaved, fake } = renderForm({ provider: 'bedrock' });
    await user.click(screen.getByRole('button', { name: 'Add account' }));
    // main's validator names what to paste in each box.
    expect(await screen.findByText(en.msg.bedrockNeedKeyId)).toBeTruthy();
    expect(screen.getByText(en.msg.bedrockNeedSecret)).toBeTruthy();
    expect(screen.getByText('Please fix the problems shown above.')).toBeTruthy();
    expect(onSaved).not.toHaveBeenCalled();
    expect(fake.calls.some(([m]) => m === 'accounts.add')).toBe(false);
  });
});

describe('Vertex account form', () => {
  it('describes a pasted service-account key and offers the global region', async () => {
    const user = userEvent.setup();
    renderForm({ provider: 'vertex' });
    const box = screen.getByLabelText(/Service-account JSON key/);
    await user.click(box);
    await user.paste(JSON.stringify({ type: 'service_account', project_id: 'my-proj', private_key: 'x' }));
    expect(await screen.findByText('Google Cloud service account for project my-proj')).toBeTruthy();
    expect(screen.getByDisplayValue('global')).toBeTruthy();
  });

  it('reads a dropped .json file and shows a bad file’s precise message', async () => {
    renderForm({ provider: 'vertex' });
    const file = new File(['{"type":"authorized_user"}'], 'key.json', { type: 'application/json' });
    fireEvent.drop(screen.getByTestId('sa-dropzone'), { dataTransfer: { files: [file] } });
    expect(await screen.findByText(en.msg.saUserLogin, { exact: false })).toBeTruthy();
  });
});

describe('editing an account', () => {
  it('shows secrets masked only and keeps them when the box is left empty', async () => {
    const user = userEvent.setup();
    const fake = createFakeKeybridge();
    const added = await fake.api.accounts.add({
      account: { provider: 'anthropic', apiKey: 'sk-ant-api03-abcdefghijklmnop-XYZW', label: 'Main' },
    });
    if (!added.ok) throw new Error('fake add failed');
    const { onSaved } = renderForm({ account: added.value }, fake);
    const key = screen.getByLabelText(/API key/) as HTMLInputElement;
    expect(key.value).toBe('');
    expect(key.placeholder).toContain('sk-a…XYZW');
    expect(document.body.innerHTML).not.toContain('abcdefghijklmnop');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(onSaved).toHaveBeenCalled());
    const update = fake.calls.find(([m]) => m === 'accounts.update')![1] as {
      patch: Record<string, unknown>;
    };
    expect(update.patch).not.toHaveProperty('apiKey');
    expect(fake.state.accounts[0]!.secretValues.apiKey).toBe('sk-ant-api03-abcdefghijklmnop-XYZW');
  });

  it('a name the user empties is cleared, not kept', async () => {
    const user = userEvent.setup();
    const fake = createFakeKeybridge();
    const added = await fake.api.accounts.add({
      account: { provider: 'google-ai', apiKey: 'AIzaSyTestKeyMadeForThisTest01', label: 'Studio' },
    });
    if (!added.ok) throw new Error('fake add failed');
    const { onSaved } = renderForm({ account: added.value }, fake);
    await user.clear(screen.getByLabelText(/^Name/));
    await user.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(onSaved).toHaveBeenCalled());
    const update = fake.calls.find(([m]) => m === 'accounts.update')![1] as {
      patch: Record<string, unknown>;
    };
    expect(update.patch).toMatchObject({ label: '' });
    expect(update.patch).not.toHaveProperty('apiKey');
  });
});
