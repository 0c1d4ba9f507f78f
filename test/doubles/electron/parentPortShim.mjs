// Preloaded into a utility-process double: Electron's `process.parentPort` over Node's IPC channel.
// Node's own `process.send` is hidden, as a utility process has none: a trainer that used it would
// fail here as it would in the desktop app.
import { EventEmitter } from 'node:events';

const send = process.send.bind(process);
const port = new EventEmitter();
port.postMessage = (message) => send(message);
process.on('message', (message) => port.emit('message', { data: message, ports: [] }));
process.parentPort = port;
process.send = undefined;
