// `node --import tsx --import ./register.mjs out/main/index.js`: the built main with 'electron'
// resolved to the double (a TypeScript module, loaded through tsx).
import { register } from 'node:module';

register('./hooks.mjs', import.meta.url);
