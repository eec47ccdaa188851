import type { SipResponse } from '../../sip/message/sip-message.js';
import { randomUUID } from 'node:crypto';
import type { AorConfig } from '../../config/pjsip-types.js';
import type { TextMessage } from '../../core/endpoints.js';
import { ClientAuth, type OutboundAuth } from '../../sip/auth/client-auth.js';
import { parseNameAddr } from '../../sip/message/header-values.js';
import { initialCSeq } from '../../sip/ua/dialog.js';
import { buildRequest, nameAddr, type RequestSpec, uriHost, withoutPort } from '../../sip/ua/message-builder.js';
import { resolveDialString } from './dial-string.js';
import type { PjsipContext } from './pjsip-context.js';
import type { ContactStore } from './registrar/contact-store.js';
import type { OptionsResult } from './registrar/qualify.js';

type Ctx = PjsipContext & { readonly store: ContactStore };

/** An out-of-dialog request to `uri` (a new Call-ID, From tag and CSeq each time). */
export function outOfDialog(
  ctx: Ctx,
  method: string,
  uri: string,
  fromUser: string,
  headers: ReadonlyArray<readonly [string, string]>,
  from?: string,
  body?: Buffer,
) {
  const dest = ctx.stack.resolve(uri);
  if (dest === undefined) return undefined;
  const local = ctx.stack.advertised(dest.transport);
  const parsedFrom = from === undefined || from === '' ? undefined : parseNameAddr(from);
  const tag = randomUUID();
  const fromAddr =
    parsedFrom?.ok === true
      ? { ...parsedFrom.value, params: [...parsedFrom.value.params, { name: 'tag', value: tag }], tag }
      : nameAddr(`sip:${from || fromUser}@${uriHost(local.host)}`, undefined, tag);
  const spec: RequestSpec = {
    method,
    uri,
    via: ctx.stack.newVia(dest.transport),
    from: fromAddr,
    to: nameAddr(withoutPort(uri)),
    callId: randomUUID(),
    cseq: initialCSeq(),
    headers: [...headers, ['User-Agent', ctx.stack.userAgent]],
    ...(body === undefined ? {} : { body, contentType: 'text/plain' }),
  };
  return { req: buildRequest(spec), spec, dest };
}

/**
 * Qualify (sip-reference §4.9): OPTIONS to the contact, From user = the endpoint's from_user or its name. Any
 * response counts; the qualifier applies qualify_timeout itself.
 */
export function sendOptions(ctx: Ctx, uri: string, aor: AorConfig): Promise<OptionsResult> {
  const ep = [...ctx.config.endpoints.values()].find((e) => e.aors.includes(aor.name));
  const built = outOfDialog(ctx, 'OPTIONS', uri, ep?.fromUser || ep?.name || ctx.config.global.defaultFromUser, [
    ['Accept', 'application/sdp'],
  ]);
  if (built === undefined) return Promise.resolve('error');
  return new Promise((resolve) => {
    ctx.stack.request(built.req, built.dest, {
      onResponse: (res) => {
        if (res.status >= 200) resolve({ status: res.status });
      },
      onTimeout: () => resolve('timeout'),
      onTransportError: () => resolve('error'),
    });
  });
}

/**
 * `PUT /endpoints/sendMessage` (sip-reference §4.11): `to` is `<endpoint>` (its contact), `<endpoint>/sip:…`, or a
 * bare `sip:` URI through default_outbound_endpoint; the message goes as MESSAGE text/plain, From = the `from`
 * parameter, variables as extra headers. Unroutable → "Endpoint not found".
 */
export function sendMessage(ctx: Ctx, to: string, message: TextMessage): { error: string } | undefined {
  const target = resolveDialString(ctx, to);
  if ('error' in target) return { error: 'Endpoint not found' };
  const headers = Object.entries(message.variables ?? {}).filter(([name]) => /^[A-Za-z0-9!%*_+`'~.-]+$/.test(name));
  const fromUser = target.endpoint.fromUser || ctx.config.global.defaultFromUser;
  const built = outOfDialog(ctx, 'MESSAGE', target.uri, fromUser, headers, message.from, Buffer.from(message.body));
  if (built === undefined) return { error: 'Endpoint not found' };
  sendAuthenticated(ctx, built, ctx.outboundAuths(target.endpoint));
  return undefined;
}

/**
 * Sends an out-of-dialog request; a 401/407 is answered once with the endpoint's outbound_auth (same Call-ID and
 * From tag, CSeq + 1, a new branch), as pjsip does for the MESSAGEs it sends.
 */
export function sendAuthenticated(
  ctx: Ctx,
  built: NonNullable<ReturnType<typeof outOfDialog>>,
  auths: readonly OutboundAuth[],
  /** A 2xx to the request (or to its authenticated retry). */
  onSuccess?: (res: SipResponse) => void,
): void {
  const { spec, dest } = built;
  const client = auths.length === 0 ? undefined : new ClientAuth(auths);
  const send = (req: ReturnType<typeof buildRequest>, isRetry: boolean): void => {
    ctx.stack.request(req, dest, {
      onResponse: (res) => {
        if (res.status >= 200 && res.status < 300) return onSuccess?.(res);
        if (isRetry || client === undefined || (res.status !== 401 && res.status !== 407)) return;
        const values = res.headerLines(res.status === 401 ? 'www-authenticate' : 'proxy-authenticate');
        const answer = client.answer(res.status, values, { method: spec.method, uri: spec.uri, body: spec.body });
        if (!answer.ok) return;
        const retry = buildRequest({
          ...spec,
          via: ctx.stack.newVia(dest.transport),
          cseq: spec.cseq + 1,
          headers: [...(spec.headers ?? []), ...answer.headers.map((h): [string, string] => [h.name, h.value])],
        });
        send(retry, true);
      },
      onTimeout: () => {},
    });
  };
  send(built.req, false);
}
