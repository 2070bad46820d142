/** Messages the dev host and the browser shim exchange over the WebSocket (JSON text frames). */
import { z } from 'zod';

export { TOKEN_PARAM, WS_PATH } from './ws-paths.js';

export const clientMessageSchema = z.object({
  t: z.literal('call'),
  id: z.number().int().nonnegative(),
  method: z.string().max(100),
  input: z.unknown().optional(),
});
export type ClientMessage = z.infer<typeof clientMessageSchema>;

export type ServerMessage =
  | { t: 'hello'; methods: string[]; events: string[] }
  | { t: 'result'; id: number; result: unknown }
  | { t: 'event'; event: string; payload: unknown };
