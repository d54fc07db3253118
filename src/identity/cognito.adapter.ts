// AUTH=cognito: accounts in a Cognito user pool (identity/cognito.ts). Verifying a token needs
// only the pool's rules (identity/cognito-token-rules.ts): the Cognito client library loads on
// the first sign-up or sign-in, so an `api` cold start that only checks tokens never pays for it.
import * as z from 'zod';
import { identityAdapter } from '../adapter-descriptor.js';
import type { IdentityProvider } from './identity-provider.js';
import { httpUrl, name } from '../env-schemas.js';
import { once } from '../lazy-port.js';

export interface CognitoSettings {
  userPoolId: string;
  clientId: string;
  region: string;
  /** An emulator (cognito-local); unset for AWS. */
  endpoint?: string;
}

export const cognitoIdentity = identityAdapter({
  kind: 'cognito',
  envSchema: z.object({
    COGNITO_USER_POOL_ID: z
      .string()
      .trim()
      .regex(/^[\w-]+_[0-9a-zA-Z]+$/, 'must look like eu-west-1_AbCdEf123')
      .optional(),
    COGNITO_CLIENT_ID: name.optional(),
    COGNITO_ENDPOINT: httpUrl.optional(),
  }),
  settings: (variables, { region, need }): CognitoSettings => ({
    userPoolId: need('COGNITO_USER_POOL_ID', variables.COGNITO_USER_POOL_ID),
    clientId: need('COGNITO_CLIENT_ID', variables.COGNITO_CLIENT_ID),
    region: need('AWS_REGION', region),
    ...(variables.COGNITO_ENDPOINT ? { endpoint: variables.COGNITO_ENDPOINT } : {}),
  }),
  async create(settings): Promise<IdentityProvider> {
    const { cognitoTokenRules } = await import('./cognito-token-rules.js');
    const cognito = once(async () => {
      const { CognitoIdentityProvider } = await import('./cognito.js');
      return new CognitoIdentityProvider(settings);
    });
    return {
      tokenRules: cognitoTokenRules(settings),
      signUp: async (username, password) => (await cognito()).signUp(username, password),
      signIn: async (username, password) => (await cognito()).signIn(username, password),
    };
  },
});
