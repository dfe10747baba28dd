import assert from 'node:assert/strict';
import { test } from 'node:test';
import { IntakeLimits, connectionMessagesError } from './intake-limits.ts';

test('senders and users are counted apart, each refused with 451 4.7.1 past its hourly limit', () => {
  const limits = new IntakeLimits({ inboundMessagesPerSenderPerHourMax: 2, sendsPerUserPerHourMax: 1 });
  const t = 1_000_000;
  limits.checkSender('Flood@Example.org', t);
  limits.recordSender('Flood@Example.org', t);
  limits.recordSender('flood@example.org', t);
  assert.throws(() => limits.checkSender('flood@example.org', t + 1000), (err: { responseCode?: number; message: string }) => err.responseCode === 451 && err.message.startsWith('4.7.1'));
  limits.checkSender('other@example.org', t);
  limits.checkUser('alice', t);
  limits.recordUser('alice', t);
  assert.throws(() => limits.checkUser('alice', t), /4\.7\.1/);
  limits.checkUser('alice', t + 3_600_000 + 300_000);
  assert.equal(connectionMessagesError(3).responseCode, 451);
});
