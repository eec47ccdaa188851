/**
 * Type-level tests of the typed ARI client, checked by `npx tsc -p tsconfig.json --noEmit`: each
 * `@ts-expect-error` line must fail to compile. If the client's types stopped catching one of these mistakes,
 * the directive itself would become an error ("Unused '@ts-expect-error' directive"). Nothing here runs.
 */
import { createAriClient, type AriEvent, type Channel, type EventOf } from '../../src/client/index.js';

const client = createAriClient({ url: 'http://127.0.0.1:8088', username: 'u', password: 'p' });

/** True only when A and B are the same type. */
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const same = <A, B>(ok: Equal<A, B>): Equal<A, B> => ok;

export async function results(): Promise<void> {
  // channels.get resolves to the wire Channel; channels.list to a list of them; answer to nothing.
  const channel = await client.channels.get({ channelId: 'c1' });
  same<typeof channel, Channel>(true);
  const channels = await client.channels.list();
  same<typeof channels, Channel[]>(true);
  const answered = await client.channels.answer({ channelId: 'c1' });
  same<typeof answered, void>(true);
  const file = await client.recordings.getStoredFile({ recordingName: 'r' });
  same<typeof file, Uint8Array>(true);
  void [channels, answered, file];
  const value: string = (await client.channels.getChannelVar({ channelId: 'c1', variable: 'X' })).value;
  void value;
  // @ts-expect-error a Channel has no `nmae`
  void channel.nmae;
}

export async function params(): Promise<void> {
  // @ts-expect-error `channelID` is not a parameter of hangup (misspelt channelId)
  await client.channels.hangup({ channelID: 'c1' });
  // @ts-expect-error the path parameter channelId is required
  await client.channels.answer({});
  // @ts-expect-error answer needs its parameters object
  await client.channels.answer();
  // @ts-expect-error `sleepy` is not one of hangup's reasons
  await client.channels.hangup({ channelId: 'c1', reason: 'sleepy' });
  await client.channels.hangup({ channelId: 'c1', reason: 'busy' });
  // @ts-expect-error timeout is an int
  await client.channels.originate({ endpoint: 'Local/1@default', app: 'a', timeout: '30' });
  // @ts-expect-error endpoint is required
  await client.channels.originate({ app: 'a' });
  // allowMultiple: a list or one (already comma-joined) string.
  await client.channels.play({ channelId: 'c1', media: ['sound:hello', 'sound:bye'] });
  await client.channels.play({ channelId: 'c1', media: 'sound:hello' });
  // variables: plain values or values whose changes are reported.
  await client.channels.originate({
    endpoint: 'Local/1@default',
    app: 'a',
    variables: { A: '1', B: { value: '2', report_events: true } },
  });
  // @ts-expect-error variable values are strings
  await client.channels.originate({ endpoint: 'Local/1@default', app: 'a', variables: { A: 1 } });
  // @ts-expect-error endpoint messaging takes string variables only
  await client.endpoints.sendMessage({ to: 't', from: 'f', variables: { A: { value: 'x' } } });
  await client.applications.filter({ applicationName: 'a', filter: { allowed: [{ type: 'StasisStart' }] } });
  // @ts-expect-error the events WebSocket upgrade is client.events(), not a REST method
  void client.events.eventWebsocket;
  await client.events.userEvent({ eventName: 'e', application: 'a', variables: { k: 'v' } });
}

export function events(): void {
  const stream = client.events(['a', 'b'], { subscribeAll: true });
  stream.on('StasisStart', (e) => {
    const args: string[] = e.args;
    const id: string = e.channel.id;
    void args;
    void id;
  });
  stream.on('ChannelDestroyed', (e) => {
    same<typeof e, EventOf<'ChannelDestroyed'>>(true);
    const cause: number = e.cause;
    void cause;
  });
  // @ts-expect-error there is no StasisBegin event
  stream.on('StasisBegin', () => undefined);
  void (async () => {
    for await (const e of stream) {
      same<typeof e, AriEvent>(true);
      if (e.type === 'StasisStart') void e.args; // discriminated by `type`
      // @ts-expect-error not every event has a channel
      void e.channel;
    }
  })();
}
