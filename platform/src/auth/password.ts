import setupArgon2id from 'argon2id/lib/setup.js';
import simdModule from 'argon2id/dist/simd.wasm';
import portableModule from 'argon2id/dist/no-simd.wasm';
import { timingSafeEqualBytes, base64Decode, base64Encode } from '@castio/shared/encoding';

/**
 * Password hashing: argon2id at OWASP's minimum (19 MiB, t=2, p=1), run by the Wasm build imported as a
 * compiled module (production Workers refuse PBKDF2 above 100k iterations and runtime Wasm compilation).
 * Stored as a PHC string so parameters can be raised later; weaker stored hashes are rehashed on login.
 */
export const PASSWORD_HASH_PARAMETERS = { memorySize: 19456, passes: 2, parallelism: 1, tagLength: 32 } as const;
const SALT_BYTES = 16;
/** Refuse stored parameters above this, so a tampered row cannot make login allocate gigabytes. */
const MAX_MEMORY_KIB = 65536;

type ComputeHash = Awaited<ReturnType<typeof setupArgon2id>>;
let argon2idInstance: Promise<ComputeHash> | undefined;
const instantiate = (module: WebAssembly.Module) => async (imports: WebAssembly.Imports) => ({
  instance: await WebAssembly.instantiate(module, imports),
});
// One Wasm instance per isolate: each reserves 65 MiB, half of a Worker's memory.
const argon2id = () => (argon2idInstance ??= setupArgon2id(instantiate(simdModule), instantiate(portableModule)));

interface PhcHash {
  memorySize: number;
  passes: number;
  parallelism: number;
  salt: Uint8Array;
  hash: Uint8Array;
}

export async function hashPassword(password: string): Promise<string> {
  const salt = crypto.getRandomValues(new Uint8Array(SALT_BYTES));
  const hash = await computeArgon2id(password, salt, PASSWORD_HASH_PARAMETERS);
  return formatPhc({ ...PASSWORD_HASH_PARAMETERS, salt, hash });
}

export interface PasswordCheck {
  valid: boolean;
  /** True when the stored hash uses weaker parameters than today's and should be replaced. */
  needsRehash: boolean;
}

export async function verifyPassword(password: string, stored: string): Promise<PasswordCheck> {
  const parsed = parsePhc(stored);
  if (!parsed) return { valid: false, needsRehash: false };
  const candidate = await computeArgon2id(password, parsed.salt, { ...parsed, tagLength: parsed.hash.length });
  const valid = timingSafeEqualBytes(candidate, parsed.hash);
  const needsRehash =
    parsed.memorySize < PASSWORD_HASH_PARAMETERS.memorySize || parsed.passes < PASSWORD_HASH_PARAMETERS.passes;
  return { valid, needsRehash: valid && needsRehash };
}

/** A valid hash of a random password: verifying against it costs the same as a real login (no user enumeration). */
let dummyHash: Promise<string> | undefined;
export async function burnPasswordCheck(password: string): Promise<void> {
  dummyHash ??= hashPassword(crypto.randomUUID());
  await verifyPassword(password, await dummyHash);
}

export async function computeArgon2id(
  password: string,
  salt: Uint8Array,
  parameters: { memorySize: number; passes: number; parallelism: number; tagLength: number },
): Promise<Uint8Array> {
  const compute = await argon2id();
  return compute({ password: new TextEncoder().encode(password), salt, ...parameters });
}

function formatPhc(value: PhcHash): string {
  const encode = (bytes: Uint8Array) => base64Encode(bytes).replace(/=+$/, '');
  return `$argon2id$v=19$m=${value.memorySize},t=${value.passes},p=${value.parallelism}$${encode(value.salt)}$${encode(value.hash)}`;
}

function parsePhc(stored: string): PhcHash | null {
  const match = /^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/.exec(stored);
  if (!match) return null;
  const [, memory, passes, parallelism, salt, hash] = match;
  const value = {
    memorySize: Number(memory),
    passes: Number(passes),
    parallelism: Number(parallelism),
    salt: base64Decode(salt!),
    hash: base64Decode(hash!),
  };
  if (value.memorySize > MAX_MEMORY_KIB || value.passes > 10 || value.parallelism !== 1) return null;
  if (value.salt.length < 8 || value.hash.length < 16) return null;
  return value;
}
