import { hasEs384Signature } from './es384-signature';
import { measureCoreSpeed } from './core-speed';
import { signCompactJws } from '../lib/testing/jws-signature.util';
import { createTestKey } from '../test/helpers/keys';

/**
 * The core-speed probe's process, pinned to the apps' core and kept for the whole run: on each message it
 * times a fixed ES384 verification (its own key, one token) and answers µs per verification (see core-speed.ts).
 */
const { privateKey, publicKey } = createTestKey('ES384', 'core-speed-probe');
const token = signCompactJws({ alg: 'ES384', typ: 'at+jwt' }, { sub: 'core-speed-probe' }, privateKey, 'ES384');
const verifyOnce = () => {
  if (!hasEs384Signature(token, publicKey)) throw new Error('the probe token did not verify');
};
for (let i = 0; i < 200; i++) verifyOnce(); // warm-up: the first answer is not a cold start

process.on('message', () => process.send?.({ type: 'core-speed', microsecondsPerVerify: measureCoreSpeed(verifyOnce) }));
process.on('disconnect', () => process.exit(0));
