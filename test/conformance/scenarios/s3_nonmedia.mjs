// Reduced copy of traces/s3_media.mjs: its non-media statements and its channel playbacks, in the original
// order. Every removed block is named in a comment; the recorded exchanges and events of those blocks are
// excluded in s3.test.ts.
/* global process */
import {req,ws,sleep,L,waitFor,dump} from './lib.mjs';
const w=await ws('test');
L('=== create + dial');
await req('POST','/channels/create',{endpoint:'Local/wait@default',app:'test',appArgs:'created',channelId:'k1'},{variables:{A:'1',B:{value:'2',report_events:true}}},{full:true});
await waitFor(w,e=>e.type==='StasisStart'&&e.channel.id==='k1');
await req('POST','/channels/k1/answer');
await req('POST','/channels/k1/play',{media:'sound:hello'});
await req('POST','/channels/k1/dial',{timeout:10});
await waitFor(w,e=>e.type==='Dial'&&e.dialstatus==='ANSWER');
await sleep(300);
await req('POST','/channels/k1/dial');
L('=== playback list with various schemes');
let r=await req('POST','/channels/k1/play/pl1',{media:'sound:hello,number:42,digits:12,characters:ab,tone:ring;tonezone=us,bogus:zzz,sound:silence1'},undefined,{full:true,showHeaders:true});
await sleep(300);
await req('GET','/playbacks/pl1',undefined,undefined,{full:true});
await req('POST','/playbacks/pl1/control',{operation:'pause'});
await req('GET','/playbacks/pl1',undefined,undefined,{full:true});
await req('POST','/playbacks/pl1/control',{operation:'pause'});
await req('POST','/playbacks/pl1/control',{operation:'unpause'});
await req('POST','/playbacks/pl1/control',{operation:'forward'});
await req('POST','/playbacks/pl1/control',{operation:'bogus'});
await req('POST','/playbacks/nope/control',{operation:'bogus'});
await waitFor(w,e=>e.type==='PlaybackFinished'&&e.playback.id==='pl1',20000);
await sleep(200);
await req('GET','/playbacks/pl1');
L('=== number playback stop while playing (non-controllable)');
await req('POST','/channels/k1/play/pl2',{media:'number:123456'});
await waitFor(w,e=>e.type==='PlaybackStarted'&&e.playback.id==='pl2');
await req('POST','/playbacks/pl2/control',{operation:'pause'});
await req('DELETE','/playbacks/pl2');
await waitFor(w,e=>e.type==='PlaybackFinished'&&e.playback.id==='pl2',10000);
L('=== queued playback stop');
await req('POST','/channels/k1/play/pl3',{media:'sound:long'});
await req('POST','/channels/k1/play/pl4',{media:'sound:hello'});
await req('DELETE','/playbacks/pl4');
await sleep(300);
await req('DELETE','/playbacks/pl3');
await sleep(800);
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
