import { transferHandlers, type TransferHandler } from 'comlink';
import { EdgeServeError, errorFromData, isErrorCode, type ErrorData } from './errors.js';

/**
 * Comlink's built-in "throw" handler sends only name/message/stack, so a typed error would
 * arrive on the page as a plain Error. We replace its serializer (keeping Comlink's own
 * `canHandle`, which checks a private marker) with one that carries our `code` and details.
 * Both sides must call this: the worker to send, the page to rebuild.
 */
type Thrown = { value: unknown };
type WireError = { edgeserve: true; data: ErrorData } | { edgeserve: false; name: string; message: string; stack?: string };

let installed = false;

export function installErrorTransfer(): void {
  if (installed) return;
  const builtin = transferHandlers.get('throw');
  if (!builtin) throw new Error('Comlink has no "throw" transfer handler to extend');
  const handler: TransferHandler<Thrown, WireError> = {
    canHandle: (value): value is Thrown => builtin.canHandle(value),
    serialize({ value }) {
      if (value instanceof EdgeServeError) return [{ edgeserve: true, data: value.toData() }, []];
      const error = value instanceof Error ? value : new Error(String(value));
      return [{ edgeserve: false, name: error.name, message: error.message, stack: error.stack }, []];
    },
    deserialize(wire) {
      if (wire.edgeserve && isErrorCode(wire.data.code)) throw errorFromData(wire.data);
      if (wire.edgeserve) throw new Error(wire.data.message);
      throw Object.assign(new Error(wire.message), { name: wire.name, stack: wire.stack });
    },
  };
  transferHandlers.set('throw', handler as TransferHandler<unknown, unknown>);
  installed = true;
}
