// Device cookies, after OWASP's "Slow Down Online Guessing Attacks with Device Cookies": a
// browser that has logged in (or signed up) as a user gets a cookie naming that user and a
// random device id, signed by this server. Later attempts for that user carrying a valid one
// count against that device's own allowance (web.loginFailuresPerDeviceMax), not the user's
// untrusted one (cluster/model/accounts/login-limit.ts), so a guesser elsewhere who uses up the
// user's allowance locks out only browsers the user never logged in from.
//
// Value: `v1~<user>~<device id>~<issued, s>~<HMAC-SHA256, base64url>` — '~' is in no username
// and in no base64url. The key is derived from the session secret, so a new secret also ends
// every device's trust. A cookie is honoured for web.deviceCookieTtlSeconds after it was given;
// each successful login gives it again (the same device id), so a browser in use stays trusted.
// One per browser: logging in as another user replaces it. Cookie attributes: session-cookie.ts.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { cookies, headers } from 'next/headers';
import { serverContext } from './context';
import { requestScheme } from './request';
import { deviceCookie } from './session-cookie';

export interface Device {
  user: string;
  id: string;
  issuedMs: number;
}

const version = 'v1';

function signature(secret: string, payload: string): Buffer {
  const key = createHmac('sha256', secret).update('penncloud device cookie').digest();
  return createHmac('sha256', key).update(payload).digest();
}

export function sealDevice(secret: string, device: Device): string {
  const payload = [version, device.user, device.id, Math.floor(device.issuedMs / 1000)].join('~');
  return `${payload}~${signature(secret, payload).toString('base64url')}`;
}

/** The device a cookie value names, when its signature holds and it is younger than ttlMs. */
export function openDevice(secret: string, value: string, nowMs: number, ttlMs: number): Device | undefined {
  const parts = value.split('~');
  if (parts.length !== 5 || parts[0] !== version) return undefined;
  const [, user, id, issued, mac] = parts as [string, string, string, string, string];
  const expected = signature(secret, parts.slice(0, 4).join('~'));
  const given = Buffer.from(mac, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  const issuedMs = Number(issued) * 1000;
  if (!Number.isSafeInteger(issuedMs) || nowMs - issuedMs >= ttlMs || issuedMs - nowMs > 60_000) return undefined;
  return { user, id, issuedMs };
}

export function newDeviceId(): string {
  return randomBytes(12).toString('base64url');
}

async function currentDevice(): Promise<Device | undefined> {
  const ctx = serverContext();
  const { name } = deviceCookie(requestScheme(await headers()));
  const value = (await cookies()).get(name)?.value;
  return value ? openDevice(ctx.sessionSecret, value, Date.now(), ctx.config.web.deviceCookieTtlSeconds * 1000) : undefined;
}

/** The id of this browser's device when its cookie is valid and names `username`. */
export async function trustedDevice(username: string): Promise<string | undefined> {
  const device = await currentDevice();
  return device?.user === username ? device.id : undefined;
}

/** Gives this browser the device cookie of `username` (keeping its device id if it had one for them). */
export async function giveDeviceCookie(username: string): Promise<void> {
  const ctx = serverContext();
  const current = await currentDevice();
  const id = current?.user === username ? current.id : newDeviceId();
  const { name, options } = deviceCookie(requestScheme(await headers()));
  const ttlSeconds = ctx.config.web.deviceCookieTtlSeconds;
  (await cookies()).set(name, sealDevice(ctx.sessionSecret, { user: username, id, issuedMs: Date.now() }), { ...options, maxAge: ttlSeconds });
}
