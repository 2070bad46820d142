import { Button, type ButtonProps } from '@mantine/core';
import type { ReactNode } from 'react';
import type { Action } from '../api/hooks.js';

/**
 * A button that makes a call (a useAction): it spins while the call runs, and `onDone` gets what a
 * successful call answers. A failure is left in the action's result, for the screen to show.
 */
export function ActionButton<A extends unknown[], T>({
  action,
  args,
  onDone,
  children,
  testId,
  ...button
}: Omit<ButtonProps, 'loading'> & {
  action: Action<A, T>;
  /** What the call is made with (none by default). */
  args?: A;
  onDone?: (value: T) => void;
  children: ReactNode;
  testId?: string;
}) {
  return (
    <Button
      {...button}
      loading={action.pending}
      onClick={async () => {
        const r = await action.run(...((args ?? []) as A));
        if (r.ok) onDone?.(r.value);
      }}
      {...(testId ? { 'data-testid': testId } : {})}
    >
      {children}
    </Button>
  );
}
