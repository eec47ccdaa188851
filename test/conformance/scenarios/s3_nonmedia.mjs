// Reduced copy of traces/s3_media.mjs: only its non-media statements, in the original order. Every removed
// block is named in a comment; the recorded exchanges and events of those blocks are excluded in s3.test.ts.
/* global process */
import {req,ws,sleep,L,waitFor,dump} from './lib.mjs';
const w=await ws('test');
L('=== create + dial');
await req('POST','/channels/create',{endpoint:'Local/wait@default',app:'test',appArgs:'created',channelId:'k1'},{variables:{A:'1',B:{value:'2',report_events:true}}},{full:true});
await waitFor(w,e=>e.type==='StasisStart'&&e.channel.id==='k1');
await req('POST','/channels/k1/answer');
// removed: POST /channels/k1/play media=sound:hello (playback)
await req('POST','/channels/k1/dial',{timeout:10});
await waitFor(w,e=>e.type==='Dial'&&e.dialstatus==='ANSWER');
await sleep(300);
await req('POST','/channels/k1/dial');
L('=== playback list with various schemes');
// removed: play pl1 (sound/number/digits/characters/tone/bogus list), GET /playbacks/pl1, control
//   pause/unpause/forward/bogus, control on an unknown playback, wait for PlaybackFinished (playback)
L('=== number playback stop while playing (non-controllable)');
// removed: play pl2 number:123456, control pause, DELETE /playbacks/pl2 (playback)
L('=== queued playback stop');
// removed: play pl3 sound:long, play pl4, DELETE both (playback)
L('=== recording');
// removed: record sub/r1, live recording get/pause/unpause/stop, stored list/get/file/copy, record with
//   existing name / unknown format / bad ifExists, overwrite, DELETE live + stored (recordings).
// In the recording those blocks took ~60 s, and meanwhile k1's peer k1;2 ended Wait(60) and hung up, so
// everything after sees k1 gone (ChannelHangupRequest cause 0 ... ChannelDestroyed at 60.4 s). Instead of
// the media we wait for that same hangup, so the rest runs in the same state:
await waitFor(w,e=>e.type==='ChannelDestroyed'&&e.channel.id==='k1',75000);
L('=== bridge + record while bridged + bridge play + moh');
await req('POST','/bridges/br1',{type:'mixing'});
await req('POST','/bridges/br1/addChannel',{channel:'k1,nope'});
await req('POST','/bridges/br1/addChannel',{channel:'k1',role:'agent'});
await waitFor(w,e=>e.type==='ChannelEnteredBridge');
// removed: POST /channels/k1/record r3 (recording), sleep 500
// removed: POST /bridges/br1/play/bp1 and its wait for PlaybackFinished (playback)
// removed: POST /bridges/br1/moh, sleep 300 (moh)
await req('GET','/bridges/br1',undefined,undefined,{full:true});
// removed: DELETE /bridges/br1/moh twice (moh); bridge record brec, sleep 800, stop, sleep 500 (recording)
// removed: POST /channels/k1/moh (moh)
await req('POST','/channels/k1/hold');
await req('POST','/channels/k1/mute',{direction:'sideways'});
await req('POST','/channels/k1/mute');
await req('POST','/channels/k1/dtmf',{dtmf:'12'});
await req('POST','/channels/k1/dtmf');
await sleep(500);
await req('POST','/bridges/br1/removeChannel',{channel:'k1'});
await waitFor(w,e=>e.type==='ChannelLeftBridge');
await req('DELETE','/bridges/br1');
L('=== snoop + externalMedia');
// removed: POST /channels/k1/snoop/sn1 and its wait for StasisStart (snoop)
await req('DELETE','/channels/sn1');
// removed: POST /channels/externalMedia em1 and its wait for StasisStart, GET /channels/em1/rtp_statistics
//   (externalMedia)
await req('GET','/channels/k1/rtp_statistics');
// removed: DELETE /channels/em1, the two externalMedia parameter errors (externalMedia)
L('=== hangup with reason');
await req('DELETE','/channels/k1',{reason:'busy',reason_code:'17'});
await req('DELETE','/channels/k1',{reason:'nonsense'});
await req('DELETE','/channels/k1',{reason_code:'21'});
await sleep(1000);
dump('./s3.jsonl');
w.close(); await sleep(300); process.exit(0);
