// Request and answer bodies shared by the bench client and the bench mock.

const SENTENCES = [
  'The tavern door creaked open and a cold wind swept across the floorboards.',
  '"You\'re late," said Mira, without looking up from the map spread across the table.',
  'Rain drummed on the shutters; somewhere a dog barked twice and fell silent.',
  'He set down his pack — heavier than it looked — and pulled out a chair.',
  'The candle guttered, throwing long shadows over the ink-stained parchment.',
  '“We leave at dawn,” she said. “The pass will be closed by the first snow.”',
  'Outside, the bells of the old chapel rang the hour: nine, then ten.',
  'Café owners along the quay were stacking chairs, their breath white in the air.',
];

/** Role-play prose of about `bytes` bytes (quotes, dashes, non-ASCII, paragraphs), deterministic. */
export function answerText(bytes) {
  let out = '';
  let i = 0;
  while (Buffer.byteLength(out) < bytes) {
    out += SENTENCES[i % SENTENCES.length];
    out += i % 5 === 4 ? '\n\n' : ' ';
    i++;
  }
  return out;
}

/** The SillyTavern-like conversation the short requests carry: a character as the system prompt, a few turns. */
const SYSTEM_PROMPT = 'You are Mira, a ranger guiding travellers through the northern pass.';
const TURNS = [
  { role: 'user', content: 'We made it to the tavern. What now?' },
  { role: 'assistant', content: 'Mira unrolls the map. "Rest. Tomorrow we climb."' },
  { role: 'user', content: 'How long until the snow closes the pass?' },
];

/** The conversation as an OpenAI chat request (the system prompt as the first message). */
export function openaiChatBody(model, { stream = false, maxTokens = 1000 } = {}) {
  const messages = [{ role: 'system', content: SYSTEM_PROMPT }, ...TURNS];
  return { model, messages, max_tokens: maxTokens, temperature: 0.9, stream };
}

/** The same conversation as an Anthropic Messages request. */
export function anthropicMessagesBody(model, { stream = false, maxTokens = 1000 } = {}) {
  return { model, system: SYSTEM_PROMPT, messages: TURNS, max_tokens: maxTokens, temperature: 0.9, stream };
}

/**
 * A long SillyTavern chat as an OpenAI request: a character card as the system prompt and 100
 * exchanges of role-play prose (about 130 KB), the size a chat reaches after an evening.
 */
export function longOpenaiChatBody(model, { stream = false, maxTokens = 1000 } = {}) {
  const messages = [{ role: 'system', content: answerText(3000) }];
  for (let i = 0; i < 100; i++) {
    messages.push({ role: 'user', content: `${i}. ${answerText(300)}` });
    messages.push({ role: 'assistant', content: `${i}. ${answerText(900)}` });
  }
  messages.push({ role: 'user', content: 'How long until the snow closes the pass?' });
  return { model, messages, max_tokens: maxTokens, temperature: 0.9, stream };
}
