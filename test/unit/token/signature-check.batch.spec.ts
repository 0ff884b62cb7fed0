import { afterEach, describe, expect, it, vi } from 'vitest';
import { SignatureCheckBatch } from '../../../lib/token/signature-check.batch';

describe('SignatureCheckBatch', () => {
  afterEach(() => vi.useRealTimers());

  it("runs the checks of one turn together, after that turn's callbacks, then lets each caller go on", async () => {
    const batch = new SignatureCheckBatch();
    const steps: string[] = [];
    const callers = ['a', 'b', 'c'].map(
      (name) =>
        new Promise<void>((done) =>
          setImmediate(() => {
            steps.push(`read ${name}`);
            void batch.run(() => steps.push(`check ${name}`)).then(() => {
              steps.push(`go on ${name}`);
              done();
            });
          }),
        ),
    );
    await Promise.all(callers);
    expect(steps).toEqual(['read a', 'read b', 'read c', 'check a', 'check b', 'check c', 'go on a', 'go on b', 'go on c']);
  });

  it('settles each caller with its own outcome: a failing check refuses its caller only', async () => {
    const batch = new SignatureCheckBatch();
    const refusal = new Error('bad signature');
    const outcomes = await Promise.allSettled([
      batch.run(() => undefined),
      batch.run(() => {
        throw refusal;
      }),
      batch.run(() => undefined),
    ]);
    expect(outcomes).toEqual([{ status: 'fulfilled', value: undefined }, { status: 'rejected', reason: refusal }, { status: 'fulfilled', value: undefined }]);
  });

  it('starts a new batch for checks asked after a batch ran', async () => {
    const batch = new SignatureCheckBatch();
    let checks = 0;
    await batch.run(() => checks++);
    await batch.run(() => checks++);
    expect(checks).toBe(2);
  });

  it("is not held back by a test's fake timers", async () => {
    vi.useFakeTimers();
    const batch = new SignatureCheckBatch();
    let checked = false;
    await batch.run(() => (checked = true));
    expect(checked).toBe(true);
  });
});
