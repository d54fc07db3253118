// A stand-in for Lambda's Invoke API on 127.0.0.1, for tests of what `api` sends to retag. No
// Lambda runs here (no emulator is installed, and one would need Docker and the network), and what
// needs checking is the request the real SDK client puts on the wire: so this records every
// request exactly as it arrived (method, path, headers, body) and answers as Lambda answers an
// asynchronous `Event` invoke (202, empty body), or with an error a test sets.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  method: string;
  /** The path and query string, as sent. */
  url: string;
  /** Header names in lower case, as Node parses them. */
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export interface LambdaError {
  status: number;
  /** Lambda's error code (x-amzn-errortype), which the SDK turns into the error's name. */
  type: string;
  message: string;
}

export interface LambdaInvokeFake {
  /** Where the SDK should send Lambda requests (AWS_ENDPOINT_URL_LAMBDA or a client's endpoint). */
  url: string;
  /** Every request received, oldest first. */
  requests: ReceivedRequest[];
  /** From now on, answer every request with this error instead of 202 (undefined: back to 202). */
  failWith(error: LambdaError | undefined): void;
  stop(): Promise<void>;
}

export async function startLambdaInvokeFake(): Promise<LambdaInvokeFake> {
  const requests: ReceivedRequest[] = [];
  let failure: LambdaError | undefined;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      requests.push({
        method: req.method ?? '',
        url: req.url ?? '',
        headers: { ...req.headers },
        body: Buffer.concat(chunks).toString('utf8'),
      });
      const requestId = `fake-${requests.length}`;
      if (failure) {
        res
          .writeHead(failure.status, {
            'Content-Type': 'application/json',
            'x-amzn-errortype': failure.type,
            'x-amzn-RequestId': requestId,
          })
          .end(JSON.stringify({ Type: 'User', message: failure.message }));
        return;
      }
      res.writeHead(202, { 'x-amzn-RequestId': requestId }).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    failWith: (error) => void (failure = error),
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
