// A real cognito-local 5.3.0 for tests: a child process on a free port of 127.0.0.1, in its own
// temporary directory, plus the "Lambda" it calls for the PreSignUp trigger — a tiny HTTP server
// here that runs the real src/identity/pre-sign-up.ts. cognito-local's triggers are global, while
// AWS attaches them per pool, so the server only runs preSignUp for pools created with the trigger
// and answers the others as a pool without one would (the user stays UNCONFIRMED).
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import {
  CognitoIdentityProviderClient,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import type { PreSignUpTriggerEvent } from 'aws-lambda';
import { preSignUp } from '../../src/identity/pre-sign-up.js';
import { eventually } from './eventually.js';
import { CONTRACT_PASSWORD_POLICY } from './password-policy.js';

const START_JS = join(
  import.meta.dirname,
  '..',
  '..',
  'node_modules',
  'cognito-local',
  'lib',
  'bin',
  'start.js',
);
/**
 * Loaded into the emulator before its own code: it exits when its stdin (a pipe from this
 * process) closes, so a test run that dies without stop() leaves no emulator behind.
 */
const EXIT_WITH_PARENT = `data:text/javascript;base64,${Buffer.from(
  'process.stdin.on("end", () => process.exit(0)).resume();',
).toString('base64')}`;
const PRE_SIGN_UP_FUNCTION = 'pixtag-pre-sign-up';
/** A region config.ts accepts; cognito-local itself ignores regions (its pool ids say `local`). */
const REGION = 'eu-west-1';
const CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

export interface CognitoPool {
  userPoolId: string;
  clientId: string;
}

export interface CognitoLocal extends CognitoPool {
  /** The emulator's base URL, without a trailing slash: COGNITO_ENDPOINT. */
  endpoint: string;
  region: string;
  /** Another pool with the contract's settings; `preSignUp: false` leaves sign-ups UNCONFIRMED. */
  createPool(options?: { preSignUp?: boolean }): Promise<CognitoPool>;
  /** Another app client of a pool, set up like the first. */
  createClient(userPoolId: string): Promise<string>;
  /** How many times the PreSignUp trigger ran. */
  preSignUpCalls(): number;
  stop(): Promise<void>;
}

export async function startCognitoLocal(): Promise<CognitoLocal> {
  const triggered = new Set<string>();
  const lambda = await startLambda(triggered);
  const workDir = mkdtempSync(join(tmpdir(), 'pixtag-cognito-local-'));
  let emulator: Emulator | undefined;
  try {
    emulator = await startEmulator(workDir, `http://127.0.0.1:${lambda.port}`);
    const admin = new CognitoIdentityProviderClient({
      endpoint: emulator.endpoint,
      region: REGION,
      credentials: CREDENTIALS,
    });
    const createClient = async (userPoolId: string) => {
      const { UserPoolClient } = await admin.send(
        new CreateUserPoolClientCommand({
          UserPoolId: userPoolId,
          ClientName: `pixtag-${randomUUID()}`,
          GenerateSecret: false,
          ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
          IdTokenValidity: 60,
          TokenValidityUnits: { IdToken: 'minutes' },
        }),
      );
      return UserPoolClient!.ClientId!;
    };
    const createPool = async ({ preSignUp = true } = {}) => {
      const { UserPool } = await admin.send(
        new CreateUserPoolCommand({
          PoolName: `pixtag-${randomUUID()}`,
          UsernameAttributes: [],
          Policies: {
            PasswordPolicy: CONTRACT_PASSWORD_POLICY,
          },
        }),
      );
      const userPoolId = UserPool!.Id!;
      if (preSignUp) triggered.add(userPoolId);
      return { userPoolId, clientId: await createClient(userPoolId) };
    };
    const first = await createPool();
    const running = emulator;
    return {
      ...first,
      endpoint: running.endpoint,
      region: REGION,
      createPool,
      createClient,
      preSignUpCalls: () => lambda.calls,
      stop: async () => {
        admin.destroy();
        await running.stop();
        await lambda.close();
        rmSync(workDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await emulator?.stop();
    await lambda.close();
    rmSync(workDir, { recursive: true, force: true });
    throw error;
  }
}

interface Emulator {
  endpoint: string;
  stop(): Promise<void>;
}

async function startEmulator(workDir: string, lambdaEndpoint: string): Promise<Emulator> {
  // The port is chosen before the child binds it, so another process may take it meanwhile:
  // try again on a new one when the child dies before answering.
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const endpoint = `http://127.0.0.1:${port}`;
    writeConfig(workDir, endpoint, port, lambdaEndpoint);
    const child = spawn(process.execPath, ['--import', EXIT_WITH_PARENT, START_JS], {
      cwd: workDir,
      // Only what node needs: no AWS_* or DEBUG of the caller leaks into the emulator.
      env: { PATH: process.env.PATH, AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE: '1' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let output = '';
    const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000));
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    const ready = await eventually(
      async () => {
        if (child.exitCode !== null || child.signalCode !== null) return false;
        const response = await fetch(`${endpoint}/health`);
        if (!response.ok) throw new Error(`cognito-local /health answered ${response.status}`);
        return true;
      },
      { timeoutMs: 15_000 },
    ).catch(async (error: unknown) => {
      await stopChild(child);
      throw new Error(`cognito-local did not start: ${String(error)}\n${output}`);
    });
    if (ready) return { endpoint, stop: () => stopChild(child) };
    if (attempt >= 3) throw new Error(`cognito-local exited on start:\n${output}`);
  }
}

function writeConfig(workDir: string, endpoint: string, port: number, lambdaEndpoint: string) {
  mkdirSync(join(workDir, '.cognito'), { recursive: true });
  const config = {
    // Pools default to e-mail usernames otherwise; pixtag's usernames are plain names.
    UserPoolDefaults: { UsernameAttributes: [] },
    ServerConfig: { hostname: '127.0.0.1', port },
    // The `iss` of its tokens is <IssuerDomain>/<pool id>: make it the URL clients use.
    TokenConfig: { IssuerDomain: endpoint },
    // cognito-local calls triggers with the AWS SDK v2 Lambda client, built from this.
    LambdaClient: { endpoint: lambdaEndpoint, region: 'local', credentials: CREDENTIALS },
    TriggerFunctions: { PreSignUp: PRE_SIGN_UP_FUNCTION },
  };
  writeFileSync(join(workDir, '.cognito', 'config.json'), JSON.stringify(config, null, 2));
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  await exited;
}

async function freePort(): Promise<number> {
  const probe = createServer();
  probe.listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const { port } = probe.address() as AddressInfo;
  probe.close();
  await once(probe, 'close');
  return port;
}

// --- the Lambda Invoke API, as far as cognito-local uses it ---------------------------------

interface Lambda {
  port: number;
  readonly calls: number;
  close(): Promise<void>;
}

async function startLambda(triggered: ReadonlySet<string>): Promise<Lambda> {
  const state = { calls: 0 };
  const invocation = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/;
  const server: Server = createServer((req, res) => {
    void (async () => {
      const name = invocation.exec(req.url ?? '')?.[1];
      if (req.method !== 'POST' || decodeURIComponent(name ?? '') !== PRE_SIGN_UP_FUNCTION) {
        res.writeHead(404, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ Type: 'User', message: `Function not found: ${req.url}` }));
        return;
      }
      try {
        const event = JSON.parse(await readBody(req)) as PreSignUpTriggerEvent;
        // Only pools created with the trigger run it, as if the others had none attached.
        const result = triggered.has(event.userPoolId) ? await preSignUp(event) : event;
        if (triggered.has(event.userPoolId)) state.calls++;
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify(result));
      } catch (error) {
        // How Lambda reports a function that threw: 200 with X-Amz-Function-Error.
        res.writeHead(200, {
          'Content-Type': 'application/json',
          'X-Amz-Function-Error': 'Unhandled',
        });
        res.end(JSON.stringify({ errorMessage: String(error) }));
      }
    })();
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    port: (server.address() as AddressInfo).port,
    get calls() {
      return state.calls;
    },
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
