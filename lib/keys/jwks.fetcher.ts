import { JwksFetchFailure } from './jwks-fetch.error';

/** A real Logto key set is about 1 KiB; anything near this is not a key set. */
export const MAX_JWKS_BYTES = 1024 * 1024;

export interface JwksFetcherSettings {
  /** One deadline for the whole exchange: connect, headers and every byte of the body. */
  readonly timeoutMs: number;
  readonly maxBytes?: number;
}

/**
 * jwks-rsa's `fetcher`: the JWKS request through Node's `fetch`, bounded in time and size so that no
 * endpoint (or anyone on its path) can hold a socket or memory. An `AbortSignal` ends the request,
 * socket included, at the deadline (jwks-rsa's own `timeout` is a socket idle timeout, which a server
 * that trickles bytes never trips). A body larger than `maxBytes` is refused as soon as that is known,
 * from `Content-Length` or while reading, without reading the rest. Redirects are not followed: the
 * configured URL is the only place keys come from (RFC 8725 §3.10 spirit: no location a response picks).
 */
export function createJwksFetcher({ timeoutMs, maxBytes = MAX_JWKS_BYTES }: JwksFetcherSettings) {
  return async (jwksUri: string): Promise<{ keys: unknown }> => {
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(JwksFetchFailure.timeout(timeoutMs)), timeoutMs);
    try {
      const response = await fetch(jwksUri, {
        signal: abort.signal,
        redirect: 'manual',
        headers: { accept: 'application/json, application/jwk-set+json' },
      });
      if (response.status < 200 || response.status > 299) throw JwksFetchFailure.status(response.status);
      const declared = Number(response.headers.get('content-length'));
      if (declared > maxBytes) throw JwksFetchFailure.tooLarge(maxBytes);
      const body = await readAtMost(response, maxBytes);
      const parsed: unknown = JSON.parse(body);
      if (parsed === null || typeof parsed !== 'object' || !Array.isArray((parsed as { keys?: unknown }).keys)) {
        throw JwksFetchFailure.noKeysArray();
      }
      return parsed as { keys: unknown[] };
    } catch (error) {
      throw abort.signal.aborted && abort.signal.reason instanceof JwksFetchFailure ? abort.signal.reason : error;
    } finally {
      clearTimeout(timer);
      // Whatever is left unread (a refused status, an oversized body, a parse error) is not wanted:
      // aborting closes the connection instead of draining it.
      abort.abort();
    }
  };
}

async function readAtMost(response: Response, maxBytes: number): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) throw JwksFetchFailure.tooLarge(maxBytes);
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}
