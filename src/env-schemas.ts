// The zod types environment variables are written in, with the words a ConfigError shows for
// them: config.ts uses them for the shared variables, each adapter's descriptor for its own.
import * as z from 'zod';

export const integer = (min: number, max: number) =>
  z.coerce
    .number({ error: `must be a whole number from ${min} to ${max}` })
    .int(`must be a whole number from ${min} to ${max}`)
    .min(min, `must be a whole number from ${min} to ${max}`)
    .max(max, `must be a whole number from ${min} to ${max}`);

export const httpUrl = z
  .string()
  .trim()
  .refine((value) => /^https?:\/\/[^\s/]+/i.test(value) && URL.canParse(value), {
    message: 'must be an http(s) URL such as http://localhost:3000',
  })
  .transform((value) => value.replace(/\/+$/, ''));

export const name = z.string().trim().min(1, 'must not be empty');
