/** Caller or connected-line identity: the CallerID model ({name, number}). */
export interface PartyId {
  name: string;
  number: string;
}

export function emptyParty(): PartyId {
  return { name: '', number: '' };
}

/**
 * Parse a caller id string as Asterisk's `ast_callerid_parse` does: `"Name" <number>`, `Name <number>`,
 * `<number>`, a bare number (digits and dial characters) or a bare name.
 */
export function parseCallerId(text: string): PartyId {
  const trimmed = text.trim();
  const lt = trimmed.lastIndexOf('<');
  const gt = trimmed.lastIndexOf('>');
  if (lt !== -1 && gt > lt) {
    let name = trimmed.slice(0, lt).trim();
    if (name.length >= 2 && name.startsWith('"') && name.endsWith('"')) name = name.slice(1, -1);
    return { name, number: trimmed.slice(lt + 1, gt).trim() };
  }
  let unquoted = trimmed;
  if (unquoted.length >= 2 && unquoted.startsWith('"') && unquoted.endsWith('"')) {
    return { name: unquoted.slice(1, -1), number: '' };
  }
  unquoted = unquoted.replace(/[\s()-]/g, '');
  if (/^[+0-9*#A-Da-d]+$/.test(unquoted)) return { name: '', number: unquoted };
  return { name: trimmed, number: '' };
}
