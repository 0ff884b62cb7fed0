import { generateKeyPairSync, sign } from 'node:crypto';
import { hasEs384Signature } from './es384-signature';
import { measureCoreSpeed } from './core-speed';

/**
 * The core-speed probe's process, pinned to the apps' core and kept for the whole run: on each message it
 * times a fixed ES384 verification (its own key, one token) and answers µs per verification (see core-speed.ts).
 */
const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-384' });
const signingInput = `${Buffer.from('{"alg":"ES384","typ":"at+jwt"}').toString('base64url')}.${Buffer.from('{"sub":"core-speed-probe"}').toString('base64url')}`;
const token = `${signingInput}.${sign('sha384', Buffer.from(signingInput), { key: privateKey, dsaEncoding: 'ieee-p1363' }).toString('base64url')}`;
const verifyOnce = () => {
  if (!hasEs384Signature(token, publicKey)) throw new Error('the probe token did not verify');
};
for (let i = 0; i < 200; i++) verifyOnce(); // warm-up: the first answer is not a cold start

process.on('message', () => process.send?.({ type: 'core-speed', microsecondsPerVerify: measureCoreSpeed(verifyOnce) }));
process.on('disconnect', () => process.exit(0));
