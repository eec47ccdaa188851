/**
 * The part of sdp-transform's parse() output that Switchyard reads (the package ships no types). Fields are
 * optional and loosely typed because the parser only fills what a line's regular expression matched, and turns
 * a value into a number only when that is lossless (`String(Number(v)) === v`).
 */
declare module 'sdp-transform' {
  export interface ParsedRtpMap {
    payload?: number | string;
    codec?: string;
    rate?: number | string;
    encoding?: number | string;
  }
  export interface ParsedFmtp {
    payload?: number | string;
    config?: string;
  }
  export interface ParsedConnection {
    version?: number | string;
    ip?: string;
  }
  export interface ParsedMedia {
    type?: string;
    port?: number | string;
    protocol?: string;
    payloads?: number | string;
    connection?: ParsedConnection;
    rtp: ParsedRtpMap[];
    fmtp: ParsedFmtp[];
    rtcp?: { port?: number | string };
    ptime?: number | string;
    direction?: string;
  }
  export interface ParsedSession {
    version?: number | string;
    origin?: {
      username?: number | string;
      sessionId?: number | string;
      sessionVersion?: number | string;
      netType?: string;
      ipVer?: number | string;
      address?: string;
    };
    connection?: ParsedConnection;
    direction?: string;
    media: ParsedMedia[];
  }
  export function parse(sdp: string): ParsedSession;
}
