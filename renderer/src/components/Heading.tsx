/**
 * The window's headings: a title with its help line under it, dimmed. A screen's heading (order
 * 2) or a section's (order 4); HeadedCard is a bordered card opening with one.
 */
import { Text, Title, type TitleOrder } from '@mantine/core';
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
