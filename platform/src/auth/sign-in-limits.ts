import { sha256Hex } from '@castio/shared/encoding';
import { DAY } from '@castio/shared/time';
import type { Env } from '../env';
import { UNKNOWN_ADDRESS_BUCKET } from '../rate-limit/address-bucket';
import { enforceRateLimit, type RateLimitName, releaseRateLimit } from '../rate-limit/limits';

/** A network from which the account signed in (or signed up) this recently counts as known. */
export const KNOWN_NETWORK_MS = 90 * DAY;

/**
 * The network (address bucket) a session was started from, as stored with it: hashed, and null when the
 * address is unknown, since requests without one share a bucket and none of them may count as known.
 */
export const networkHashOf = async (network: string): Promise<string | null> =>
  network === UNKNOWN_ADDRESS_BUCKET ? null : sha256Hex(`sign-in-network:${network}`);

/**
 * The limits one sign-in attempt counts against (README "Security"), each in the RateLimiter object:
 * - loginPerAddress: every account from one network, so one network cannot stuff credentials;
 * - loginPerAccountPerAddress: one account from one network, the strict one, with exponential backoff;
 * - loginPerAccountFromNewNetworks: one account from all the networks it has not signed in from before, so
 *   guesses spread over many networks are bounded too.
 * Counting the account per network is what keeps a lockout from being a weapon: guesses from elsewhere never
 * count against the owner's network. An attacker spread over many networks can use up the account's allowance
 * for new networks, but not for the networks the owner has signed in from before, so the owner still gets in
 * from those; the attacker cannot reach them without being on the owner's own network.
 * Only failures count: a successful sign-in gives back every hit it took.
 */
export class SignInLimits {
  private readonly taken: { name: RateLimitName; subject: string }[] = [];

  constructor(
    private readonly env: Env,
    private readonly network: string,
  ) {}

  /** Before anything is looked up, so a flood from one network stops here. */
  admitNetwork(): Promise<void> {
    return this.count('loginPerAddress', this.network);
  }

  /** Before the password is checked. `account` names the account whether or not it exists. */
  async admitAccount(account: string, fromKnownNetwork: boolean): Promise<void> {
    // An address bucket never contains '|', so the subject splits back unambiguously.
    await this.count('loginPerAccountPerAddress', `${this.network}|${account}`);
    if (!fromKnownNetwork) await this.count('loginPerAccountFromNewNetworks', account);
  }

  /** The password was right: give back every hit this attempt took. */
  async succeeded(): Promise<void> {
    await Promise.all(this.taken.map(({ name, subject }) => releaseRateLimit(this.env, name, subject)));
  }

  private async count(name: RateLimitName, subject: string): Promise<void> {
    await enforceRateLimit(this.env, name, subject);
    this.taken.push({ name, subject });
  }
}
