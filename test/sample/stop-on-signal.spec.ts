import { EventEmitter } from 'node:events';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { StopOnSignal } from '../../sample/stop-on-signal';

class FakeServer {
  closed = 0;
  async close() {
    this.closed++;
  }
}

/** A start step that finishes when the test says so. */
function pendingStart<T>() {
  let finish!: (value: T) => void;
  let fail!: (error: Error) => void;
  const promise = new Promise<T>((resolve, reject) => {
    finish = resolve;
    fail = reject;
  });
  return { promise, finish, fail };
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

describe('StopOnSignal (npm start, npm run dev-issuer)', () => {
  afterEach(() => vi.restoreAllMocks());
  const quietly = () => vi.spyOn(console, 'log').mockImplementation(() => undefined);

  it('closes the running servers on one SIGTERM, last started first, and says so', async () => {
    const log = quietly();
    const signals = new EventEmitter();
    const stop = new StopOnSignal(signals);
    const order: string[] = [];
    await stop.started(Promise.resolve({ close: async () => void order.push('issuer') }));
    await stop.started(Promise.resolve({ close: async () => void order.push('api') }));
    signals.emit('SIGTERM', 'SIGTERM');
    await flush();
    expect(order).toEqual(['api', 'issuer']);
    expect(log.mock.calls.map(([line]) => line)).toEqual(['\nSIGTERM: stopping.', 'Stopped.']);
  });

  it('absorbs the second copy of a Ctrl-C (from the terminal, then forwarded by npm) instead of dying on it', async () => {
    const log = quietly();
    const signals = new EventEmitter();
    const stop = new StopOnSignal(signals);
    const server = new FakeServer();
    await stop.started(Promise.resolve(server));
    signals.emit('SIGINT', 'SIGINT');
    expect(signals.listenerCount('SIGINT')).toBe(1); // still ours: Node's default would end the process mid-stop
    signals.emit('SIGINT', 'SIGINT');
    await flush();
    expect(server.closed).toBe(1);
    expect(log.mock.calls.map(([line]) => line)).toEqual(['\nSIGINT: stopping.', 'Stopped.']);
  });

  it('after a failed start, closes what runs and leaves signals to Node again', async () => {
    const signals = new EventEmitter();
    const stop = new StopOnSignal(signals);
    const server = new FakeServer();
    await stop.started(Promise.resolve(server));
    await stop.closeAll();
    expect(server.closed).toBe(1);
    expect(signals.listenerCount('SIGINT') + signals.listenerCount('SIGTERM')).toBe(0);
  });

  it('one Ctrl-C while a server is still starting is enough: it is closed once started, and reported stopped after', async () => {
    const log = quietly();
    const signals = new EventEmitter();
    const stop = new StopOnSignal(signals);
    const starting = pendingStart<FakeServer>();
    const started = stop.started(starting.promise);
    signals.emit('SIGINT', 'SIGINT');
    expect(stop.requested).toBe(true);
    await flush();
    expect(log.mock.calls.map(([line]) => line)).toEqual(['\nSIGINT: stopping.']); // not "Stopped." before it is
    const server = new FakeServer();
    starting.finish(server);
    await started;
    await flush();
    expect(server.closed).toBe(1);
    expect(log.mock.calls.map(([line]) => line)).toEqual(['\nSIGINT: stopping.', 'Stopped.']);
  });

  it('stops once when SIGINT and SIGTERM both come, and still stops when the start in progress fails', async () => {
    const log = quietly();
    const signals = new EventEmitter();
    const stop = new StopOnSignal(signals);
    const running = new FakeServer();
    await stop.started(Promise.resolve(running));
    const starting = pendingStart<FakeServer>();
    const started = stop.started(starting.promise).catch(() => undefined);
    signals.emit('SIGINT', 'SIGINT');
    signals.emit('SIGTERM', 'SIGTERM'); // a second signal while stopping starts no second stop
    starting.fail(new Error('EADDRINUSE'));
    await started;
    await flush();
    expect(running.closed).toBe(1);
    expect(log.mock.calls.map(([line]) => line)).toEqual(['\nSIGINT: stopping.', 'Stopped.']);
  });
});
