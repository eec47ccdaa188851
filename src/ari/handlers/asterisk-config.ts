/**
 * /asterisk/config/dynamic/{configClass}/{objectType}/{id}: Asterisk's sorcery objects as attribute/value
 * tuples. Statuses and messages are Asterisk 22's (resource_asterisk.c): the class is looked up first, then the
 * type, then the object; a create/update that fails validation is 400, one the type's stores cannot hold 403.
 */
import type { Core } from '../../core/core.js';
import { sorceryBackends, type SorceryBackend } from '../../core/sorcery/dynamic-config.js';
import { implement } from '../contract/implement.js';
import { AriError } from '../handler.js';
import { OPERATIONS } from '../operations/index.js';

const ops = OPERATIONS.asterisk;

/** The backend of the class and a known type, else Asterisk's 404. */
function backendFor(core: Core, configClass: string, objectType: string): SorceryBackend {
  const backend = sorceryBackends(core).get(configClass);
  if (backend === undefined) throw new AriError(404, `configClass '${configClass}' not found`);
  if (!backend.hasType(objectType)) throw new AriError(404, `objectType '${objectType}' not found`);
  return backend;
}

const notFound = (id: string): AriError => new AriError(404, `Object with id '${id}' not found`);

export const asteriskConfigHandlers = {
  getObject: implement(ops.getObject, {
    handle: ({ configClass, objectType, id }, { core }) => {
      const tuples = backendFor(core, configClass, objectType).get(objectType, id);
      if (tuples === undefined) throw notFound(id);
      return [...tuples];
    },
  }),

  updateObject: implement(ops.updateObject, {
    handle: ({ configClass, objectType, id, fields }, { core }) => {
      const result = backendFor(core, configClass, objectType).upsert(objectType, id, fields);
      if (result.ok) return [...result.tuples];
      switch (result.reason) {
        case 'no-fields':
          throw new AriError(400, `Fields must be provided to update object '${id}'`);
        case 'invalid':
          throw new AriError(400, `${result.created ? 'Creation' : 'Update'} of object '${id}' failed field value validation`); // prettier-ignore
        case 'forbidden':
          throw new AriError(403, `Cannot ${result.created ? 'create' : 'update'} sorcery objects of type '${objectType}'`); // prettier-ignore
      }
    },
  }),

  deleteObject: implement(ops.deleteObject, {
    handle: ({ configClass, objectType, id }, { core }) => {
      const result = backendFor(core, configClass, objectType).remove(objectType, id);
      if (result === 'not-found') throw notFound(id);
      if (result === 'forbidden') throw new AriError(403, `Could not delete object with id '${id}'`);
    },
  }),
};
