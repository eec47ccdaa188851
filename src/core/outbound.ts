import type { Channel } from './channel/channel.js';
import type { Core } from './core.js';
import { CoreError } from './errors.js';
import type { ChannelRequest } from './ports.js';

/** `Tech/resource` split at the first slash; undefined when either part is missing. */
export function parseEndpoint(endpoint: string): { tech: string; resource: string } | undefined {
  const slash = endpoint.indexOf('/');
  if (slash <= 0 || slash === endpoint.length - 1) return undefined;
  return { tech: endpoint.slice(0, slash), resource: endpoint.slice(slash + 1) };
}

/**
 * Make an outbound channel for `Tech/resource` (Asterisk `ast_request`): 400 for a malformed endpoint,
 * 409 for ids in use, and — as Asterisk 22 does for an unknown technology — 500 "Allocation failed".
 */
export function requestChannel(core: Core, endpoint: string, request: ChannelRequest): Channel {
  const parsed = parseEndpoint(endpoint);
  if (!parsed) throw new CoreError('INVALID_ENDPOINT', 'Invalid endpoint specified');
  const driver = core.driver(parsed.tech);
  // Ids are checked when a channel is allocated, after the technology is found: an unknown one is 500 even for
  // an id in use. A driver of two channels (Local) names both ids, checked together; any other driver's
  // allocation checks the id and the second id it was handed against the live channels (do_ids_conflict),
  // though it uses only the first.
  if (!driver) throw new CoreError('REQUEST_FAILED', 'Allocation failed');
  if (driver.idsFor) core.channels.assertIdsFree(driver.idsFor(request));
  else for (const id of [request.id, request.otherId]) if (id) core.channels.assertIdsFree([id]);
  // Over a limit the request fails as a failed allocation does (admission.ts): the 500 Asterisk answers then.
  if (core.admission.refusal() !== undefined) {
    throw new CoreError('REQUEST_FAILED', 'Allocation failed', ADMISSION_REFUSAL_HOLD_MS);
  }
  const made = driver.request(parsed.resource, request);
  if ('error' in made) throw new CoreError('REQUEST_FAILED', 'Allocation failed');
  return made;
}

/**
 * How long a request refused for overload waits for its 500. A client looping on originate would otherwise be
 * refused as fast as it can ask, and that loop alone keeps the server busy; held, 500 requests in flight cost
 * 500 / 0.2 s = 2 500 refusals a second, and the server still answers everyone else at once.
 */
const ADMISSION_REFUSAL_HOLD_MS = 200;

/** Requests a driver finishes after `request` returned (a DNS lookup, a socket to bind), by channel. */
const completions = new WeakMap<Channel, Promise<boolean>>();

/**
 * A driver whose channel is not usable until something asynchronous is done (Asterisk's requesters block on
 * DNS and bind before they return) hands its outcome over here; on failure the driver destroys the channel.
 */
export function completeRequestLater(channel: Channel, done: Promise<boolean>): void {
  completions.set(channel, done);
}

/** The outcome of a request its driver is still completing, if there is one. */
export function pendingRequest(channel: Channel): Promise<boolean> | undefined {
  return completions.get(channel);
}

/**
 * Whether a requested channel is now what Asterisk's synchronous `ast_request` would have returned: the driver's
 * own completion when it registered one, else the media the driver opened during the request (bound, or
 * connected); false when that failed or the channel is gone. A channel without media yet is complete as it is.
 */
export async function whenRequested(channel: Channel): Promise<boolean> {
  const done = completions.get(channel);
  let ok = true;
  if (done !== undefined) ok = await done;
  else if (channel.hasMedia) ok = (await channel.media!.ready).ok;
  return ok && !channel.isDestroyed;
}

/**
 * The DIALSTATUS of a call that failed with `cause` (app_dial's handle_cause): busy, congestion and
 * unreachable have their own; every other cause, normal clearing included, is NOANSWER (sip-reference §2.2).
 */
function statusForCause(cause: number): DialStatus {
  if (cause === 17) return 'BUSY';
  if (cause === 34) return 'CONGESTION';
  if (cause === 3 || cause === 20) return 'CHANUNAVAIL';
  return 'NOANSWER';
}

export type DialStatus = 'ANSWER' | 'BUSY' | 'CONGESTION' | 'NOANSWER' | 'CHANUNAVAIL' | 'CANCEL' | 'TIMEOUT';

/** Publish a Dial event (members in Asterisk's order: dialstatus, forward, dialstring, peer). */
export function publishDial(core: Core, peer: Channel, status: string, dialstring: string, caller?: Channel): void {
  core.bus.publish(
    'Dial',
    {
      caller: caller?.snapshot(),
      dialstatus: status,
      forward: '',
      dialstring,
      peer: peer.snapshot(),
    },
    { channels: caller ? [caller, peer] : [peer] },
  );
}

/**
 * Call an outbound channel and wait for the outcome (dial.c / ast_call + wait_for_answer): ringing and
 * answer move its state and raise Dial events; a hangup before answer is NOANSWER; the timer expiring is
 * TIMEOUT with cause 19 set and nothing published. The caller decides what to do with a failed channel.
 */
export function dialChannel(
  core: Core,
  channel: Channel,
  timeoutMs: number,
  dialstring: string,
  caller?: Channel,
  /** Originate repeats the dial string on every Dial event; /dial and Dial() only on the first (traces s3, s5). */
  repeatDialstring = false,
  /**
   * ARI /dial: the Stasis dial bridge publishes a final Dial only for what the callee indicated; a channel the
   * application hung up itself while it rang gets none (22.10.1: StasisEnd follows the hangup request at once).
   */
  quietOnLocalHangup = false,
): Promise<DialStatus> {
  // A request still completing (DNS, a bind) is waited for; one that failed is a channel that could not be had,
  // as a failed ast_request is to app_dial.
  const completion = completions.get(channel);
  if (completion !== undefined) {
    completions.delete(channel);
    return completion.then((ok) =>
      ok && !channel.isDestroyed
        ? dialChannel(core, channel, timeoutMs, dialstring, caller, repeatDialstring, quietOnLocalHangup)
        : 'CHANUNAVAIL',
    );
  }
  const later = repeatDialstring ? dialstring : '';
  const placed = channel.tech.call(channel, timeoutMs);
  if (!placed.ok) {
    channel.hangupCause = placed.cause;
    return Promise.resolve('CHANUNAVAIL');
  }
  publishDial(core, channel, '', dialstring, caller);
  return new Promise<DialStatus>((resolve) => {
    let done = false;
    let timer: NodeJS.Timeout | undefined;
    const finish = (status: DialStatus, quiet = false): void => {
      if (done) return;
      done = true;
      if (timer) clearTimeout(timer);
      channel.controlListeners.delete(onControl);
      if (status === 'BUSY' || status === 'CONGESTION' || status === 'NOANSWER' || status === 'CHANUNAVAIL') {
        if (!channel.isDestroyed && !quiet) publishDial(core, channel, status, later, caller);
      }
      resolve(status);
    };
    const onControl = (indication: string): void => {
      switch (indication) {
        case 'ringing':
          channel.setState('Ringing');
          publishDial(core, channel, 'RINGING', later, caller);
          return;
        case 'progress':
          // Early media (SIP 183): the state stays, the dialer hears PROGRESS (sip-reference §2.2).
          publishDial(core, channel, 'PROGRESS', later, caller);
          return;
        case 'answer':
          channel.setState('Up');
          publishDial(core, channel, 'ANSWER', later, caller);
          return finish('ANSWER');
        case 'busy':
          if (channel.hangupCause === 0) channel.hangupCause = 17;
          return finish('BUSY');
        case 'congestion':
          if (channel.hangupCause === 0) channel.hangupCause = 34;
          return finish('CONGESTION');
      }
    };
    channel.controlListeners.add(onControl);
    void channel
      .whenHangup()
      .then(() => finish(statusForCause(channel.hangupCause), quietOnLocalHangup && channel.lastHangupWasSoft));
    if (timeoutMs > 0) {
      timer = setTimeout(() => {
        if (channel.hangupCause === 0) channel.hangupCause = 19;
        finish('TIMEOUT');
      }, timeoutMs);
    }
  });
}
