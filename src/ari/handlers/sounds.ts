import { implement, resourceHandlers } from '../contract/implement.js';
import { AriError } from '../handler.js';
import { OPERATIONS } from '../operations/index.js';

const ops = OPERATIONS.sounds;

/**
 * The /sounds resource (resource_sounds.c): the sound files under the sounds folder, by id, with their
 * languages and formats. An empty answer to a list is 404 "No sounds found that matched the query" (also when
 * there is no sounds folder at all); an unknown id is 404 "Sound not found".
 */
export const soundHandlers = resourceHandlers('sounds', {
  list: implement(ops.list, {
    handle: async ({ lang, format }, { core }) => {
      const sounds = await core.playbacks.sounds.list({
        ...(lang !== undefined && { lang }),
        ...(format !== undefined && { format }),
      });
      if (sounds.length === 0) throw new AriError(404, 'No sounds found that matched the query');
      return sounds;
    },
  }),
  get: implement(ops.get, {
    handle: async ({ soundId }, { core }) => {
      const sound = await core.playbacks.sounds.get(soundId);
      if (sound === undefined) throw new AriError(404, 'Sound not found');
      return sound;
    },
  }),
});
