// @vitest-environment jsdom
import './support/dom.js';
import { act, screen, waitFor, within } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { filterRecords, NO_FILTER } from '../../renderer/src/log-filter.js';
import { sampleRecord } from './support/fake-keybridge.js';
import { renderApp } from './support/render.js';

const failed = sampleRecord({
  id: 'fail-1',
  publicModel: 'claude-opus-4-1',
  account: 'my-bedrock',
  provider: 'bedrock',
  dialect: 'anthropic',
  status: 403,
  usage: undefined,
  costUsd: undefined,
  error: {
    status: 403,
    message: 'Bedrock: model access is not enabled',
    hint: 'Enable it under Model access.',
  },
  attempts: [
    {
      account: 'my-bedrock',
      provider: 'bedrock',
      upstreamModel: 'anthropic.claude-opus-4-1-v1:0',
      status: 403,
      latencyMs: 120,
      error: {
        status: 403,
        message: 'Bedrock: model access is not enabled for anthropic.claude-opus-4-1 in us-west-2',
        hint: 'Open the Bedrock console → Model access and enable it.',
      },
    },
  ],
});
const ok = sampleRecord({ id: 'ok-1', publicModel: 'claude-sonnet-4-5' });
const gemini = sampleRecord({
  id: 'ok-2',
  publicModel: 'gemini-2.5-pro',
  dialect: 'gemini',
  account: 'studio',
});

describe('live log', () => {
  it('lists records newest first with tokens and cost, and filters by status and client style', async () => {
    const user = userEvent.setup();
    renderApp('log', { log: [ok, failed, gemini] });
    await waitFor(() => expect(screen.getAllByTestId('log-row')).toHaveLength(3));
    const rows = screen.getAllByTestId('log-row');
    expect(within(rows[0]!).getByText('gemini-2.5-pro')).toBeTruthy();
    expect(within(rows[2]!).getByText('1200 / 340')).toBeTruthy();
    expect(within(rows[2]!).getByText('$0.0087')).toBeTruthy();

    await user.click(screen.getByRole('radio', { name: 'Errors' }));
    await waitFor(() => expect(screen.getAllByTestId('log-row')).toHaveLength(1));
    expect(screen.getByText('claude-opus-4-1')).toBeTruthy();

    await user.click(screen.getByRole('radio', { name: 'All' }));
    await user.click(screen.getByRole('radio', { name: 'Gemini' }));
    await waitFor(() => expect(screen.getAllByTestId('log-row')).toHaveLength(1));
    expect(screen.getByText('gemini-2.5-pro')).toBeTruthy();

    await user.click(screen.getByRole('radio', { name: 'All styles' }));
    await user.type(screen.getByLabelText('Search model, account, status…'), 'bedrock');
    await waitFor(() => expect(screen.getAllByTestId('log-row')).toHaveLength(1));
    expect(screen.getByText('1 of 3 requests')).toBeTruthy();
  });

  it('the detail drawer shows every attempt with the upstream error and hint', async () => {
    const user = userEvent.setup();
    renderApp('log', { log: [failed] });
    await user.click(await screen.findByText('claude-opus-4-1'));
    const drawer = await screen.findByRole('dialog');
    expect(
      within(drawer).getByText(/model access is not enabled for anthropic\.claude-opus-4-1 in us-west-2/),
    ).toBeTruthy();
    expect(within(drawer).getByText(/Open the Bedrock console → Model access and enable it\./)).toBeTruthy();
    expect(within(drawer).getByText('Attempts (1)')).toBeTruthy();
    expect(within(drawer).getByText(/Bodies are kept only when/)).toBeTruthy();
  });

  it('the detail drawer names the parameters the upstream could not take', async () => {
    const user = userEvent.setup();
    const dropped = sampleRecord({
      id: 'dropped-1',
      publicModel: 'claude-vertex',
      upstreamModel: 'claude-sonnet-4-5@20250929',
      droppedParams: ['seed', 'presence_penalty'],
    });
    renderApp('log', { log: [dropped] });
    await user.click(await screen.findByText('claude-vertex'));
    const box = within(await screen.findByRole('dialog')).getByTestId('dropped-params');
    expect(within(box).getByText('Left out of the request')).toBeTruthy();
    expect(within(box).getByText('claude-sonnet-4-5@20250929 does not take seed; not sent')).toBeTruthy();
    expect(
      within(box).getByText('claude-sonnet-4-5@20250929 does not take presence_penalty; not sent'),
    ).toBeTruthy();
  });

  it('the detail drawer shows nothing about dropped parameters when none were', async () => {
    const user = userEvent.setup();
    renderApp('log', { log: [ok] });
    await user.click(await screen.findByText('claude-sonnet-4-5'));
    const drawer = await screen.findByRole('dialog');
    expect(within(drawer).queryByTestId('dropped-params')).toBeNull();
  });

  it('the detail drawer shows what Claude’s prompt cache read, wrote and saved', async () => {
    const user = userEvent.setup();
    const cached = sampleRecord({
      id: 'cached-1',
      publicModel: 'claude-roleplay',
      usage: { inputTokens: 10_400, outputTokens: 120, cacheReadTokens: 10_100, cacheWriteTokens: 250 },
      cacheSavedUsd: 0.0271,
    });
    renderApp('log', { log: [cached] });
    await user.click(await screen.findByText('claude-roleplay'));
    const drawer = await screen.findByRole('dialog');
    expect(within(drawer).getByText('Prompt cache')).toBeTruthy();
    expect(within(drawer).getByText('10100 read, 250 written')).toBeTruthy();
    expect(within(drawer).getByText('Saved by caching')).toBeTruthy();
    expect(within(drawer).getByText('$0.03')).toBeTruthy();
  });

  it('new records appear live; pause holds them until resumed; clear empties the table', async () => {
    const user = userEvent.setup();
    const app = renderApp('log', { log: [ok] });
    await waitFor(() => expect(screen.getAllByTestId('log-row')).toHaveLength(1));
    act(() => app.emit('request.record', gemini));
    await waitFor(() => expect(screen.getAllByTestId('log-row')).toHaveLength(2));

    await user.click(screen.getByRole('button', { name: 'Pause' }));
    act(() => app.emit('request.record', failed));
    expect(screen.getAllByTestId('log-row')).toHaveLength(2);
    await user.click(screen.getByRole('button', { name: 'Resume (1 new)' }));
    await waitFor(() => expect(screen.getAllByTestId('log-row')).toHaveLength(3));

    await user.click(screen.getByRole('button', { name: 'Clear' }));
    await waitFor(() => expect(screen.queryAllByTestId('log-row')).toHaveLength(0));
    expect(app.state.log).toHaveLength(0);
  });

  it('renders only the rows in view when there are thousands', async () => {
    const many = Array.from({ length: 3000 }, (_, i) => sampleRecord({ id: `m${i}` }));
    renderApp('log', { log: many });
    await screen.findByText('3000 of 3000 requests');
    const rendered = screen.getAllByTestId('log-row').length;
    expect(rendered).toBeGreaterThan(10);
    expect(rendered).toBeLessThan(100);
  });

  it('Export as CSV asks main for the file and downloads it', async () => {
    const user = userEvent.setup();
    const created: Blob[] = [];
    const clicked: string[] = [];
    URL.createObjectURL = (b: Blob) => {
      created.push(b);
      return 'blob:keybridge-test';
    };
    URL.revokeObjectURL = () => {};
    const click = HTMLAnchorElement.prototype.click;
    HTMLAnchorElement.prototype.click = function (this: HTMLAnchorElement) {
      clicked.push(this.download);
    };
    try {
      const app = renderApp('log', { log: [ok] });
      await user.click(await screen.findByRole('button', { name: 'Export' }));
      await user.click(await screen.findByRole('menuitem', { name: 'As CSV (spreadsheet)', hidden: true }));
      await waitFor(() => expect(clicked).toEqual(['keybridge-log.csv']));
      expect(app.calls.filter(([m]) => m === 'log.export').map(([, i]) => i)).toEqual([{ format: 'csv' }]);
      expect(await created[0]!.text()).toContain('"publicModel":"claude-sonnet-4-5"');
    } finally {
      HTMLAnchorElement.prototype.click = click;
    }
  });

  it('filterRecords treats client aborts and upstream errors as errors', () => {
    const aborted = sampleRecord({ id: 'a', clientAborted: true });
    expect(filterRecords([ok, aborted, failed], { ...NO_FILTER, status: 'error' }).map((r) => r.id)).toEqual([
      'a',
      'fail-1',
    ]);
  });
});
