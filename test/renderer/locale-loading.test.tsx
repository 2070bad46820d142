// @vitest-environment jsdom
import './support/dom.js';
import { screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import * as i18nModule from '../../renderer/src/i18n/index.js';
import { renderApp } from './support/render.js';

/**
 * The window downloads only the language it shows (each locale is its own chunk), before its first
 * render; a texts chunk that cannot be fetched is said plainly instead of a blank window.
 */
describe('loading the window’s texts', () => {
  afterEach(() => vi.restoreAllMocks());

  it('fetches only the language shown, and shows no untranslated key meanwhile', async () => {
    const load = vi.spyOn(i18nModule, 'loadTranslation');
    renderApp('usage');
    // Nothing at all until the texts are there: never a raw key such as "nav.usage".
    expect(document.body.textContent).not.toMatch(/nav\.\w+/);
    expect(await screen.findByRole('heading', { name: 'Usage' })).toBeTruthy();
    expect(load.mock.calls.map((c) => c[0])).toEqual(['en']);
  });

  it('fetches the saved language’s texts when it differs from the OS, then shows it', async () => {
    const app = renderApp('usage');
    await screen.findByRole('heading', { name: 'Usage' });
    app.state.settings.language = 'zh-CN';
    // The saved choice arrives the way it does after a restart: a fresh window.
    app.view.unmount();
    renderApp('usage', { settings: app.state.settings });
    expect(await screen.findByRole('heading', { name: '用量' })).toBeTruthy();
    expect(document.documentElement.lang).toBe('zh-CN');
  });

  it('says so in both languages when the texts cannot be fetched', async () => {
    vi.spyOn(i18nModule, 'loadTranslation').mockRejectedValue(new Error('chunk missing'));
    renderApp('usage');
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toMatch(/could not load the window’s texts/);
    expect(alert.textContent).toMatch(/无法加载窗口文字/);
  });
});
