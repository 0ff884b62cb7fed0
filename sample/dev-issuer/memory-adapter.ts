import type { Adapter, AdapterFactory, AdapterPayload } from 'oidc-provider' with { 'resolution-mode': 'import' };

interface Entry {
  readonly payload: AdapterPayload;
  readonly expiresAt: number;
}

/**
 * oidc-provider's storage, in memory (it needs one; the JWT access tokens the dev issuer issues are not
 * stored), lost at every start as the keys are. Bounded, so a loop of requests cannot exhaust memory.
 */
export function memoryAdapterFactory(maxEntries = 10_000): AdapterFactory {
  const entries = new Map<string, Entry>();
  const live = (key: string): AdapterPayload | undefined => {
    const entry = entries.get(key);
    if (entry && entry.expiresAt > Date.now()) return entry.payload;
    entries.delete(key);
    return undefined;
  };
  return (model: string): Adapter => ({
    async upsert(id, payload, expiresIn = 3600) {
      if (entries.size >= maxEntries) entries.delete(entries.keys().next().value as string);
      entries.set(`${model}:${id}`, { payload, expiresAt: Date.now() + expiresIn * 1000 });
    },
    find: async (id) => live(`${model}:${id}`),
    findByUid: async () => undefined,
    findByUserCode: async () => undefined,
    async consume(id) {
      const payload = live(`${model}:${id}`);
      if (payload) payload.consumed = Math.floor(Date.now() / 1000);
    },
    async destroy(id) {
      entries.delete(`${model}:${id}`);
    },
    async revokeByGrantId() {},
  });
}
