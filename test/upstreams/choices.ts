/**
 * Several answers from one-answer captures, for mocks asked for `n` / `candidateCount`: answer 0
 * is the capture as is; answer i > 0 is the same with "(i) " before its first text, so a test can
 * tell the answers apart and say exactly what each must read.
 */
export const choiceMark = (i: number): string => (i === 0 ? '' : `(${i}) `);

/** The text answer i reads, given the capture's text. */
export const choiceText = (i: number, text: string): string => `${choiceMark(i)}${text}`;

/** Marks the first non-empty text of each answer across a stream's chunks (stateful per answer). */
export class FirstTextMarker {
  private readonly done = new Set<number>();
  mark(i: number, text: string): string {
    if (i === 0 || this.done.has(i) || text === '') return text;
    this.done.add(i);
    return choiceText(i, text);
  }
}

type Json = Record<string, unknown>;

/** A Gemini response (or stream chunk) with one candidate → the same with `n` candidates. */
export function geminiCandidates(res: Json, n: number, marker: FirstTextMarker): Json {
  const [first] = (res.candidates as Json[] | undefined) ?? [];
  if (!first || n <= 1) return res;
  const candidates = Array.from({ length: n }, (_, i) => {
    const content = first.content as { role?: string; parts?: Json[] } | undefined;
    const parts = (content?.parts ?? []).map((p) =>
      typeof p.text === 'string' && p.thought !== true ? { ...p, text: marker.mark(i, p.text) } : p,
    );
    return { ...first, ...(content ? { content: { ...content, parts } } : {}), index: i };
  });
  return { ...res, candidates };
}

/** Gemini's generationConfig.candidateCount of a request body (1 when absent). */
export function candidateCountOf(body: Json): number {
  const gc = body.generationConfig as { candidateCount?: unknown } | undefined;
  return typeof gc?.candidateCount === 'number' ? gc.candidateCount : 1;
}
