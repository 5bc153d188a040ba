// The ref-key words live in src/shared/ref-labels.ts (the server names signals with them too);
// this re-export keeps the web's older imports working.
export * from '../../shared/ref-labels.js';
