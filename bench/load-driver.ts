import autocannon from 'autocannon';
import { readFileSync } from 'node:fs';
import { LoadRequest, LoadResult } from './ipc';

/**
 * The load generator, in its own process so that the app under test keeps a core to itself.
 * Long-lived: it runs one autocannon load per message and answers with the figures.
 */
const tokenFiles = new Map<string, readonly string[]>();

function tokensOf(file: string): readonly string[] {
  let tokens = tokenFiles.get(file);
  if (!tokens) tokenFiles.set(file, (tokens = JSON.parse(readFileSync(file, 'utf8')) as string[]));
  return tokens;
}

async function load(request: LoadRequest): Promise<LoadResult> {
  const tokens = tokensOf(request.tokensFile);
  let next = request.cursor;
  const options: autocannon.Options = {
    url: request.url,
    connections: request.connections,
    ...(request.amount !== undefined ? { amount: request.amount } : { duration: request.duration }),
    timeout: 30,
  };
  if (request.mode === 'repeated') {
    options.headers = { authorization: `Bearer ${tokens[0]}` };
  } else {
    // A fresh token on every request: the request is rebuilt with the next pre-signed token.
    options.requests = [
      {
        setupRequest: (req) => {
          req.headers = { ...req.headers, authorization: `Bearer ${tokens[next++ % tokens.length]}` };
          return req;
        },
      },
    ];
  }
  const result = await autocannon(options);
  return {
    type: 'loaded',
    requestsPerSecond: result.requests.total / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    requests: result.requests.total,
    tokensUsed: next - request.cursor,
  };
}

process.on('message', (request: LoadRequest) => {
  void load(request).then(
    (result) => process.send?.(result),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
});
process.on('disconnect', () => process.exit(0));
