import { type FetchMedia, inlineRemoteMedia } from '../canonical/inline-images.js';
import { type ReasoningCache, rememberReasoning, restoreReasoning } from '../canonical/reasoning-cache.js';
import type { PipelineHooks } from './pipeline-types.js';

/**
 * The default steps around conversion: restore dropped thinking signatures, and inline the image
 * links the wire's upstreams cannot fetch themselves (its codec's `mediaLinks`).
 */
export function defaultHooks(reasoning: ReasoningCache, fetchMedia: FetchMedia): PipelineHooks {
  return {
    async beforeEncode(req, _wire, signal, { codec }) {
      const restored = restoreReasoning(reasoning, req);
      const links = codec.mediaLinks;
      if (links === 'all') return restored;
      return inlineRemoteMedia(restored, fetchMedia, { signal, keep: links ?? (() => false) });
    },
    onResponse: (res) => rememberReasoning(reasoning, res),
  };
}
