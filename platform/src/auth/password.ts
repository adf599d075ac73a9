import { passwordHashing } from '@castio/shared/crypto';
import simd from 'argon2id/dist/simd.wasm';
import portable from 'argon2id/dist/no-simd.wasm';

/** The platform's password hashing: @castio/shared's argon2id over the Wasm builds wrangler bundles. */
export const { hashPassword, verifyPassword, burnPasswordCheck, computeArgon2id } = passwordHashing({ simd, portable });
