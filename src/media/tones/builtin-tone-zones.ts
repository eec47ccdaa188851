/*
 * Built-in tone zones: the frequencies and cadences that Asterisk's indications.conf.sample gives for a few
 * countries (most from the ITU's "Various tones used in national networks", Rec. E.180 supplement), so a
 * server without an indications.conf still plays the usual tones. An indications.conf replaces a zone of the
 * same country and adds others (config/indications-config.ts). Default country: us, as in the sample.
 */
import type { IndicationsData, ToneZone } from './tone-zones.js';

/** `n` copies of `element`, comma-separated: the play-once stutters and recalls of the sample file. */
const times = (n: number, element: string): string => Array.from({ length: n }, () => element).join(',');

const zone = (description: string, ringcadence: readonly number[], tones: Record<string, string>): ToneZone => ({
  description,
  ringcadence,
  tones: new Map(Object.entries(tones)),
});

const SIT_US = '!950/330,!1400/330,!1800/330,0';

const ZONES: Record<string, ToneZone> = {
  au: zone('Australia', [400, 200, 400, 2000], {
    dial: '413+438',
    busy: '425/375,0/375',
    ring: '413+438/400,0/200,413+438/400,0/2000',
    congestion: '425/375,0/375,420/375,0/375',
    callwaiting: '425/200,0/200,425/200,0/4400',
    dialrecall: '413+438',
    record: '!425/1000,!0/15000,425/360,0/15000',
    info: '425/2500,0/500',
    std: `${times(4, '!525/100,!0/100')},!525/100`,
    facility: '425',
    stutter: '413+438/100,0/40',
    ringmobile: '400+450/400,0/200,400+450/400,0/2000',
  }),
  de: zone('Germany', [1000, 4000], {
    dial: '425',
    busy: '425/480,0/480',
    ring: '425/1000,0/4000',
    congestion: '425/240,0/240',
    callwaiting: `${times(4, '!425/200,!0/200,!425/200,!0/5000')},!425/200,!0/200,!425/200,0`,
    dialrecall: `${times(3, '!425/100,!0/100')},425`,
    record: '1400/80,0/15000',
    info: '950/330,1400/330,1800/330,0/1000',
    stutter: '425+400',
  }),
  es: zone('Spain', [1500, 3000], {
    dial: '425',
    busy: '425/200,0/200',
    ring: '425/1500,0/3000',
    congestion: '425/200,0/200,425/200,0/200,425/200,0/600',
    callwaiting: '425/175,0/175,425/175,0/3500',
    dialrecall: `${times(3, '!425/200,!0/200')},425`,
    record: '1400/500,0/15000',
    info: '950/330,0/1000',
    dialout: '500',
    stutter: `${times(6, '!425/100,!0/100')},425`,
  }),
  fr: zone('France', [1500, 3500], {
    dial: '440',
    busy: '440/500,0/500',
    ring: '440/1500,0/3500',
    congestion: '440/250,0/250',
    callwait: '440/300,0/10000', // sic: the sample names it callwait, not callwaiting
    dialrecall: `${times(3, '!350+440/100,!0/100')},350+440`,
    record: '1400/500,0/15000',
    info: '!950/330,!1400/330,!1800/330',
    stutter: `${times(6, '!440/100,!0/100')},440`,
  }),
  it: zone('Italy', [1000, 4000], {
    dial: '425/200,0/200,425/600,0/1000',
    busy: '425/500,0/500',
    ring: '425/1000,0/4000',
    congestion: '425/200,0/200',
    callwaiting: '425/400,0/100,425/250,0/100,425/150,0/14000',
    dialrecall: '470/400,425/400',
    record: '1400/400,0/15000',
    info: `${times(3, '!950/330,!1400/330,!1800/330,!0/1000')},0`,
    stutter: '470/400,425/400',
  }),
  jp: zone('Japan', [1000, 2000], {
    dial: '400',
    busy: '400/500,0/500',
    ring: '400+15/1000,0/2000',
    congestion: '400/500,0/500',
    callwaiting: '400+16/500,0/8000',
    dialrecall: `${times(3, '!400/200,!0/200')},400`,
    record: '1400/500,0/15000',
    info: SIT_US,
    stutter: `${times(6, '!400/100,!0/100')},400`,
  }),
  nl: zone('Netherlands', [1000, 4000], {
    dial: '425',
    busy: '425/500,0/500',
    ring: '425/1000,0/4000',
    congestion: '425/250,0/250',
    callwaiting: '425/500,0/9500',
    dialrecall: '425/500,0/50',
    record: '1400/500,0/15000',
    info: '950/330,1400/330,1800/330,0/1000',
    stutter: '425/500,0/50',
  }),
  uk: zone('United Kingdom', [400, 200, 400, 2000], {
    dial: '350+440',
    specialdial: '350+440/750,440/750',
    busy: '400/375,0/375',
    congestion: '400/400,0/350,400/225,0/525',
    specialcongestion: '400/200,1004/300',
    unobtainable: '400',
    ring: '400+450/400,0/200,400+450/400,0/2000',
    callwaiting: '400/100,0/4000',
    specialcallwaiting: '400/250,0/250,400/250,0/250,400/250,0/5000',
    creditexpired: '400/125,0/125',
    confirm: '1400',
    switching: '400/200,0/400,400/2000,0/400',
    info: '950/330,0/15,1400/330,0/15,1800/330,0/1000',
    record: '1400/500,0/60000',
    stutter: '350+440/750,440/750',
  }),
  us: zone('United States / North America', [2000, 4000], {
    dial: '350+440',
    busy: '480+620/500,0/500',
    ring: '440+480/2000,0/4000',
    congestion: '480+620/250,0/250',
    callwaiting: '440/300,0/10000',
    dialrecall: `${times(3, '!350+440/100,!0/100')},350+440`,
    record: '1400/500,0/15000',
    info: SIT_US,
    stutter: `${times(6, '!350+440/100,!0/100')},350+440`,
  }),
  'us-old': zone('United States Circa 1950/ North America', [2000, 4000], {
    dial: '600*120',
    busy: '500*100/500,0/500',
    ring: '420*40/2000,0/4000',
    congestion: '500*100/250,0/250',
    callwaiting: '440/300,0/10000',
    dialrecall: `${times(3, '!600*120/100,!0/100')},600*120`,
    record: '1400/500,0/15000',
    info: SIT_US,
    stutter: `${times(6, '!600*120/100,!0/100')},600*120`,
  }),
};

/** The indications.conf sample's `[general] country`. */
export const DEFAULT_TONE_COUNTRY = 'us';

export const BUILTIN_TONE_ZONES: ReadonlyMap<string, ToneZone> = new Map(Object.entries(ZONES));

export const BUILTIN_INDICATIONS: IndicationsData = { country: DEFAULT_TONE_COUNTRY, zones: BUILTIN_TONE_ZONES };
