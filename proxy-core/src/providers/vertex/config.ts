import { z } from 'zod';
import { accountBase } from '../../config/account-base.js';
import { parseServiceAccount } from './service-account.js';

/**
 * A Vertex AI account: a service-account key (pasted JSON text, the parsed object, or a path
 * to the downloaded .json file) and a region. Paths are resolved against the config's folder.
 */
export const vertexAccountSchema = accountBase
  .extend({
    provider: z.literal('vertex'),
    /** The service-account key: the JSON text as downloaded, or that JSON as an object. */
    serviceAccount: z.union([z.string(), z.record(z.string(), z.unknown())]).optional(),
    /** Path to the downloaded service-account .json file (instead of `serviceAccount`). */
    serviceAccountFile: z.string().trim().min(1).optional(),
    /** `global`, a region such as `us-east5`, or a multi-region (`us`, `eu`). */
    region: z
      .string()
      .trim()
      .toLowerCase()
      .regex(/^[a-z][a-z0-9-]*[a-z0-9]$/, 'must be a region such as global, us-east5, europe-west1, us or eu')
      .default('global'),
    /** Google Cloud project to use instead of the key file's project_id. */
    projectId: z.string().trim().min(1).optional(),
  })
  .superRefine((acc, ctx) => {
    if (acc.serviceAccount === undefined && acc.serviceAccountFile === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['serviceAccount'],
        message: 'is required: paste the service-account JSON key, or set serviceAccountFile to its path',
      });
      return;
    }
    if (acc.serviceAccount !== undefined && acc.serviceAccountFile !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['serviceAccountFile'],
        message: 'give either serviceAccount or serviceAccountFile, not both',
      });
      return;
    }
    if (acc.serviceAccount !== undefined) {
      const parsed = parseServiceAccount(acc.serviceAccount, { projectId: acc.projectId });
      if (!parsed.ok) {
        ctx.addIssue({
          code: 'custom',
          path: ['serviceAccount'],
          message: parsed.error.userMessage,
          params: { messageRef: parsed.error.messageRef, hintRef: parsed.error.hintRef },
        });
      }
    }
  });
export type VertexAccount = z.infer<typeof vertexAccountSchema>;
