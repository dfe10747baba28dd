import assert from 'node:assert/strict';
import { test } from 'node:test';
import { newDeviceId, openDevice, sealDevice } from './device-cookie.ts';
import { deviceCookie } from './session-cookie.ts';

const secret = 'a session secret of at least thirty-two characters';
const day = 24 * 3600_000;
const issuedMs = Date.UTC(2026, 10, 1);

test('a sealed device opens with its secret, names its user and device, until its ttl', () => {
  const device = { user: 'alice', id: newDeviceId(), issuedMs };
  const value = sealDevice(secret, device);
  assert.match(value, /^v1~alice~[A-Za-z0-9_-]+~\d+~[A-Za-z0-9_-]+$/);
  assert.deepEqual(openDevice(secret, value, issuedMs + day, 30 * day), device);
  assert.equal(openDevice(secret, value, issuedMs + 30 * day, 30 * day), undefined, 'expired');
  assert.equal(openDevice('another secret of at least thirty-two characters', value, issuedMs, 30 * day), undefined);
});

test('a changed user, id or time, a cut signature or garbage does not open', () => {
  const value = sealDevice(secret, { user: 'alice', id: 'dev1', issuedMs });
  const parts = value.split('~');
  const tampered = [
    [parts[0], 'mallory', ...parts.slice(2)].join('~'),
    [...parts.slice(0, 2), 'dev2', ...parts.slice(3)].join('~'),
    [...parts.slice(0, 3), String(Number(parts[3]) + 1), parts[4]].join('~'),
    value.slice(0, -2),
    `${value}~x`,
    'v2~alice~dev1~1~x',
    '',
  ];
  for (const bad of tampered) assert.equal(openDevice(secret, bad, issuedMs, 30 * day), undefined, bad);
});

test('the device cookie is HttpOnly and SameSite=Strict; over HTTPS __Host- and Secure', () => {
  assert.deepEqual(deviceCookie('https'), { name: '__Host-penncloud_device', options: { httpOnly: true, sameSite: 'strict', secure: true, path: '/' } });
  assert.deepEqual(deviceCookie('http'), { name: 'penncloud_device', options: { httpOnly: true, sameSite: 'strict', secure: false, path: '/' } });
});
