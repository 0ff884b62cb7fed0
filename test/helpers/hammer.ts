import { Agent, request } from 'node:http';

export interface HammerResult {
  /** How many responses had each `status code www-authenticate` combination. */
  readonly tally: ReadonlyMap<string, number>;
  readonly total: number;
}

/**
 * Sends GET `path` once per Authorization value, `concurrency` at a time over keep-alive
 * connections: a light way to push thousands of requests through a real app.
 */
export async function hammer(
  port: number,
  path: string,
  authorizations: Iterable<string>,
  concurrency = 32,
): Promise<HammerResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const tally = new Map<string, number>();
  const iterator = authorizations[Symbol.iterator]();
  let total = 0;
  const worker = async () => {
    for (let next = iterator.next(); !next.done; next = iterator.next()) {
      const { status, code, challenge } = await get(agent, port, path, next.value);
      const key = `${status} ${code} ${challenge}`;
      tally.set(key, (tally.get(key) ?? 0) + 1);
      total++;
    }
  };
  try {
    await Promise.all(Array.from({ length: concurrency }, worker));
  } finally {
    agent.destroy();
  }
  return { tally, total };
}

function get(agent: Agent, port: number, path: string, authorization: string) {
  return new Promise<{ status: number; code: string; challenge: string }>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, agent, headers: { authorization } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => {
        let code = '-';
        try {
          code = JSON.parse(body).code ?? '-';
        } catch {
          // not JSON: no code
        }
        resolve({ status: res.statusCode ?? 0, code, challenge: String(res.headers['www-authenticate'] ?? '-') });
      });
    });
    req.on('error', reject);
    req.end();
  });
}
