// Stands in for zod's locales index in the Lambda bundle only: zod re-exports every language's
// messages as a namespace (which defeats tree-shaking), and pixtag's messages are English.
export { default as en } from 'zod/v4/locales/en.js';
