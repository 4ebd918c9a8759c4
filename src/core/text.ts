/**
 * Text from files and databases shown on a terminal. A name imported from a hospital's CSV can
 * hold escape sequences (ESC [ …) that recolour, retitle or rewrite the operator's terminal, or
 * bidirectional overrides that show text in another order than it is stored; an argument can be
 * 100,000 characters long. Everything printed for people goes through these, JSON excepted (it
 * escapes control characters itself).
 */

/**
 * C0 controls, DEL, C1 controls (U+0080–U+009F: 0x9B is a one-character CSI to some terminals),
 * line and paragraph separators, and the bidirectional marks, embeddings, overrides and isolates.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
const CONTROLS = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** `text` with each control character written as a visible escape: `\n`, `\x1b`, `\u202e`. */
export function escapeControls(text: string): string {
  CONTROLS.lastIndex = 0;
  if (!CONTROLS.test(text)) return text;
  return text.replace(CONTROLS, (c) => {
    const named = NAMED[c];
    if (named) return named;
    const code = c.charCodeAt(0);
    return code < 0x100
      ? `\\x${code.toString(16).padStart(2, '0')}`
      : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/** At most `max` characters of `text` (escaped), then `…` and the full length when cut. */
export function clip(text: string, max = 100): string {
  if (text.length <= max) return escapeControls(text);
  return `${escapeControls(text.slice(0, max))}… (${text.length} characters)`;
}
