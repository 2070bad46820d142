import { Badge, Button, CopyButton, Group } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { ProxyStatusView } from '../../../app/contract/index.js';
import { useApi } from '../api/context.js';
import { useAction } from '../api/hooks.js';
import { useMessage } from '../i18n/messages.js';

const COLORS: Record<ProxyStatusView['state'], string> = {
  running: 'green',
  starting: 'yellow',
  stopping: 'yellow',
  stopped: 'gray',
  error: 'red',
};

/**
 * Header status: state badge (the error or the address as the browser's own tooltip: Mantine's
 * Tooltip would bring floating-ui into the first screen; the error is also an alert above every
 * screen and the address sits under the navigation), endpoint copy, start/stop.
 */
export function StatusControl({
  status,
  onStatus,
}: {
  status: ProxyStatusView | undefined;
  onStatus: (s: ProxyStatusView) => void;
}) {
  const { t } = useTranslation();
  const msg = useMessage();
  const api = useApi();
  const toggle = useAction(() => (status?.state === 'running' ? api.proxy.stop() : api.proxy.start()));
  if (!status) return null;
  const busy = status.state === 'starting' || status.state === 'stopping';
  return (
    <Group gap="xs" wrap="nowrap">
      <Badge
        color={COLORS[status.state]}
        variant="dot"
        size="lg"
        data-testid="proxy-status"
        title={
          status.error
            ? `${msg(status.error, status.errorRef)}${status.hint ? ` — ${msg(status.hint, status.hintRef)}` : ''}`
            : (status.url ?? undefined)
        }
      >
        {t(`status.${status.state}`)}
      </Badge>
      {status.url && (
        <CopyButton value={status.url}>
          {({ copied, copy }) => (
            <Button size="compact-sm" variant="subtle" onClick={copy} visibleFrom="xs">
              {copied ? t('common.copied') : t('status.copyEndpoint')}
            </Button>
          )}
        </CopyButton>
      )}
      <Button
        size="compact-sm"
        variant="light"
        color={status.state === 'running' ? 'gray' : 'green'}
        loading={toggle.pending || busy}
        onClick={async () => {
          const r = await toggle.run();
          if (r.ok) onStatus(r.value);
        }}
      >
        {status.state === 'running' ? t('status.stop') : t('status.start')}
      </Button>
    </Group>
  );
}
