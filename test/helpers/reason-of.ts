import { LogtoAuthException } from '../../lib';

/** The failure reason `fn` throws, or `'accepted'` when it returns. */
export function reasonOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    return (error as LogtoAuthException).reason;
  }
  return 'accepted';
}
