/*
 * The description files that come with Asterisk's sound packages (`core-sounds-en.txt`, `extra-sounds-en.txt`) and
 * that main/media_index.c reads: every `.txt` file in a language folder, one `id: text` entry per line, where
 *   - a line starting with `;` is a comment;
 *   - trailing blanks are dropped, the blanks after the first `:` too;
 *   - a line without `:` continues the previous entry's text on a new line;
 *   - an entry whose text ends up empty is not kept.
 * ARI shows these texts as Sound.text (from the `en` language only, whatever the query's language).
 */

const COMMENT = ';';

/** Parses a description file into id → text (later entries for one id replace earlier ones). */
export function parseSoundDescriptions(content: string): Map<string, string> {
  const texts = new Map<string, string>();
  let id: string | undefined;
  let text = '';
  const keep = (): void => {
    if (id !== undefined && text !== '') texts.set(id, text);
  };
  const lines = content.split('\n');
  if (lines.at(-1) === '') lines.pop(); // the newline ending the last line starts no new one
  for (const raw of lines) {
    if (raw.startsWith(COMMENT)) continue;
    const line = raw.trimEnd();
    const colon = line.indexOf(':');
    if (colon < 0) {
      if (id !== undefined) text += `\n${line}`;
      continue;
    }
    keep();
    id = line.slice(0, colon);
    text = line.slice(colon + 1).trimStart();
  }
  keep();
  return texts;
}
