import { render } from '@testing-library/react';
import { Root } from '../../../renderer/src/Root.js';
import { createFakeKeybridge, type FakeKeybridge, type FakeState } from './fake-keybridge.js';

/** Renders the whole window on `screen` (hash route) against a fake API. */
export function renderApp(
  screen: string,
  init: Partial<FakeState> = {},
  osLanguage = 'en-US',
): FakeKeybridge & { view: ReturnType<typeof render> } {
  window.location.hash = `#/${screen}`;
  const fake = createFakeKeybridge(init);
  const view = render(<Root api={fake.api} osLanguage={osLanguage} />);
  return { ...fake, view };
}
