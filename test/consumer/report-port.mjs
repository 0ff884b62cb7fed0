// Preloaded into a consumer app (`node --import`) that listens on PORT=0: prints the port the kernel
// chose, so the test can call the app's own, unmodified main.ts without guessing a free port.
import net from 'node:net';

const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function (...args) {
  this.once('listening', () => {
    const address = this.address();
    if (address && typeof address === 'object') process.stdout.write(`\nLISTENING ${address.port}\n`);
  });
  return listen.apply(this, args);
};
