// Drop-in replacement for the recording helper ../shared/reference/traces/lib.mjs (same exports, same
// log format), except that the server comes from the environment instead of the hard-coded
// http://127.0.0.1:8088/ari:
//   SWITCHYARD_URL          ARI base, e.g. http://127.0.0.1:40123/ari (a URL without the /ari suffix gets it
//                           appended); default http://127.0.0.1:8088/ari, so it still runs against Asterisk.
//   SWITCHYARD_FULL_BODIES  optional file: one JSON line per req() with the untruncated response text
//                           ({"method","path","status","text"}), for the replay comparator. The stdout log is
//                           unchanged by it.
/* global console, fetch, URLSearchParams, WebSocket, setTimeout, clearTimeout */
import fs from 'node:fs';
import { Buffer } from 'node:buffer';
import process from 'node:process';
const ENV_BASE = (process.env.SWITCHYARD_URL || 'http://127.0.0.1:8088/ari').replace(/\/+$/, '');
export const BASE = /\/ari$/.test(ENV_BASE) ? ENV_BASE : ENV_BASE + '/ari';
const WS_BASE = BASE.replace(/^http/, 'ws');
const FULL = process.env.SWITCHYARD_FULL_BODIES || '';
const AUTH='Basic '+Buffer.from('asterisk:asterisk').toString('base64');
export const t0=Date.now();
export const log=[];
export const ALL=[];
export function dump(f){fs.writeFileSync(f,ALL.map(x=>JSON.stringify(x)).join('\n')+'\n');}
export function L(...a){const s=`[${String(Date.now()-t0).padStart(5)}] `+a.join(' ');log.push(s);console.log(s);}
export function qs(p){ if(!p) return ''; const u=new URLSearchParams(); for(const [k,v] of Object.entries(p)) u.append(k,String(v)); const s=u.toString(); return s?'?'+s:''; }
export async function req(method,path,params,body,opts={}){
  const headers={...(opts.noauth?{}:{'Authorization':opts.auth||AUTH}),...(opts.headers||{})};
  let b;
  if(body!==undefined){ if(typeof body==='string'){b=body;} else {b=JSON.stringify(body); headers['Content-Type']='application/json';} }
  const r=await fetch(BASE+path+qs(params),{method,headers,body:b});
  const txt= opts.binary? `<${(await r.arrayBuffer()).byteLength} bytes>` : await r.text();
  let h={}; for(const [k,v] of r.headers) h[k]=v;
  if(FULL) fs.appendFileSync(FULL, JSON.stringify({method,path:path+qs(params),status:r.status,text:txt})+'\n');
  L(`HTTP ${method} ${path}${qs(params)}${b&&!opts.quietBody?' body='+b:''} -> ${r.status} ${r.statusText} ${opts.showHeaders?JSON.stringify(h):''} ${opts.full?txt:txt.slice(0,opts.max||300)}`);
  let j=null; try{j=JSON.parse(txt);}catch{ /* not JSON: json stays null */ }
  return {status:r.status,json:j,text:txt,headers:h};
}
export function ws(apps,extra='',name){
  return new Promise((res,rej)=>{
    const w=new WebSocket(`${WS_BASE}/events?app=${apps}&api_key=asterisk:asterisk${extra}`);
    w.events=[];
    w.onopen=()=>{L(`WS[${name||apps}] open`);res(w);};
    w.onerror=(e)=>{L(`WS[${name||apps}] error ${e.message||''}`);rej(e); // eslint-disable-line @typescript-eslint/prefer-promise-reject-errors -- same as the recording helper
    };
    w.onclose=(e)=>L(`WS[${name||apps}] close code=${e.code}`);
    w.onmessage=(m)=>{const e=JSON.parse(m.data);w.events.push(e);ALL.push({ws:name||apps,t:Date.now()-t0,e});
      const ch=e.channel?` ch=${e.channel.id}(${e.channel.name},${e.channel.state}${e.channel.dialplan?','+e.channel.dialplan.context+'/'+e.channel.dialplan.exten+'/'+e.channel.dialplan.priority+'/'+e.channel.dialplan.app_name:''})`:'';
      const br=e.bridge?` br=${e.bridge.id}[${e.bridge.channels}]`:'';
      const extra=['args','cause','cause_txt','soft','tech_cause','variable','value','dialstatus','dialplan_app','dialplan_app_data','digit','eventname','status_code','request_id','reason_phrase','destination','musicclass'].filter(k=>e[k]!==undefined).map(k=>`${k}=${JSON.stringify(e[k])}`).join(' ');
      const pb=e.playback?` pb=${JSON.stringify(e.playback)}`:''; const rec=e.recording?` rec=${JSON.stringify(e.recording)}`:'';
      L(`EV[${name||apps}] ${e.type} app=${e.application}${ch}${br} ${extra}${pb}${rec}`);
      if(w.onev) w.onev(e);
    };
  });
}
export const sleep=ms=>new Promise(r=>setTimeout(r,ms));
export function waitFor(w,pred,ms=8000){return new Promise((res)=>{const found=w.events.find(pred); if(found) return res(found); const old=w.onev; const to=setTimeout(()=>{w.onev=old;res(null);},ms); w.onev=(e)=>{if(old) old(e); if(pred(e)){clearTimeout(to);w.onev=old;res(e);}};});}
