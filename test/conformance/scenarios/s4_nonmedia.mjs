// Reduced copy of traces/s4_bridge.mjs: only its non-media statements, in the original order. Every removed
// block is named in a comment; the recorded exchanges and events of those blocks are excluded in s4.test.ts.
/* global process */
import {req,ws,sleep,L,waitFor,dump} from './lib.mjs';
const w=await ws('test');
await req('POST','/channels',{endpoint:'Local/echo@default',app:'test',channelId:'k2'});
await waitFor(w,e=>e.type==='StasisStart'&&e.channel.id==='k2');
L('=== recording nominal on unbridged channel');
// removed: record sub/r1, live get/pause/unpause/mute/unmute, sleep 1500, stop, wait for RecordingFinished,
//   live get, stored list/file/copy×3/delete (recordings)
L('=== cancel');
// removed: record rc, sleep 500, cancel, stored get (recordings)
L('=== bridge');
await req('POST','/channels',{endpoint:'Local/echo@default',app:'test',channelId:'k3'});
await waitFor(w,e=>e.type==='StasisStart'&&e.channel.id==='k3');
await req('POST','/bridges/br1',{type:'mixing',name:'B1'});
await req('POST','/bridges/br1/addChannel',{channel:'k2,nope'});
await req('POST','/bridges/br1/addChannel',{channel:'k2,k3',role:'agent'});
await waitFor(w,e=>e.type==='ChannelEnteredBridge'&&e.channel.id==='k3');
await req('GET','/bridges/br1',undefined,undefined,{full:true});
// removed: POST /channels/k2/record r3 and its wait for RecordingFailed (recording)
// removed: POST /bridges/br1/play/bp1 and its wait for PlaybackFinished (playback)
await req('GET','/bridges/br1',undefined,undefined,{full:true});
// removed: POST /bridges/br1/moh, sleep 300, GET /bridges/br1 (technology is softmix while MOH plays),
//   DELETE /bridges/br1/moh (moh)
// removed: bridge record brec, sleep 1000, stop (recording)
await sleep(500);
await req('POST','/channels/k2/hold'); await sleep(200); await req('DELETE','/channels/k2/hold');
// removed: POST /channels/k2/moh, sleep 200, DELETE /channels/k2/moh (moh)
await req('POST','/channels/k2/mute',{direction:'sideways'});
await req('POST','/channels/k2/mute');
await req('POST','/channels/k2/dtmf',{dtmf:'12'});
await req('POST','/channels/k2/dtmf');
await sleep(800);
L('=== move between bridges');
await req('POST','/bridges/br2');
await req('POST','/bridges/br2/addChannel',{channel:'k2'});
await sleep(500);
await req('POST','/bridges/br1/removeChannel',{channel:'k2'});
await req('POST','/bridges/br2/removeChannel',{channel:'k2'});
await sleep(300);
L('=== destroy bridge with channel inside');
await req('DELETE','/bridges/br1');
await sleep(500);
await req('GET','/channels/k3',undefined,undefined,{max:120});
await req('DELETE','/bridges/br2');
L('=== snoop + externalMedia');
// removed: snoop sn1, wait for its StasisStart, DELETE /channels/sn1, sleep 300 (snoop)
// removed: externalMedia em1, wait for StasisStart, rtp_statistics, DELETE /channels/em1 (externalMedia)
L('=== move app / userevent / hangup reasons');
await req('POST','/channels/k3/move',{app:'nope-app',appArgs:'x,y'});
await sleep(400);
await req('DELETE','/channels/k3',{reason:'busy',reason_code:'17'});
await req('DELETE','/channels/k3',{reason:'nonsense'});
await req('DELETE','/channels/k3',{reason_code:'21'});
await sleep(500);
await req('DELETE','/channels/k2',{reason:'busy'});
await sleep(1000);
dump('./s4.jsonl');
w.close(); await sleep(300); process.exit(0);
