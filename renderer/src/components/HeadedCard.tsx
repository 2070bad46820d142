import { Paper } from '@mantine/core';
import type { ReactNode } from 'react';
import { Heading } from './Heading.js';

/** A bordered card opening with a section heading: a block of settings, a form. */
export function HeadedCard({
  title,
  help,
  id,
  testId,
  children,
}: {
  title: ReactNode;
  help: ReactNode;
  id?: string;
  testId?: string;
  children: ReactNode;
}) {
  return (
    <Paper withBorder p="md" {...(id ? { id } : {})} {...(testId ? { 'data-testid': testId } : {})}>
      <Heading order={4} title={title} help={help} inCard />
      {children}
    </Paper>
  );
}
