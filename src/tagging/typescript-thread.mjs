// The first module of a worker thread when pixtag runs from its TypeScript sources (see
// worker-script.ts): registers tsx's loader in this thread, then imports the .ts entry given as
// the thread's last argument. Never used by the compiled server.
import { register } from 'tsx/esm/api';

register();
await import(process.argv[process.argv.length - 1]);
