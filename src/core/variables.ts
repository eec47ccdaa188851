import type { Channel } from './channel/channel.js';
import { parseCallerId } from './channel/party-id.js';
import { CoreError } from './errors.js';
import type { EventBus } from './events/event-bus.js';

/** A dialplan function that ARI and the dialplan can read (and some can write): `NAME(args)`. */
export interface DialplanFunction {
  read(channel: Channel | undefined, args: string): string;
  write?(channel: Channel, args: string, value: string): void;
}

function needChannel(channel: Channel | undefined): Channel {
  if (!channel) throw new CoreError('FUNCTION_FAILED', 'Unable to read provided function');
  return channel;
}

/** func_callerid.c subset: name, num/number, all. */
const CALLERID: DialplanFunction = {
  read(channel, args) {
    const party = needChannel(channel).caller;
    switch (args.split(',')[0]!.trim().toLowerCase()) {
      case 'name':
        return party.name;
      case 'num':
      case 'number':
        return party.number;
      case 'all':
        return party.name ? `"${party.name}" <${party.number}>` : party.number;
      default:
        // callerid_read logs an unknown data type and reads empty (ARI answers 200 "").
        return '';
    }
  },
  write(channel, args, value) {
    switch (args.split(',')[0]!.trim().toLowerCase()) {
      case 'name':
        return channel.setCaller({ name: value });
      case 'num':
      case 'number':
        return channel.setCaller({ number: value });
      case 'all':
        return channel.setCaller(parseCallerId(value));
      default:
        throw new CoreError('FUNCTION_FAILED', 'Unable to read provided function');
    }
  },
};

const CONNECTEDLINE: DialplanFunction = {
  read(channel, args) {
    const party = needChannel(channel).connected;
    return args.trim().toLowerCase().startsWith('name') ? party.name : party.number;
  },
  write(channel, args, value) {
    if (args.trim().toLowerCase().startsWith('name')) channel.setConnected({ name: value });
    else channel.setConnected({ number: value });
  },
};

/** func_channel.c subset. */
const CHANNEL: DialplanFunction = {
  read(channel, args) {
    const ch = needChannel(channel);
    switch (args.trim()) {
      case 'name':
        return ch.name;
      case 'uniqueid':
        return ch.id;
      case 'state':
        return ch.state;
      case 'language':
        return ch.language;
      case 'accountcode':
        return ch.accountcode;
      case 'channeltype':
        return ch.tech.technology;
      case 'context':
        return ch.location.context;
      case 'exten':
        return ch.location.exten;
      case 'priority':
        return String(ch.location.priority);
      case 'appname':
        return ch.location.appName;
      default: {
        // Technology items (CHANNEL(pjsip,call-id), CHANNEL(rtp,src), CHANNEL(endpoint)) come from the driver.
        const value = ch.tech.readFunction?.(ch, 'CHANNEL', args.trim());
        if (value === undefined) throw new CoreError('FUNCTION_FAILED', 'Unable to read provided function');
        return value;
      }
    }
  },
  write(channel, args, value) {
    switch (args.trim()) {
      case 'language':
        channel.language = value;
        return channel.touch();
      case 'accountcode':
        channel.accountcode = value;
        return channel.touch();
      default:
        throw new CoreError('FUNCTION_FAILED', 'Error With Function');
    }
  },
};

const LEN: DialplanFunction = { read: (_ch, args) => String(args.length) };

const FUNCTIONS: Readonly<Record<string, DialplanFunction>> = { CALLERID, CONNECTEDLINE, CHANNEL, LEN };

/** Split `NAME(args)`; undefined for a plain variable name. */
export function splitFunctionCall(name: string): { func: string; args: string } | undefined {
  if (!name.endsWith(')')) return undefined;
  const open = name.indexOf('(');
  if (open <= 0) return undefined;
  return { func: name.slice(0, open).trim().toUpperCase(), args: name.slice(open + 1, -1) };
}

/**
 * Channel and global variables with the dialplan's rules (pbx_retrieve_variable / pbx_builtin_setvar):
 * names ending in `)` are functions; channel variables shadow globals; a few built-in names.
 */
export class Variables {
  readonly globals = new Map<string, string>();
  /** asterisk.conf `systemname`: what `${SYSTEMNAME}` reads ("" when unset). */
  systemName = '';
  /** Functions added by core features (TALK_DETECT, ...), by upper-case name. */
  readonly #added = new Map<string, DialplanFunction>();

  /** Add a dialplan function (`NAME(args)` in variables and setChannelVar). */
  registerFunction(name: string, fn: DialplanFunction): void {
    this.#added.set(name.toUpperCase(), fn);
  }

  constructor(private readonly bus: () => EventBus) {}

  hasFunction(name: string): boolean {
    return name in FUNCTIONS || this.#added.has(name);
  }

  #function(name: string): DialplanFunction | undefined {
    return FUNCTIONS[name] ?? this.#added.get(name);
  }

  callFunction(channel: Channel | undefined, func: string, args: string): string {
    const fn = this.#function(func);
    if (fn) return fn.read(channel, args);
    // Functions a channel technology provides (PJSIP_HEADER, PJSIP_DTMF_MODE, ...).
    const value = channel?.tech.readFunction?.(channel, func, args);
    if (value === undefined) throw new CoreError('FUNCTION_FAILED', 'Unable to read provided function');
    return value;
  }

  /** A variable or function value; undefined when a variable is not set. Throws FUNCTION_FAILED. */
  read(channel: Channel | undefined, name: string): string | undefined {
    const call = splitFunctionCall(name);
    if (call) return this.callFunction(channel, call.func, call.args);
    if (channel) {
      const value = channel.getVariable(name) ?? builtin(channel, name, this.systemName);
      if (value !== undefined) return value;
    }
    return this.globals.get(name);
  }

  /** Set (value undefined: unset) a channel variable or writable function. */
  write(channel: Channel, name: string, value: string | undefined, reportEvents = false): void {
    const call = splitFunctionCall(name);
    if (call) {
      const fn = this.#function(call.func);
      if (fn?.write) return fn.write(channel, call.args, value ?? '');
      if (fn === undefined && channel.tech.writeFunction?.(channel, call.func, call.args, value ?? '') === true) return;
      throw new CoreError('BAD_REQUEST', 'Failed to execute function');
    }
    channel.setVariable(name, value, reportEvents);
  }

  /** Global variables: a change is a ChannelVarset without a channel, seen by apps subscribed to all channels. */
  writeGlobal(name: string, value: string | undefined): void {
    if (value === undefined) this.globals.delete(name);
    else this.globals.set(name, value);
    this.bus().publish('ChannelVarset', { variable: name, value: value ?? '' }, { channels: [] });
  }
}

/** Variables Asterisk computes rather than stores (pbx_retrieve_variable). */
function builtin(channel: Channel, name: string, systemName: string): string | undefined {
  switch (name) {
    case 'CHANNEL':
      return channel.name;
    case 'UNIQUEID':
      return channel.id;
    case 'EXTEN':
      return channel.location.exten;
    case 'CONTEXT':
      return channel.location.context;
    case 'PRIORITY':
      return String(channel.location.priority);
    case 'HANGUPCAUSE':
      return String(channel.hangupCause);
    case 'LANGUAGE':
      return channel.language;
    case 'EPOCH':
      return String(Math.floor(Date.now() / 1000));
    case 'SYSTEMNAME':
      return systemName;
    default:
      return undefined;
  }
}
