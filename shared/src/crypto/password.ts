import setupArgon2id from 'argon2id/lib/setup.js';
import { base64Decode, base64Encode, timingSafeEqualBytes } from '../encoding';

/**
 * Password hashing: argon2id at OWASP's minimum (19 MiB, t=2, p=1), run by the Wasm build the app imports as a
 * compiled module (production Workers refuse PBKDF2 above 100k iterations and runtime Wasm compilation).
 * Stored as a PHC string so parameters can be raised later; weaker stored hashes are rehashed on login.
 */
export const PASSWORD_HASH_PARAMETERS = { memorySize: 19456, passes: 2, parallelism: 1, tagLength: 32 } as const;
const SALT_BYTES = 16;
/** Refuse stored parameters above this, so a tampered row cannot make login allocate gigabytes. */
const MAX_MEMORY_KIB = 65536;

/**
 * The argon2id Wasm builds, compiled by the caller's bundler: Workers refuse to compile Wasm at run time, so the
 * app imports the `.wasm` files of the `argon2id` package (`argon2id/dist/simd.wasm`, `argon2id/dist/no-simd.wasm`)
 * and hands the modules in.
 */
export interface Argon2idWasm {
  simd: WebAssembly.Module;
  portable: WebAssembly.Module;
}

export interface Argon2idParameters {
  memorySize: number;
  passes: number;
  parallelism: number;
  tagLength: number;
}

export interface PasswordCheck {
  valid: boolean;
  /** True when the stored hash uses weaker parameters than today's and should be replaced. */
  needsRehash: boolean;
}

export interface PasswordHashing {
  hashPassword(password: string): Promise<string>;
  verifyPassword(password: string, stored: string): Promise<PasswordCheck>;
  /** Costs what a real check costs, against a hash of a random password: unknown accounts answer as slowly. */
  burnPasswordCheck(password: string): Promise<void>;
  computeArgon2id(password: string, salt: Uint8Array, parameters: Argon2idParameters): Promise<Uint8Array>;
}

const instantiate = (module: WebAssembly.Module) => async (imports: WebAssembly.Imports) => ({
  module,
  instance: await WebAssembly.instantiate(module, imports),
});

/** Password hashing over the given Wasm builds. Call once per isolate: each instance reserves 65 MiB. */
export function passwordHashing(wasm: Argon2idWasm): PasswordHashing {
  let compute: ReturnType<typeof setupArgon2id> | undefined;
  const argon2id = () => (compute ??= setupArgon2id(instantiate(wasm.simd), instantiate(wasm.portable)));

  async function computeArgon2id(password: string, salt: Uint8Array, parameters: Argon2idParameters) {
    return (await argon2id())({ password: new TextEncoder().encode(password), salt, ...parameters });
  }

  async function hashPassword(password: string): Promise<string> {
    const salt = crypto.getRandomValues(new Uint8Array(SALT_BYTES));
    const hash = await computeArgon2id(password, salt, PASSWORD_HASH_PARAMETERS);
    return formatPhc({ ...PASSWORD_HASH_PARAMETERS, salt, hash });
  }

  async function verifyPassword(password: string, stored: string): Promise<PasswordCheck> {
    const parsed = parsePhc(stored);
    if (!parsed) return { valid: false, needsRehash: false };
    const candidate = await computeArgon2id(password, parsed.salt, { ...parsed, tagLength: parsed.hash.length });
    const valid = timingSafeEqualBytes(candidate, parsed.hash);
    const needsRehash =
      parsed.memorySize < PASSWORD_HASH_PARAMETERS.memorySize || parsed.passes < PASSWORD_HASH_PARAMETERS.passes;
    return { valid, needsRehash: valid && needsRehash };
  }

  let dummyHash: Promise<string> | undefined;
  async function burnPasswordCheck(password: string): Promise<void> {
    dummyHash ??= hashPassword(crypto.randomUUID());
    await verifyPassword(password, await dummyHash);
  }

  return { hashPassword, verifyPassword, burnPasswordCheck, computeArgon2id };
}

interface PhcHash {
  memorySize: number;
  passes: number;
  parallelism: number;
  salt: Uint8Array;
  hash: Uint8Array;
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
