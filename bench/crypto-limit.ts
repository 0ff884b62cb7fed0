import { createPrivateKey, createPublicKey, sign, verify } from 'node:crypto';

/**
 * Row 7, the physical limit: ES384 signature verifications per second on one core with node:crypto,
 * on a real token's signing input, with the key object imported once (as every row above does).
 */
function measure(durationSeconds: number, privateKeyPem: string, signingInput: string) {
  const publicKey = createPublicKey(createPrivateKey(privateKeyPem));
  const data = Buffer.from(signingInput);
  const signature = sign('sha384', data, { key: createPrivateKey(privateKeyPem), dsaEncoding: 'ieee-p1363' });
  const options = { key: publicKey, dsaEncoding: 'ieee-p1363' as const };
  const warmUpUntil = performance.now() + 500;
  while (performance.now() < warmUpUntil) verify('sha384', data, options, signature);
  const samples: number[] = [];
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  const end = start + durationSeconds * 1000;
  let now = start;
  while (now < end) {
    if (!verify('sha384', data, options, signature)) throw new Error('the signature did not verify');
    const after = performance.now();
    samples.push(after - now);
    now = after;
  }
  const cpu = process.cpuUsage(cpuStart);
  samples.sort((a, b) => a - b);
  const at = (q: number) => samples[Math.min(samples.length - 1, Math.floor(q * samples.length))];
  return {
    verifiesPerSecond: samples.length / ((now - start) / 1000),
    // The same per second of CPU actually received: higher than the above when the machine is shared.
    verifiesPerCpuSecond: samples.length / ((cpu.user + cpu.system) / 1e6),
    p50: at(0.5),
    p99: at(0.99),
  };
}

process.on('message', (request: { durationSeconds: number; privateKeyPem: string; signingInput: string }) => {
  process.send?.(measure(request.durationSeconds, request.privateKeyPem, request.signingInput), () => process.exit(0));
});
