// @vitest-environment jsdom
import './support/dom.js';
import { act, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { renderApp } from './support/render.js';

/** The window on `screen` with one shared key (with limits and use) and one limit set. */
function renderWithKeys(screenName: string, osLanguage?: string) {
  const app = renderApp(screenName, {}, osLanguage);
  const counts = { requests: 3, tokens: 1200, costUsd: 0.02 };
  app.override('share.list', () => ({
    keys: [
      {
        name: 'Alice',
        limits: { dailyUsd: 2, monthlyTokens: 500000 },
        createdAt: '2026-11-30T10:00:00.000Z',
        hint: 'x7Q2',
        usable: true,
        usage: { total: counts, today: counts, month: counts },
      },
    ],
    address: { lan: false, baseUrl: 'http://127.0.0.1:5731/v1', noLanAddress: false },
    running: true,
  }));
  app.override('models.public', () => []);
  app.override('limits.get', () => ({ global: { dailyUsd: 5 }, accounts: [] }));
  return app;
}

/**
 * The texts of the Share screen and of spend limits are not in the first screen's texts chunk: they
 * load with the screens that show them. Opening such a screen, or switching language on it, never
 * shows a raw key meanwhile (such as "share.title" or "limits.field.dailyUsd").
 */
const KEY = /\b(share|limits)\.[a-zA-Z]\w*(\.\w+)*/;

let seen: string[];
let observer: MutationObserver;

beforeEach(() => {
  seen = [];
  observer = new MutationObserver(() => {
    const text = document.body.textContent ?? '';
    const m = KEY.exec(text);
    if (m) seen.push(m[0]);
    for (const el of document.querySelectorAll('[aria-label],[placeholder]')) {
      for (const a of ['aria-label', 'placeholder']) {
        const k = KEY.exec(el.getAttribute(a) ?? '');
        if (k) seen.push(k[0]);
      }
    }
  });
  observer.observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
});

afterEach(() => observer.disconnect());

/**
 * A screen's first import of a locale part goes through the build's splitting plugin; with the
 * whole suite running in parallel on two cores that has taken more than the usual 5 s.
 */
const SLOW = { timeout: 15_000 };

describe('texts that load with their screens', () => {
  it('opening Share shows its texts and the limit fields at once, in English', async () => {
    renderWithKeys('share');
    expect(await screen.findByRole('heading', { name: 'Share with a friend' }, SLOW)).toBeTruthy();
    expect(await screen.findByLabelText('Per day ($)', undefined, SLOW)).toBeTruthy();
    expect(await screen.findByText('$2.00 a day · 500,000 tokens a month', undefined, SLOW)).toBeTruthy();
    expect(seen).toEqual([]);
  }, 30_000);

  it('opening Share on a Chinese system shows it in Chinese', async () => {
    const app = renderWithKeys('share', 'zh-CN');
    app.state.settings.language = 'system';
    expect(await screen.findByRole('heading', { name: '分享给朋友' }, SLOW)).toBeTruthy();
    expect(await screen.findByLabelText('每日（美元）', undefined, SLOW)).toBeTruthy();
    expect(await screen.findByText('每天 $2.00 · 每月 500,000 个令牌', undefined, SLOW)).toBeTruthy();
    expect(seen).toEqual([]);
  }, 30_000);

  it('switching language while on Share shows the screen in the new language, never a key', async () => {
    const app = renderWithKeys('share');
    await screen.findByRole('heading', { name: 'Share with a friend' }, SLOW);
    await screen.findByLabelText('Per day ($)', undefined, SLOW);
    app.state.settings.language = 'zh-CN';
    act(() => app.emit('settings.changed', { ...app.state.settings }));
    expect(await screen.findByRole('heading', { name: '分享给朋友' }, SLOW)).toBeTruthy();
    expect(await screen.findByLabelText('每日（美元）', undefined, SLOW)).toBeTruthy();
    expect(screen.queryByRole('heading', { name: 'Share with a friend' })).toBeNull();
    expect(seen).toEqual([]);
  }, 30_000);

  it('the Settings screen shows its limits section, and keeps it when switching language', async () => {
    const app = renderWithKeys('settings');
    expect(await screen.findByRole('heading', { name: 'Limits' }, SLOW)).toBeTruthy();
    app.state.settings.language = 'zh-CN';
    act(() => app.emit('settings.changed', { ...app.state.settings }));
    expect(await screen.findByRole('heading', { name: '限额' }, SLOW)).toBeTruthy();
    expect(seen).toEqual([]);
  }, 30_000);
});
