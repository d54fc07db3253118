// What every part of the OpenSearch stand-in shares: its JSON types and how it refuses a request
// (an OpenSearch error response, `{ error: { type, reason }, status }`).

export type Json = Record<string, unknown>;
export type Source = Json;

export class Refusal extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    reason: string,
  ) {
    super(reason);
  }
}

export const refuse = (reason: string, type = 'parsing_exception', status = 400): never => {
  throw new Refusal(status, type, reason);
};

export function object(value: unknown, what: string): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    refuse(`[${what}] must be an object`);
  }
  return value as Json;
}

export function allowKeys(
  value: Json,
  allowed: string[],
  what: string,
  type = 'parsing_exception',
) {
  const unknown = Object.keys(value).filter((key) => !allowed.includes(key));
  if (unknown.length > 0) refuse(`${what}: unknown [${unknown.join(', ')}]`, type);
}
