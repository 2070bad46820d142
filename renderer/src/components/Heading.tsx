/**
 * The window's headings: a title with its help line under it, dimmed. A screen's heading (order
 * 2), a section's (order 4), and a bordered card opening with one (a block of settings, a form).
 */
import { Paper, Text, Title, type TitleOrder } from '@mantine/core';
import type { ReactNode } from 'react';

export function Heading({
  title,
  help,
  order = 2,
  inCard = false,
}: {
  title: ReactNode;
  help: ReactNode;
  order?: TitleOrder;
  /** In a card (not a Stack, which spaces them): the small gaps under each are its own. */
  inCard?: boolean;
}) {
  return (
    <>
      <Title order={order} {...(inCard ? { mb: 4 } : {})}>
        {title}
      </Title>
      <Text size="sm" c="dimmed" {...(inCard ? { mb: 'sm' } : {})}>
        {help}
      </Text>
    </>
  );
}

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
