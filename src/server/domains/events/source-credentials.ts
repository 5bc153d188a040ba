// A source's credentials: an API token (kept only as its SHA-256, like user tokens) and a webhook
// secret (kept as is: verifying an HMAC needs the key itself). Both are shown once.
import { randomBytes } from 'node:crypto';
import { hashToken } from '../auth/tokens.js';

export const SOURCE_TOKEN_PREFIX = 'stw_src_';

export function newSourceCredentials() {
  const token = `${SOURCE_TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
  const webhookSecret = `whsec_${randomBytes(32).toString('base64url')}`;
  return { token, tokenHash: hashToken(token), webhookSecret };
}

export const isSourceToken = (token: string) => token.startsWith(SOURCE_TOKEN_PREFIX) && token.length <= 100;
