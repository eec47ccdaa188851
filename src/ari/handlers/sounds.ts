import { notImplemented, resourceHandlers } from '../contract/implement.js';

/** The /sounds resource: the sound files the server has. */
export const soundHandlers = resourceHandlers('sounds', { list: notImplemented, get: notImplemented });
