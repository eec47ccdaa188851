/**
 * HTTP byte ranges (RFC 9110 §14) on raw bodies (a stored recording's file): a single satisfiable range of a
 * GET answered 200 becomes 206 Partial Content with Content-Range; an unsatisfiable one 416 with a Content-Range
 * that names only the size. Anything else (no Range, several ranges, another unit, a syntax error, an
 * If-Range we cannot validate) gets the whole body, which §14.2 allows. Asterisk itself ignores Range.
 */
import { errorResponse } from './responses.js';
import type { AriResponse } from './types.js';

/** One range resolved against the body's size: inclusive bounds, or unsatisfiable. */
export type ByteRange = { readonly start: number; readonly end: number } | 'unsatisfiable';

const SINGLE_RANGE = /^bytes[ \t]*=[ \t]*(\d*)[ \t]*-[ \t]*(\d*)[ \t]*$/i;

/**
 * Parses a Range header of one `bytes` range against a body of `size` bytes (§14.1.2): `first-last`,
 * `first-` or `-suffix`. Undefined when the header is to be ignored.
 */
export function parseByteRange(header: string, size: number): ByteRange | undefined {
  const m = SINGLE_RANGE.exec(header);
  if (!m) return undefined;
  const [, first = '', last = ''] = m;
  if (first === '' && last === '') return undefined;
  if (first === '') {
    const suffix = Number(last);
    if (suffix === 0 || size === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(first);
  if (last !== '' && Number(last) < start) return undefined; // an invalid range-spec: ignored
  if (start >= size) return 'unsatisfiable';
  return { start, end: last === '' ? size - 1 : Math.min(Number(last), size - 1) };
}

/** The response with the request's Range applied (see the file comment). */
export function withByteRange(
  res: AriResponse,
  method: string,
  headers: Readonly<Record<string, string | undefined>>,
): AriResponse {
  const raw = res.raw;
  if (raw === undefined || res.status !== 200) return res;
  const accept: [string, string] = ['Accept-Ranges', 'bytes'];
  const range = headers['range'];
  if (method !== 'GET' || range === undefined || headers['if-range'] !== undefined) {
    return { ...res, headers: [...res.headers, accept] };
  }
  const size = raw.data.length;
  const parsed = parseByteRange(range, size);
  if (parsed === undefined) return { ...res, headers: [...res.headers, accept] };
  if (parsed === 'unsatisfiable') {
    const refused = errorResponse(416, 'Requested range not satisfiable', 'Range Not Satisfiable');
    return { ...refused, headers: [...res.headers, ['Content-Range', `bytes */${size}`]] };
  }
  const { start, end } = parsed;
  return {
    status: 206,
    reason: 'Partial Content',
    headers: [...res.headers, accept, ['Content-Range', `bytes ${start}-${end}/${size}`]],
    raw: { contentType: raw.contentType, data: raw.data.subarray(start, end + 1) },
  };
}
