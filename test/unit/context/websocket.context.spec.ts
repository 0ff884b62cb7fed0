import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LogtoAuthException } from '../../../lib';
import { WebSocketAuthContext } from '../../../lib/context/websocket.context';
import { SocketClient } from '../../../lib/context/socket.connection';
import { LogtoUser } from '../../../lib/interfaces/logto-user.interface';
import { toLogtoUser } from '../../../lib/token/logto-user.mapper';

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0); // a fixed instant: the fake clock starts here
const TOLERANCE_S = 30;
const EXPIRED = { status: 'error', code: 'invalid_token', message: 'The access token has expired.' };

/** A Socket.IO server-side socket, as far as the context uses it: records what it was told. */
function fakeSocket() {
  const client = {
    handshake: { auth: { token: 'unused-by-these-tests' } },
    connected: true,
    emitted: [] as [string, unknown][],
    emit(event: string, payload: unknown) {
      client.emitted.push([event, payload]);
    },
    disconnect: vi.fn(() => {
      client.connected = false;
    }),
    once: vi.fn(),
  };
  return client;
}

/** A user whose token expires `expInSeconds` after T0 (a real LogtoUser, built from claims). */
const userExpiringIn = (expInSeconds: number): LogtoUser =>
  toLogtoUser({ iss: 'https://t.logto.app/oidc', sub: 'user-1', client_id: 'app', aud: 'https://api', exp: T0 / 1000 + expInSeconds });

/**
 * The close time of a Socket.IO connection (issue 16): the same instant at which HTTP starts refusing the
 * token, exp + clockTolerance, never exp itself. On a fake clock, so the boundary is exact and not a race.
 */
describe('Socket.IO close time with clockTolerance', () => {
  const context = new WebSocketAuthContext(TOLERANCE_S);

  beforeEach(() => vi.useFakeTimers({ now: T0 }));
  afterEach(() => vi.useRealTimers());

  it('keeps a connection open through the grace after exp, and closes it at exp + clockTolerance', () => {
    const client = fakeSocket();
    context.keepWhileValid(client as SocketClient, userExpiringIn(10));
    vi.advanceTimersByTime(10_000); // at exp: inside the grace
    expect(client.disconnect).not.toHaveBeenCalled();
    vi.advanceTimersByTime(TOLERANCE_S * 1000 - 1); // 1 ms before exp + tolerance
    expect(client.disconnect).not.toHaveBeenCalled();
    expect(client.connected).toBe(true);
    vi.advanceTimersByTime(1); // exp + tolerance
    expect(client.disconnect).toHaveBeenCalledWith(true);
    expect(client.emitted).toEqual([['exception', EXPIRED]]);
  });

  it('lets a message through inside the grace and refuses it from exp + clockTolerance on', () => {
    const client = fakeSocket();
    const user = userExpiringIn(10);
    context.keepWhileValid(client as SocketClient, user);
    vi.setSystemTime(T0 + 10_000 + TOLERANCE_S * 1000 - 1); // the clock only: the close timer has not run
    expect(() => context.keepWhileValid(client as SocketClient, user)).not.toThrow();
    vi.setSystemTime(T0 + 10_000 + TOLERANCE_S * 1000);
    expect(() => context.keepWhileValid(client as SocketClient, user)).toThrow(LogtoAuthException);
  });

  it('accepts a connection whose token expired less than clockTolerance ago, and closes it when the grace ends', () => {
    const client = fakeSocket();
    context.keepWhileValid(client as SocketClient, userExpiringIn(-TOLERANCE_S + 5)); // exp was 25 s ago
    vi.advanceTimersByTime(4_999);
    expect(client.disconnect).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(client.disconnect).toHaveBeenCalledTimes(1);
  });
});
