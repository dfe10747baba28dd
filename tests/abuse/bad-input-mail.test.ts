// Random bad input on the mail daemon's public ports, against a real cluster: SMTP and POP3
// sessions of random commands and arguments, binary junk, over-long lines, pipelined bursts,
// DATA with odd dot-stuffing and bad AUTH exchanges. What must hold for every session:
//   - every line that calls for an answer gets one well-formed reply (SMTP: a 3-digit code, the
//     lines of a multi-line reply all with the same one; POP3: +OK or -ERR, or "+ " asking for
//     the rest of an AUTH), within the time budget of what it asks and a margin;
//   - the server hangs up only right after a reply that ends the session (SMTP 221 or 421;
//     POP3 the answer to QUIT, or an -ERR that gives up on the client);
//   - the daemon is still running and greets a fresh SMTP and POP3 session after every batch.
// The seed is printed first; BAD_INPUT_SEED replays a run, BAD_INPUT_RUNS sets how many batches.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import fc from 'fast-check';
import { waitFor } from '../../scripts/lib/processes.ts';
import { LineReader } from '../lib/raw-exchange.ts';
import { password, startMailSystem, type MailSystem } from '../mail/mail-system.ts';

const seed = Number(process.env.BAD_INPUT_SEED ?? Math.floor(Math.random() * 2 ** 31));
const numRuns = Number(process.env.BAD_INPUT_RUNS ?? 200);
console.log(`bad-input-mail: seed ${seed}, ${numRuns} runs per protocol`);
console.log(`replay: BAD_INPUT_SEED=${seed} node --import tsx --test tests/abuse/bad-input-mail.test.ts`);

/** How often each reply code (SMTP) or response kind (POP3) came, printed after each property: what the runs reached. */
const seen = new Map<string, number>();
const count = (what: string) => seen.set(what, (seen.get(what) ?? 0) + 1);
const printSeen = (label: string) => {
  console.log(`${label} replies: ${[...seen].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k}×${n}`).join(' ')}`);
  seen.clear();
};

const b64 = (s: string) => Buffer.from(s, 'latin1').toString('base64');

/**
 * One step of a session: lines sent one at a time (each answer read before the next line goes)
 * or, with `burst`, all in one write, as a pipelining client sends them. `bareLf` ends a line
 * sent alone outside a message's text with LF only.
 */
interface Step {
  lines: readonly string[];
  burst: boolean;
  bareLf: boolean;
}

const junkLine = (maxLength: number) =>
  fc.uint8Array({ maxLength }).map((a) => Buffer.from(a.filter((b) => b !== 0x0a && b !== 0x0d)).toString('latin1'));
const longLine = (prefix: string) => fc.integer({ min: 500, max: 20_000 }).map((n) => `${prefix}${'x'.repeat(n)}`);
const printable = (maxLength: number) => fc.string({ maxLength }).map((s) => s.replace(/[\r\n]/g, ' '));

function steps(lineArb: fc.Arbitrary<readonly string[]>): fc.Arbitrary<Step[]> {
  return fc.array(fc.record({ lines: lineArb, burst: fc.boolean(), bareLf: fc.boolean() }), { minLength: 1, maxLength: 20 });
}

// ---- SMTP ----

const smtpArgArb = fc.oneof(
  fc.constantFrom(
    '', ' ', 'client.example', '<alice@localhost>', '<bob@localhost>', '<nobody@localhost>', '<>', '<alice@localhost> SIZE=999999999999',
    '<alice@localhost> SIZE=-1', '<alice@localhost> BODY=8BITMIME', '<alice@localhost> SMTPUTF8', '<alice@localhost> BODY=junk',
    '<@relay.example:alice@localhost>', 'alice@localhost', '<alice@localhost', '<"quoted local"@localhost>', '<alice@[127.0.0.1]>',
    '<\u00fc\u00f1\u00ed@localhost>', '<bob@elsewhere.example>', '<postmaster>', '<someone@example.com>', '<a@b> <c@d>', '<alice@localhost> AUTH=<>',
  ),
  printable(60),
  junkLine(60),
  fc.integer({ min: 300, max: 3000 }).map((n) => `<${'a'.repeat(n)}@localhost>`),
);

const smtpCommandArb = fc
  .tuple(
    fc.constantFrom('EHLO', 'HELO', 'MAIL FROM:', 'RCPT TO:', 'DATA', 'RSET', 'NOOP', 'QUIT', 'VRFY', 'EXPN', 'HELP', 'STARTTLS', 'AUTH', 'BDAT', 'ETRN', 'XCLIENT', 'ehlo', 'Mail From:', 'rcpt to:', 'MAIL', 'RCPT', 'LHLO', ''),
    smtpArgArb,
  )
  .map(([verb, arg]) => [verb.endsWith(':') || arg === '' ? `${verb}${arg}` : `${verb} ${arg}`]);

const smtpAuthArb = fc.constantFrom(
  [`AUTH PLAIN ${b64(`\0alice\0${password('alice')}`)}`],
  [`AUTH PLAIN ${b64(`\0bob\0${password('bob')}`)}`],
  [`AUTH PLAIN ${b64('\0bob\0wrong')}`],
  [`AUTH PLAIN ${b64(`alice\0bob\0${password('bob')}`)}`],
  [`AUTH PLAIN ${b64('\0\0')}`],
  ['AUTH PLAIN !!!'],
  ['AUTH PLAIN ='],
  ['AUTH PLAIN a b c'],
  ['AUTH PLAIN', b64(`\0alice\0${password('alice')}`)],
  ['AUTH PLAIN', 'junk'],
  ['AUTH PLAIN', '*'],
  ['AUTH PLAIN', ''],
  ['AUTH LOGIN', b64('alice'), b64(password('alice'))],
  ['AUTH LOGIN', b64('bob'), 'not base64 !!'],
  ['AUTH LOGIN', '*'],
  ['AUTH LOGIN', ''],
  [`AUTH LOGIN ${b64('alice')}`, b64(password('alice'))],
  [`AUTH LOGIN ${b64('\u00ff'.repeat(300))}`, b64('x')],
  ['AUTH CRAM-MD5'],
  ['AUTH XOAUTH2 abc'],
  ['AUTH'],
);

const dataLineArb = fc.oneof(
  fc.constantFrom('Subject: odd', 'From: <alice@localhost>', 'To: <bob@localhost>', '', '..', '.x', '...', ' .', '. ', '.\u0000', '.', 'MIME-Version: 1.0', 'Content-Type: multipart/mixed; boundary=b', '--b', '--b--', '=?utf-8?B?!!!?='),
  printable(80),
  junkLine(80),
  longLine(''),
);

const smtpDataArb = fc.array(dataLineArb, { maxLength: 12 }).map((body) => ['DATA', ...body, '.']);

const smtpTransactionArb = fc
  .tuple(fc.constantFrom('<someone@example.com>', '<alice@localhost>', '<>', '<bob@localhost>'), fc.array(fc.constantFrom('<alice@localhost>', '<bob@localhost>', '<nobody@localhost>', '<x@elsewhere.example>'), { minLength: 1, maxLength: 3 }), smtpDataArb)
  .map(([from, to, data]) => [`MAIL FROM:${from}`, ...to.map((t) => `RCPT TO:${t}`), ...data]);

const smtpLinesArb: fc.Arbitrary<readonly string[]> = fc.oneof(
  { weight: 6, arbitrary: smtpCommandArb },
  { weight: 3, arbitrary: smtpAuthArb },
  { weight: 2, arbitrary: smtpDataArb },
  { weight: 3, arbitrary: smtpTransactionArb },
  { weight: 1, arbitrary: junkLine(200).map((l) => [l]) },
  { weight: 1, arbitrary: longLine('NOOP ').map((l) => [l]) },
);

const smtpSessionArb = fc.tuple(fc.constantFrom('EHLO fuzz.example', 'HELO fuzz.example', null), steps(smtpLinesArb));

// ---- POP3 ----

const pop3Arb: fc.Arbitrary<readonly string[]> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.constantFrom(
      ['USER alice'], ['USER bob'], ['USER nobody'], ['USER'], [`PASS ${password('alice')}`], ['PASS wrong'], ['PASS'], ['APOP alice 0123'],
      ['AUTH'], ['AUTH PLAIN'], ['STLS'], ['CAPA'], ['STAT'], ['LIST'], ['LIST 1'], ['LIST 0'], ['LIST -1'], ['LIST 99999999999'], ['LIST 1 2'],
      ['LIST '], ['UIDL'], ['UIDL 1'], ['RETR 1'], ['RETR 2'], ['RETR'], ['RETR x'], ['TOP 1 0'], ['TOP 1 99999999999'], ['TOP 1 -1'], ['TOP 1'],
      ['DELE 1'], ['DELE 2'], ['RSET'], ['NOOP'], ['QUIT'], ['list'], ['stat '], ['retr 1'], [''], [' '], ['NOOP extra args'],
    ),
  },
  { weight: 3, arbitrary: fc.constantFrom(['USER alice', `PASS ${password('alice')}`], ['USER bob', `PASS ${password('bob')}`], [`AUTH PLAIN ${b64(`\0alice\0${password('alice')}`)}`]) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      ['AUTH PLAIN', b64(`\0alice\0${password('alice')}`)], ['AUTH PLAIN', 'junk!!'], ['AUTH PLAIN', '*'], ['AUTH PLAIN', ''], ['AUTH PLAIN', b64('no nuls')],
      [`AUTH PLAIN ${b64(`bob\0alice\0${password('alice')}`)}`], [`AUTH PLAIN ${b64('\0alice\0')}`], ['AUTH PLAIN ='], ['AUTH PLAIN a b'], ['AUTH CRAM-MD5'],
    ),
  },
  {
    weight: 2,
    arbitrary: fc
      .tuple(fc.constantFrom('USER', 'PASS', 'LIST', 'RETR', 'TOP', 'DELE', 'UIDL', 'STAT', 'NOOP', 'AUTH', 'APOP', 'XTND', 'LAST', 'RPOP'), fc.array(fc.oneof(printable(20), junkLine(20), fc.integer().map(String)), { maxLength: 3 }))
      .map(([k, args]) => [[k, ...args].join(' ')]),
  },
  { weight: 1, arbitrary: junkLine(200).map((l) => [l]) },
  { weight: 1, arbitrary: longLine('USER ').map((l) => [l]) },
);

// ---- Reading replies ----

/** A session's failure: what went wrong, with the lines sent so far. */
class SessionFailure extends Error {}

/** The reader's deadline for a reply: the time budget of what the line asks for, and a margin. */
function replyDeadlineMs(sys: MailSystem, endOfMessage: boolean): number {
  const t = sys.cluster.config.timeouts;
  return (endOfMessage ? t.mailSubmitMs : 2 * t.interactiveOperationMs) + 5000;
}

/**
 * Runs one SMTP session; throws SessionFailure when a reply is missing, malformed or late, or the
 * server hangs up without a final reply.
 */
async function smtpSession(sys: MailSystem, hello: string | null, script: Step[], tally = true): Promise<void> {
  const c = await LineReader.connect(sys.ports.smtpPort);
  const sent: string[] = [];
  let lastReply = '';
  const fail = (why: string) => new SessionFailure(`SMTP: ${why}\n  after ${JSON.stringify(sent.map((l) => (l.length > 200 ? `${l.slice(0, 200)}…(${l.length})` : l)))}\n  last reply ${JSON.stringify(lastReply)}`);
  /** One reply; undefined when the server hung up right after a reply that allows it. */
  const reply = async (endOfMessage: boolean): Promise<string | undefined> => {
    const lines: string[] = [];
    for (;;) {
      const l = await c.line(replyDeadlineMs(sys, endOfMessage));
      if (l === 'timeout') throw fail(`no reply within ${replyDeadlineMs(sys, endOfMessage)} ms (unread ${JSON.stringify(c.unread.slice(0, 200))})`);
      if (l === 'closed') {
        if (lines.length === 0 && /^(221|421)/.test(lastReply)) return undefined;
        throw fail(`connection closed without a final reply (unread ${JSON.stringify(c.unread.slice(0, 200))})`);
      }
      const m = /^(\d{3})([ -]|$)/.exec(l);
      if (!m) throw fail(`malformed reply line ${JSON.stringify(l)}`);
      if (lines.length > 0 && !lines[0]!.startsWith(m[1]!)) throw fail(`a multi-line reply changes its code: ${JSON.stringify([...lines, l])}`);
      lines.push(l);
      if (m[2] !== '-') {
        if (tally) count(m[1]!);
        lastReply = lines.join('\n');
        return lastReply;
      }
    }
  };
  try {
    if ((await reply(false)) === undefined) return;
    let inData = false;
    /** Reads what `line` calls for; false when the session is over (closed, or TLS about to start). */
    const answer = async (line: string): Promise<boolean> => {
      if (inData && line !== '.') return true;
      const r = await reply(inData);
      if (r === undefined) return false;
      inData = false;
      if (r.startsWith('354')) inData = true;
      if (/^STARTTLS$/i.test(line.trim()) && r.startsWith('220')) return false;
      return true;
    };
    for (const step of [{ lines: hello ? [hello] : [], burst: false, bareLf: false }, ...script]) {
      if (step.burst) {
        c.write(step.lines.map((l) => `${l}\r\n`).join(''));
        for (const line of step.lines) {
          sent.push(line);
          if (!(await answer(line))) return;
        }
      } else {
        for (const line of step.lines) {
          c.write(`${line}${step.bareLf && !inData ? '\n' : '\r\n'}`);
          sent.push(line);
          if (!(await answer(line))) return;
        }
      }
    }
  } finally {
    c.destroy();
  }
}

/** The lines of a POP3 multi-line response up to its ".", within the deadline. */
async function pop3Rest(c: LineReader, deadlineMs: number, fail: (why: string) => Error): Promise<void> {
  for (;;) {
    const l = await c.line(deadlineMs);
    if (l === 'timeout') throw fail(`a multi-line response did not end within ${deadlineMs} ms`);
    if (l === 'closed') throw fail('connection closed in the middle of a multi-line response');
    if (l === '.') return;
  }
}

async function pop3Session(sys: MailSystem, script: Step[]): Promise<void> {
  const c = await LineReader.connect(sys.ports.pop3Port);
  const sent: string[] = [];
  let lastReply = '';
  let lastCommand = '';
  const fail = (why: string) => new SessionFailure(`POP3: ${why}\n  after ${JSON.stringify(sent.map((l) => (l.length > 200 ? `${l.slice(0, 200)}…(${l.length})` : l)))}\n  last reply ${JSON.stringify(lastReply)}`);
  const deadlineMs = replyDeadlineMs(sys, false);
  let saslPending = false;
  /** The response to `line` (undefined: to the greeting); false when the session is over. */
  const answer = async (line: string | undefined): Promise<boolean> => {
    const l = await c.line(deadlineMs);
    if (l === 'timeout') throw fail(`no response within ${deadlineMs} ms (unread ${JSON.stringify(c.unread.slice(0, 200))})`);
    if (l === 'closed') {
      if (/^QUIT$/i.test(lastCommand.trim()) || lastReply.startsWith('-ERR')) return false;
      throw fail(`connection closed without a final response (unread ${JSON.stringify(c.unread.slice(0, 200))})`);
    }
    if (!/^(\+OK|-ERR)( |$)/.test(l) && !(l.startsWith('+ ') || l === '+')) throw fail(`malformed response ${JSON.stringify(l)}`);
    lastReply = l;
    count(/^\S+/.exec(l)?.[0] ?? l);
    const wasSasl = saslPending;
    saslPending = l.startsWith('+ ') || l === '+';
    if (line === undefined || wasSasl) return true;
    lastCommand = line;
    // A multi-line response by the server's own reading of the command (pop3-session.ts).
    const space = line.indexOf(' ');
    const keyword = (space === -1 ? line : line.slice(0, space)).toUpperCase();
    const rest = space === -1 ? '' : line.slice(space + 1);
    const multi = keyword === 'CAPA' || (['LIST', 'UIDL', 'AUTH'].includes(keyword) && rest === '') || keyword === 'RETR' || keyword === 'TOP';
    if (multi && l.startsWith('+OK')) await pop3Rest(c, deadlineMs, fail);
    if (keyword === 'STLS' && l.startsWith('+OK')) return false;
    return true;
  };
  try {
    if (!(await answer(undefined))) return;
    for (const step of script) {
      if (step.burst) c.write(step.lines.map((l) => `${l}\r\n`).join(''));
      for (const line of step.lines) {
        if (!step.burst) c.write(`${line}${step.bareLf ? '\n' : '\r\n'}`);
        sent.push(line);
        if (!(await answer(line))) return;
      }
    }
  } finally {
    c.destroy();
  }
}

// ---- Liveness ----

/** The daemon runs and a fresh session of each protocol is greeted and answered. */
async function daemonAnswers(sys: MailSystem): Promise<void> {
  const daemon = sys.daemon.child;
  if (daemon.exitCode !== null || daemon.signalCode !== null) throw new Error(`the mail daemon exited (${daemon.exitCode ?? daemon.signalCode})`);
  const deadlineMs = replyDeadlineMs(sys, false);
  // A session just closed by the test may still count against the per-address limit for a moment.
  await waitFor(
    async () => {
      await smtpSession(sys, 'EHLO check.example', [{ lines: ['NOOP', 'QUIT'], burst: false, bareLf: false }], false);
      const c = await LineReader.connect(sys.ports.pop3Port);
      try {
        assert.match(String(await c.line(deadlineMs)), /^\+OK/);
        c.write('CAPA\r\n');
        assert.match(String(await c.line(deadlineMs)), /^\+OK/);
        await pop3Rest(c, deadlineMs, (why) => new Error(why));
        c.write('QUIT\r\n');
        assert.match(String(await c.line(deadlineMs)), /^\+OK/);
      } finally {
        c.destroy();
      }
      return true;
    },
    { timeoutMs: 15_000, what: 'a fresh SMTP and POP3 session to be answered' },
  );
}

/** Keeps a message or two in alice's inbox, so POP3 sessions have something to list, read and delete. */
async function stockInbox(sys: MailSystem): Promise<void> {
  if ((await sys.mailbox.list('alice', 'inbox')).length > 0) return;
  const lines = ['MAIL FROM:<stock@example.com>', 'RCPT TO:<alice@localhost>', 'DATA', 'Subject: stock', '', 'a line', '..a dotted line', '.'];
  await smtpSession(sys, 'EHLO stock.example', [{ lines, burst: false, bareLf: false }], false);
  await waitFor(async () => (await sys.mailbox.list('alice', 'inbox')).length > 0, { timeoutMs: 10_000, what: 'the stocked message to arrive' });
}

let sys: MailSystem;

before(async () => {
  // Idle limits as shipped; the login allowance wide enough that random failed logins do not
  // lock out the sessions that log in right.
  sys = await startMailSystem({ users: ['alice', 'bob'], mail: { loginFailuresPerUserMax: 1000, loginFailuresPerAddressMax: 1000 } });
  await stockInbox(sys);
});

after(async () => sys?.close());

async function runBatch(sessions: (() => Promise<void>)[]): Promise<void> {
  const results = await Promise.allSettled(sessions.map((s) => s()));
  const failures = results.flatMap((r) => (r.status === 'rejected' ? [r.reason instanceof Error ? r.reason.message : String(r.reason)] : []));
  try {
    await daemonAnswers(sys);
  } catch (err) {
    failures.push(`after the batch: ${(err as Error).message}`);
  }
  if (failures.length > 0) throw new Error(failures.join('\n'));
}

test('SMTP: random sessions get well-formed replies, no hang, no crash', { timeout: 900_000 }, async () => {
  const startedMs = Date.now();
  await fc.assert(
    fc.asyncProperty(fc.array(smtpSessionArb, { minLength: 1, maxLength: 3 }), (batch) => runBatch(batch.map(([hello, script]) => () => smtpSession(sys, hello, script)))),
    { seed, numRuns, includeErrorInReport: true },
  );
  printSeen('bad-input-mail SMTP');
  console.log(`bad-input-mail SMTP: ${numRuns} runs in ${((Date.now() - startedMs) / 1000).toFixed(1)} s (seed ${seed})`);
});

test('POP3: random sessions get well-formed responses, no hang, no crash', { timeout: 900_000 }, async () => {
  const startedMs = Date.now();
  await fc.assert(
    fc.asyncProperty(fc.array(steps(pop3Arb), { minLength: 1, maxLength: 3 }), async (batch) => {
      await stockInbox(sys);
      await runBatch(batch.map((script) => () => pop3Session(sys, script)));
    }),
    { seed, numRuns, includeErrorInReport: true },
  );
  printSeen('bad-input-mail POP3');
  console.log(`bad-input-mail POP3: ${numRuns} runs in ${((Date.now() - startedMs) / 1000).toFixed(1)} s (seed ${seed})`);
});
