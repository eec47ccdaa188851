/**
 * Dialplan application argument parsing: main/app.c `__ast_app_separate_args` (src/util/app-args.ts) and
 * main/callerid.c `ast_callerid_parse` + `ast_callerid_split`.
 */

export { splitAppArgs, type SplitAppArgsOptions } from '../util/app-args.js';

// Caller id strings are parsed by the core (channels need it without a dialplan); re-exported for apps.
export { parseCallerIdString, shrinkPhoneNumber, type CallerIdParts } from '../core/channel/party-id.js';
