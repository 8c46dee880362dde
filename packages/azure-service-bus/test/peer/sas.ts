import { createHmac, timingSafeEqual } from 'node:crypto';

/** A right a shared access policy can grant, as in the Azure portal. */
export type PeerRight = 'Send' | 'Listen' | 'Manage';

/** Shared access policies the peer accepts: key name → key and rights. */
export type PeerPolicies = ReadonlyMap<string, { readonly key: string; readonly rights: ReadonlySet<PeerRight> }>;

/** The outcome of checking one SAS token. */
export type SasCheck =
  | { readonly ok: true; readonly keyName: string; readonly resource: string; readonly rights: ReadonlySet<PeerRight> }
  | { readonly ok: false; readonly reason: string };

/**
 * Checks a `SharedAccessSignature sr=…&sig=…&se=…&skn=…` token the way Service Bus does: known key name,
 * HMAC-SHA256 of `sr + "\n" + se` under that key, and not expired.
 */
export function checkSasToken(token: string, policies: PeerPolicies, nowSeconds = Date.now() / 1000): SasCheck {
  const prefix = 'SharedAccessSignature ';
  if (!token.startsWith(prefix)) return { ok: false, reason: 'not a SharedAccessSignature token' };
  const fields = new Map<string, string>();
  for (const part of token.slice(prefix.length).split('&')) {
    const at = part.indexOf('=');
    if (at > 0) fields.set(part.slice(0, at), part.slice(at + 1));
  }
  const sr = fields.get('sr');
  const sig = fields.get('sig');
  const se = fields.get('se');
  const skn = fields.get('skn');
  if (!sr || !sig || !se || !skn) return { ok: false, reason: 'the token lacks sr, sig, se or skn' };
  const policy = policies.get(skn);
  if (!policy) return { ok: false, reason: `unknown shared access key name "${skn}"` };
  if (Number(se) < nowSeconds) return { ok: false, reason: 'the token expired' };
  const expected = createHmac('sha256', policy.key).update(`${sr}\n${se}`).digest();
  const given = Buffer.from(decodeURIComponent(sig), 'base64');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return { ok: false, reason: `the signature does not match the key of "${skn}"` };
  }
  return { ok: true, keyName: skn, resource: decodeURIComponent(sr), rights: policy.rights };
}

/** The entity path a token resource (`sb://host:port/topic/...` or an https URL) covers, without slashes around it. */
export function resourcePath(resource: string): string {
  const withoutScheme = resource.replace(/^[a-z]+:\/\/[^/]*/i, '');
  return withoutScheme.replace(/\?.*$/, '').replace(/^\/+|\/+$/g, '').toLowerCase();
}

/** Whether a token for `resource` covers the entity at `address` (the namespace covers everything). */
export function covers(resource: string, address: string): boolean {
  const scope = resourcePath(resource);
  const target = address.replace(/^\/+|\/+$/g, '').toLowerCase();
  return scope === '' || target === scope || target.startsWith(`${scope}/`);
}
