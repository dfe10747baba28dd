// The one config of every PennCloud process: defaults, then the JSON file named by
// PENNCLOUD_CONFIG, then environment overrides, validated once with zod and frozen. Nothing
// else reads process.env. Ports and addresses follow docs/ARCHITECTURE.md: node g<G>r<R> listens on
// kvs.basePort + replicas·G + R unless kvs.nodes names its address. Spread over machines, one
// config names every process's address (docs/DEPLOY.md): kvs.nodes, coordinator.members[].host,
// lb.grpcHost, mail.grpcHost, web.hosts, http.host (the balancer's HTTP port).
//
// Environment overrides: PENNCLOUD_HOST, PENNCLOUD_DATA_DIR, and any setting by its path with
// double underscores, the value parsed as JSON when it parses: PENNCLOUD__kvs__memoryBytesMax=8388608.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { PennError } from './errors.ts';
import { isAddressOrBlock } from './public-http/forwarded.ts';

const MiB = 1024 * 1024;
const port = z.number().int().min(1).max(65535);
const address = z.string().regex(/^[^\s:]+:\d{1,5}$/, 'expected host:port');

const kvsSchema = z
  .object({
    groups: z.number().int().min(1).max(26).default(3),
    /** A node that serves alone, without coordinator or replicas (tests and benchmarks of one node). */
    standalone: z.boolean().default(false),
    replicas: z.number().int().min(1).max(7).default(3),
    basePort: port.default(7001),
    /** Explicit addresses by node id (g0r0 …), for nodes on other machines. */
    nodes: z.record(z.string(), address).default({}),
    /** First characters where groups 1, 2 … begin (lower-cased first character of the row). */
    groupBoundaries: z.array(z.string().length(1)).default(['j', 's']),
    rowBytesMax: z.number().int().min(16).max(65536).default(1024),
    columnBytesMax: z.number().int().min(16).max(65536).default(1024),
    valueBytesMax: z.number().int().min(1024).max(64 * MiB).default(4 * MiB),
    /** Bytes of tablets kept in memory; the least recently used are evicted past it. */
    memoryBytesMax: z.number().int().min(64 * 1024).default(64 * MiB),
    /** A tablet splits in two when it grows past this. */
    tabletBytesMax: z.number().int().min(16 * 1024).default(8 * MiB),
    /** A checkpoint is taken after this many logged writes. */
    checkpointEveryWrites: z.number().int().min(1).default(20000),
    /** Writes waiting for the log beyond this are refused with RESOURCE_EXHAUSTED. */
    pendingWritesMax: z.number().int().min(1).default(4096),
    scanRowsMax: z.number().int().min(1).max(10000).default(1000),
    /** Most columns one ListColumns reply holds; a caller asking for more (or for no limit) pages. */
    listColumnsMax: z.number().int().min(1).max(100000).default(10000),
    /**
     * Most bytes of column names one ListColumns reply holds (one column always fits): with
     * listColumnsMax it keeps every reply well under the 16 MiB a gRPC message may carry.
     */
    listColumnsBytesMax: z.number().int().min(64 * 1024).max(8 * MiB).default(4 * MiB),
    /**
     * Most bytes of names and values one ListColumns reply asked for values holds; the page stops
     * before the column that would go over, but always holds one column (up to valueBytesMax).
     */
    listValuesBytesMax: z.number().int().min(64 * 1024).max(8 * MiB).default(4 * MiB),
    /**
     * What ClusterClient.readColumns gathers over all its pages (names and values) when its
     * caller names no budget: it stops there and says more remain, so no wide row fills a
     * frontend's memory.
     */
    readColumnsBytesMax: z.number().int().min(64 * 1024).default(32 * MiB),
    // Batch (proto/kvs.proto): the cluster client sends the operations bound for one node in one
    // turn of its event loop as one call, within these bounds; a node refuses a larger batch.
    /** Most operations in one Batch call. */
    batchOpsMax: z.number().int().min(2).max(4096).default(256),
    /**
     * Most bytes of rows, columns, values and expected values in one Batch call; an operation
     * larger than this alone goes as its own call (a large value gains nothing from company).
     */
    batchBytesMax: z.number().int().min(64 * 1024).max(8 * MiB).default(1 * MiB),
    /**
     * Most bytes of values the Gets of one Batch reply carry, under the 16 MiB a gRPC message may
     * hold; a Get past it is answered "send alone" and the client asks for it with Get.
     */
    batchReplyBytesMax: z.number().int().min(64 * 1024).max(12 * MiB).default(8 * MiB),
    /**
     * Batches one BatchStream may have a node serving at once; past it the node reads no more
     * of that stream until one is answered (HTTP/2 flow control then holds the sender back).
     */
    batchStreamInFlightMax: z.number().int().min(1).max(4096).default(64),
  })
  .strict();

const coordinatorMemberSchema = z
  .object({
    /** c0, c1, … : names the member's data dir and its log. */
    id: z.string().regex(/^c\d{1,2}$/, 'expected c<number>'),
    /** Defaults to the top-level host. */
    host: z.string().optional(),
    port,
  })
  .strict();

const coordinatorSchema = z
  .object({
    /**
     * The coordinator group (Raft, cluster/coordinator/RAFT.md): an odd number of members, of
     * which a majority must be up for any membership change. One member is a group of one.
     */
    members: z
      .array(coordinatorMemberSchema)
      .min(1)
      .max(7)
      .default([
        { id: 'c0', port: 7000 },
        { id: 'c1', port: 7011 },
        { id: 'c2', port: 7012 },
      ]),
    // Timings (RAFT.md, "Timings"): a node is down after heartbeatMissesMax intervals without an
    // answer (400 ms), a dead primary's lease is over within leaseMs of its death (700 ms), so a
    // failover takes under a second; a slow answer still counts, so a loaded machine does not
    // fail over.
    heartbeatIntervalMs: z.number().int().min(10).default(100),
    /** Intervals without an answer before a node is declared down. */
    heartbeatMissesMax: z.number().int().min(1).default(4),
    /** A primary that has not heard from the coordinator this long stops acknowledging. */
    leaseMs: z.number().int().min(50).default(700),
    /** Raft: the leader's heartbeat to the other coordinators. */
    raftHeartbeatMs: z.number().int().min(5).default(100),
    /** Raft: a follower that hears no leader for a random time in [this, 2 × this) stands for election. */
    electionTimeoutMs: z.number().int().min(20).default(500),
    /** Raft: the log is compacted into a snapshot after this many applied entries. */
    snapshotEveryEntries: z.number().int().min(2).default(1000),
  })
  .strict();

const lbSchema = z
  .object({
    httpPort: port.default(8080),
    grpcPort: port.default(7010),
    /** Address of the balancer's gRPC service: where it binds, and where frontends and admins
     *  reach it (on another machine: its address there). null: the top-level host. The HTTP port
     *  binds to http.host. */
    grpcHost: z.string().regex(/^[^\s:]+$/, 'expected an IPv4 address or a host name').nullable().default(null),
    frontendHeartbeatTimeoutMs: z.number().int().min(100).default(3000),
    /** Open connections to the balancer's HTTP port, in total and per client address; one over a
     *  cap is answered 503 and closed. Its requests are heads only (it reads no body). */
    connectionsMax: z.number().int().min(1).default(4096),
    connectionsPerAddressMax: z.number().int().min(1).default(256),
  })
  .strict();

const webSchema = z
  .object({
    frontends: z.number().int().min(1).max(16).default(4),
    basePort: port.default(8081),
    /** Address of each frontend, by number: frontend n binds to hosts[n - 1] (its machine's
     *  address) and the balancer knows it there; a frontend without an entry binds to http.host. */
    hosts: z.array(z.string().regex(/^[^\s:]+$/, 'expected an IPv4 address or a host name')).max(16).default([]),
    /** Session secret (≥ 32 chars); generated once into the data dir when absent. */
    sessionSecret: z.string().min(32).optional(),
    admins: z.array(z.string()).default([]),
    quotaBytes: z.number().int().min(0).default(10 * 1024 * MiB),
    /** Which frontend this process is (1…frontends); set by `npm run web -- <n>`, 0 elsewhere. */
    frontend: z.number().int().min(0).max(16).default(0),
    /** Host name put in the load balancer's redirects; null: the name the browser used for it. */
    publicHost: z.string().regex(/^[A-Za-z0-9.-]+$/, 'expected a host name').nullable().default(null),
    /** Origins accepted on mutating requests besides the frontend's own (e.g. behind a proxy). */
    allowedOrigins: z.array(z.string().url()).default([]),
    heartbeatIntervalMs: z.number().int().min(50).default(1000),
    sessionTtlSeconds: z.number().int().min(60).default(7 * 24 * 3600),
    /** Largest JSON or form body a route handler reads. */
    bodyBytesMax: z.number().int().min(1024).max(16 * MiB).default(64 * 1024),
    /** scrypt cost: N = 2^scryptCostLog2 (r = 8, p = 1); stored with each hash. */
    scryptCostLog2: z.number().int().min(10).max(20).default(15),
    /** Password hashes computed at once per frontend; more wait in a queue of scryptQueueMax. */
    scryptConcurrencyMax: z.number().int().min(1).max(64).default(2),
    scryptQueueMax: z.number().int().min(0).default(64),
    /** Failed logins allowed per user and per client address within loginWindowMs (per frontend). */
    loginWindowMs: z.number().int().min(1000).default(60_000),
    loginFailuresPerUserMax: z.number().int().min(1).default(5),
    loginFailuresPerAddressMax: z.number().int().min(1).default(20),
    /** Failed logins allowed within loginWindowMs to one browser carrying a device cookie for
     *  the user (OWASP device cookies: its own allowance, not the user's untrusted one). */
    loginFailuresPerDeviceMax: z.number().int().min(1).default(5),
    /** How long a device cookie (given at a successful login or sign-up) is honoured. */
    deviceCookieTtlSeconds: z.number().int().min(60).default(180 * 24 * 3600),
    /** Sign-ups allowed per client address (counted in the store, for every frontend together)
     *  and per frontend (all addresses) within signupWindowMs. */
    signupWindowMs: z.number().int().min(1000).default(3600_000),
    signupsPerAddressMax: z.number().int().min(1).default(20),
    signupsPerFrontendMax: z.number().int().min(1).default(200),
    /** Time to receive a whole request, body included (Node's requestTimeout); a drive upload is
     *  one request, so this bounds how long the largest upload may take. */
    requestTimeoutMs: z.number().int().min(1000).default(3600_000),
    /** Open connections per frontend, and per client address (the socket's peer, or the client a
     *  trusted proxy names); one over a cap is answered 503 and closed. */
    connectionsMax: z.number().int().min(1).default(2048),
    connectionsPerAddressMax: z.number().int().min(1).default(256),
    /** A request body of more bytes than this (or of no declared length, on a route that takes
     *  large ones: mail with attachments, drive uploads) is large. A frontend reads large bodies
     *  in largeBodiesInFlightMax turns at once — a drive upload takes one, a body read whole (a
     *  mail) all of them; the others wait timeouts.largeBodyWaitMs for theirs. */
    largeBodyBytesMin: z.number().int().min(1024).default(1 * MiB),
    largeBodiesInFlightMax: z.number().int().min(1).default(4),
    /** Drive sharing (web/lib/server/drive/drive-share-*.ts). Shares (links and users) one user
     *  may have at once; each is a column of the owner's `<user>#shares` row. */
    sharesPerUserMax: z.number().int().min(1).max(10_000).default(500),
    /** A link's expiry is at most this far ahead when it is made. */
    shareExpiryMaxMs: z.number().int().min(60_000).default(365 * 24 * 3600_000),
    /** Look-ups of a link token that names no link, and wrong link passwords, allowed per client
     *  address within shareGuessWindowMs (counted in the store, for every frontend together);
     *  past them the address is answered 429. Wrong passwords are also limited per link. */
    shareGuessWindowMs: z.number().int().min(1000).default(60_000),
    shareMissesPerAddressMax: z.number().int().min(1).default(30),
    sharePasswordFailuresPerAddressMax: z.number().int().min(1).default(10),
    sharePasswordFailuresPerLinkMax: z.number().int().min(1).default(20),
    /** How long a link's password, once given, is remembered by its signed cookie. */
    sharePasswordCookieTtlSeconds: z.number().int().min(60).default(3600),
  })
  .strict();

/** The drive (web/lib/server/drive/): file content in chunks spread over rows of chunksPerRow. */
const driveSchema = z
  .object({
    /** One chunk is one KVS value (docs/ARCHITECTURE.md: at most 1 MiB). */
    chunkBytes: z.number().int().min(1024).max(1 * MiB).default(1 * MiB),
    /** Chunks per `<user>#file#<id>#<n>` row, so no row of a large file grows without bound. */
    chunksPerRow: z.number().int().min(1).max(256).default(16),
    /** Chunk writes (upload) and reads (download) in flight per transfer. */
    writeAheadChunks: z.number().int().min(1).max(16).default(4),
    readAheadChunks: z.number().int().min(1).max(16).default(4),
    /** A live upload renews its record this often; one not renewed for uploadStaleMs is reclaimed. */
    uploadTouchMs: z.number().int().min(100).default(10_000),
    uploadStaleMs: z.number().int().min(500).default(120_000),
    /** An upload that receives no bytes for this long is abandoned. */
    uploadIdleMs: z.number().int().min(1000).default(60_000),
    /** Uploads open at once per user. */
    uploadsOpenMax: z.number().int().min(1).max(1000).default(64),
    /** Entries (files and folders) one folder has room for. A folder's entries are spread over
     *  bucket cells by a hash of their name (web/lib/server/drive/drive-buckets.ts); a new
     *  folder gets enough buckets for this many with a quarter to spare, so a change rewrites one
     *  bucket, never the whole folder. */
    folderEntriesMax: z.number().int().min(1).max(1_000_000).default(200_000),
    /** Entries one bucket cell holds at most, so no change rewrites more than this many. */
    folderBucketEntriesMax: z.number().int().min(16).max(10_000).default(1024),
    /** Items one page of a folder listing answers by default, and at most. */
    folderPageItems: z.number().int().min(1).max(5000).default(200),
    folderPageItemsMax: z.number().int().min(1).max(5000).default(1000),
    /** A frontend keeps the entries of a folder of at least folderSnapshotEntriesMin that it
     *  read for a first page, sorted, for folderSnapshotMs: the pages after it are served from
     *  there (a walk of a large folder reads it once), at most folderSnapshotsMax folders. */
    folderSnapshotMs: z.number().int().min(0).max(600_000).default(10_000),
    folderSnapshotEntriesMin: z.number().int().min(1).default(5000),
    folderSnapshotsMax: z.number().int().min(0).max(100).default(4),
    /** A resumable (tus) upload that receives no bytes for this long is reclaimed: its chunks,
     *  its state and its room are freed, and resuming it answers 404 (docs/API.md, "Resumable
     *  uploads"). Measured from its last PATCH, so one that keeps moving never expires. */
    resumableUploadTtlMs: z.number().int().min(1000).default(24 * 3600_000),
    /** Trash (web/lib/server/drive/drive-trash.ts): an item stays this long, then a sweep deletes it for good. */
    trashRetentionMs: z.number().int().min(1000).default(30 * 24 * 60 * 60 * 1000),
    /** The sweep runs when a user's drive is opened, at most this often per user and frontend… */
    trashSweepIntervalMs: z.number().int().min(1000).default(60_000),
    /** …and deletes at most this many expired items each time (the rest wait for the next run). */
    trashSweepItemsMax: z.number().int().min(1).max(1000).default(20),
    /** The background sweep (web/lib/server/drive/drive-housekeeping.ts) runs on each frontend
     *  about this often, and looks at most at this many drives with work due each run: Trash
     *  past trashRetentionMs, uploads and deletes whose frontend died. */
    housekeepingIntervalMs: z.number().int().min(200).default(60_000),
    housekeepingDrivesMax: z.number().int().min(1).max(10_000).default(100),
    /** Matches one search answers (web/lib/server/drive/drive-search.ts); it says when there were more. */
    searchHitsMax: z.number().int().min(1).max(1000).default(100),
    /** Thumbnails (web/lib/server/drive/drive-thumbnail.ts): the longest side of one, in pixels… */
    thumbnailEdgePx: z.number().int().min(16).max(1024).default(256),
    /** …made only of images up to this many bytes (each is read whole to make it)… */
    thumbnailSourceBytesMax: z.number().int().min(1024).max(256 * MiB).default(32 * MiB),
    /** …and up to this many pixels (width × height, from the header, before decoding: sharp's limitInputPixels). */
    thumbnailInputPixelsMax: z.number().int().min(1).max(268_402_689).default(50_000_000),
    /** Thumbnails being made at once per frontend, and how many more may wait (then 503, try again). */
    thumbnailJobsMax: z.number().int().min(1).max(16).default(2),
    thumbnailQueueMax: z.number().int().min(0).max(10_000).default(64),
    /** How long a browser keeps a thumbnail without asking again (Cache-Control max-age); a file's content never changes under its id. */
    thumbnailCacheSeconds: z.number().int().min(0).max(365 * 24 * 3600).default(7 * 24 * 3600),
  })
  .strict();

const mailSchema = z
  .object({
    domain: z.string().min(1).default('localhost'),
    smtpPort: port.default(2525),
    pop3Port: port.default(1100),
    grpcPort: port.default(7100),
    /** Address of the gRPC service (Mail.Send): where the daemon binds it and frontends reach it
     *  (on another machine: its address there). null: the top-level host. */
    grpcHost: z.string().regex(/^[^\s:]+$/, 'expected an IPv4 address or a host name').nullable().default(null),
    /** host:port that receives all outbound mail instead of an MX lookup. */
    relay: address.nullable().default(null),
    messageBytesMax: z.number().int().min(1024).default(25 * MiB),
    /** Address the SMTP and POP3 listeners bind to; null: the top-level host. Mail often faces
     *  the network while the store stays on loopback. gRPC binds to grpcHost. */
    host: z.string().min(1).nullable().default(null),
    /** Raw messages are stored in chunks of this size (each one KVS value). */
    chunkBytes: z.number().int().min(1024).max(4 * MiB).default(1 * MiB),
    /** STARTTLS/STLS with tlsCertFile/tlsKeyFile, or a self-signed certificate generated once
     *  into <dataDir>/mail-tls/ when those are null. Off: plain-text AUTH only on loopback. */
    tls: z.boolean().default(true),
    tlsCertFile: z.string().min(1).nullable().default(null),
    tlsKeyFile: z.string().min(1).nullable().default(null),
    /** Open connections per protocol in total and per client address. */
    connectionsMax: z.number().int().min(1).default(200),
    connectionsPerAddressMax: z.number().int().min(1).default(20),
    /** Failed logins (SMTP AUTH and POP3 together) per user and per address within loginWindowMs. */
    loginWindowMs: z.number().int().min(1000).default(60_000),
    loginFailuresPerUserMax: z.number().int().min(1).default(5),
    loginFailuresPerAddressMax: z.number().int().min(1).default(20),
    /** Failed logins within loginWindowMs for a user from an address the user's mail logins
     *  succeeded from (its own allowance: a mail client's stand-in for a device cookie), how
     *  long such an address stays trusted after its last success, and how many per user. */
    loginFailuresPerClientMax: z.number().int().min(1).default(5),
    trustedClientTtlMs: z.number().int().min(60_000).default(30 * 24 * 3600_000),
    trustedClientsPerUserMax: z.number().int().min(1).max(256).default(16),
    recipientsMax: z.number().int().min(1).max(1000).default(100),
    /** Idle time before a session is closed (RFC 1939 §3: at least 10 minutes for POP3). */
    smtpIdleTimeoutMs: z.number().int().min(1000).default(5 * 60_000),
    pop3IdleTimeoutMs: z.number().int().min(1000).default(10 * 60_000),
    /** POP3 shows at most this many (the newest) inbox messages per session. */
    pop3MessagesMax: z.number().int().min(1).default(10_000),
    /** POP3 commands that fail (unknown, bad arguments) before the server hangs up. */
    pop3ErrorsMax: z.number().int().min(1).default(20),
    /** Outbound mail waiting in the queue; submissions beyond it get a temporary failure. */
    queueLengthMax: z.number().int().min(1).default(10_000),
    /** Deliveries in flight at once. */
    deliveryConcurrencyMax: z.number().int().min(1).max(100).default(4),
    /** Delivery attempts before the sender gets a bounce; the wait doubles from retryBaseMs up to retryMaxMs. */
    deliveryAttemptsMax: z.number().int().min(1).max(100).default(20),
    retryBaseMs: z.number().int().min(10).default(60_000),
    retryMaxMs: z.number().int().min(10).default(4 * 3600_000),
    /** Connect, greeting and idle timeout of one outbound SMTP connection. */
    deliveryTimeoutMs: z.number().int().min(100).default(60_000),
    /** Octets a user's mailbox (inbox and sent) may hold; past it, mail to them is refused (452/552 4.2.2/5.2.2). */
    mailboxQuotaBytes: z.number().int().min(1024).default(1024 * MiB),
    /** Messages one SMTP connection may deliver; then 451 4.7.1 until the client reconnects. */
    inboundMessagesPerConnectionMax: z.number().int().min(1).default(1000),
    /** Messages accepted per envelope sender (MAIL FROM) in an hour from sessions without login. */
    inboundMessagesPerSenderPerHourMax: z.number().int().min(1).default(10_000),
    /** Messages a logged-in user may send in an hour, over SMTP and the webmail together. */
    sendsPerUserPerHourMax: z.number().int().min(1).default(1000),
    /** Messages a webmail listing sorted by sender or subject sorts: the folder's newest this many. */
    sortMessagesMax: z.number().int().min(1).max(100_000).default(2000),
    /** Folders a user may make (besides Inbox, Drafts, Sent, Junk and Trash), and the characters
     *  of a folder's full name ("Projects/2026": levels split by "/"). All folders' names live in
     *  one state value per mailbox (cluster/model/mail/mailbox-state.ts), which these bound. */
    foldersMax: z.number().int().min(0).max(1000).default(100),
    folderNameCharsMax: z.number().int().min(1).max(1000).default(200),
    /** How long a message stays in Trash before a sweep deletes it for good. */
    trashRetentionMs: z.number().int().min(60_000).default(30 * 24 * 3600_000),
    /** A mailbox's Trash is swept at most this often, when the mailbox is opened (its folders listed). */
    trashSweepIntervalMs: z.number().int().min(1000).default(6 * 3600_000),
    /** IMAP4rev1 (cluster/smtp/io/imap-server.ts) on mail.host, beside SMTP and POP3. */
    imapPort: port.default(1143),
    /** How often an IDLE client's folder change counter is read (one small Get): new mail shows
     *  within about this long; each idle session costs a read this often. */
    imapIdlePollMs: z.number().int().min(50).default(300),
    /** Logged-in IMAP sessions per user at once (a phone and a desktop open several each). */
    imapSessionsPerUserMax: z.number().int().min(1).default(20),
    /** A logged-in IMAP session silent this long is logged out (RFC 3501 §5.4: at least 30 min;
     *  it also bounds an IDLE, which clients renew every 29 minutes). */
    imapIdleTimeoutMs: z.number().int().min(1000).default(30 * 60_000),
    /** IMAP commands answered BAD before the server hangs up, and the longest command line
     *  (literals excluded: those are bounded by messageBytesMax). */
    imapErrorsMax: z.number().int().min(1).default(20),
    imapLineBytesMax: z.number().int().min(1024).max(1024 * 1024).default(64 * 1024),
    /** Mail search (cluster/model/mail/mail-search.ts) reads the index row in pages of at most
     *  this many bytes (the memory one search holds at once)… */
    searchPageBytes: z.number().int().min(64 * 1024).max(8 * MiB).default(4 * MiB),
    /** …and at most this many bytes in all; past it the search stops and says there may be more. */
    searchScanBytesMax: z.number().int().min(64 * 1024).default(512 * MiB),
  })
  .strict();

const tlsSchema = z
  .object({
    /**
     * mutual: every internal gRPC server and channel uses TLS with certificates of the cluster CA
     * (docs/DEPLOY.md). plaintext: no TLS, for local development only; internal services must
     * then bind to loopback.
     */
    mode: z.enum(['mutual', 'plaintext']).default('mutual'),
    /** The CA certificate and this machine's certificates; default <dataDir>/certs. */
    dir: z.string().min(1).optional(),
    /** The certificate this process presents; each main.ts sets its own (cluster/common/tls/credentials.ts). */
    identity: z.string().regex(/^[a-z0-9-]{1,63}$/, 'expected a certificate name').optional(),
    /** How often certificate files are read again, so a reissued one is used without a restart. */
    refreshMs: z.number().int().min(100).default(60_000),
  })
  .strict();

/**
 * The public listeners — the balancer's HTTP port and the frontends — as people reach them
 * (docs/DEPLOY.md, "HTTPS for people"). One section for both: a browser goes from the balancer
 * to a frontend on the same host name, so both speak the same scheme with the same certificate.
 */
const httpSchema = z
  .object({
    /** Address the public listeners bind to; internal gRPC services bind to the top-level host. */
    host: z.string().regex(/^[^\s:]+$/, 'expected an IPv4 address or a host name').default('127.0.0.1'),
    /** HTTPS with this certificate chain (PEM, leaf first) and key; null: plain HTTP. */
    tls: z.object({ certFile: z.string().min(1), keyFile: z.string().min(1) }).strict().nullable().default(null),
    /** Reverse proxies (addresses or CIDR blocks) whose X-Forwarded-For and X-Forwarded-Proto are believed. */
    trustedProxies: z.array(z.string().refine(isAddressOrBlock, 'expected an IP address or a CIDR block')).default([]),
    /** Serve plain HTTP on a non-loopback host with neither tls nor trustedProxies. Never the default. */
    allowPlainHttp: z.boolean().default(false),
    /** Strict-Transport-Security max-age on HTTPS responses; 0 tells browsers to forget it. */
    hstsMaxAgeSeconds: z.number().int().min(0).max(2 * 365 * 24 * 3600).default(365 * 24 * 3600),
  })
  .strict();

/**
 * How long each party waits, in milliseconds. Calls nest — a person's request waits for a storage
 * operation, which makes calls to a node, which may forward to its primary, which waits for its
 * backups — and each callee's budget is shorter than its caller's, so whoever waits hears an
 * answer (an error at worst) before it gives up; `checkTimeBudgets` refuses a config that breaks
 * the order (docs/ARCHITECTURE.md, "Time budgets").
 */
const timeoutsSchema = z
  .object({
    /** One storage operation, retries included, while a person waits (a web request, an SMTP or
     *  POP3 reply). A failover takes about a second, so this outlasts one and still answers fast. */
    interactiveOperationMs: z.number().int().min(100).default(2500),
    /** One storage operation inside a drive upload or download under way, which would rather
     *  wait out a failover than fail a large transfer halfway. */
    transferOperationMs: z.number().int().min(100).default(10_000),
    /** One storage operation nobody waits on (tools, mail delivery retries): how long it retries. */
    backgroundOperationMs: z.number().int().min(100).default(15_000),
    /** One call to the coordinator group, its leader search included. */
    coordinatorCallMs: z.number().int().min(50).default(2000),
    /** One call from a client to a storage node. */
    storageCallMs: z.number().int().min(50).default(5000),
    /** A backup forwarding a call to its primary on the caller's behalf. */
    forwardMs: z.number().int().min(50).default(4500),
    /** A primary waiting for its in-sync backups to log a write before it answers. */
    commitMs: z.number().int().min(50).default(4000),
    /** A backup acknowledging one replicated write; past it the primary reports the backup. */
    replicationMs: z.number().int().min(50).default(1000),
    /** A frontend handing a message to the mail daemon (Mail.Send): several storage operations. */
    mailSubmitMs: z.number().int().min(100).default(30_000),
    /** An administrator's revive: the node reloads its data and catches up before it answers. */
    revivalMs: z.number().int().min(100).default(120_000),
    /** A checkpoint sent to a backup that is catching up (gigabytes take a while; a stalled
     *  transfer still ends). */
    snapshotMs: z.number().int().min(1000).default(10 * 60_000),
    /** The admin console's calls: the live status of each process, Halt and Revive (a revive
     *  waits up to revivalMs regardless), one raw read of the data browser. */
    adminStatusMs: z.number().int().min(50).default(1000),
    adminNodeActionMs: z.number().int().min(100).default(15_000),
    adminDataMs: z.number().int().min(100).default(5000),
    /** A drive change that moves folders waits this long for another one to finish. */
    driveLockWaitMs: z.number().int().min(100).default(10_000),
    /** The mail daemon's start keeps trying to load its queue while storage elects primaries. */
    mailStartupLoadMs: z.number().int().min(1000).default(60_000),
    /** A web request's head (request line and headers) must arrive within this. */
    requestHeadersMs: z.number().int().min(100).default(10_000),
    /** A web request body that stops arriving for this long is cut (an upload must keep moving). */
    requestBodyIdleMs: z.number().int().min(100).default(30_000),
    /** A kept-alive web connection with no request in this long is closed. */
    keepAliveIdleMs: z.number().int().min(100).default(5000),
    /** A large request body waits this long for its turn (web.largeBodiesInFlightMax), then 503. */
    largeBodyWaitMs: z.number().int().min(0).default(10_000),
    /** A POP3 client that has not logged in after this long is disconnected. */
    pop3LoginMs: z.number().int().min(100).default(60_000),
    /** An SMTP client that neither logs in nor starts a message (MAIL FROM) this long after connecting is disconnected (421). */
    smtpBeforeMailMs: z.number().int().min(100).default(60_000),
    /** How stale a POP3 or SMTP session's check of its account's session version may be (a password change ends it). */
    mailSessionCheckMs: z.number().int().min(0).default(5000),
    /** How long that check (and the read at login) waits for the store; past it the session goes on unchecked until the next one. */
    mailSessionCheckWaitMs: z.number().int().min(10).default(500),
    /** An IMAP client that has not logged in after this long is disconnected (also its idle limit until then). */
    imapLoginMs: z.number().int().min(100).default(60_000),
  })
  .strict();

export const configSchema = z
  .object({
    /** Address of every internal service that names none of its own (kvs.nodes,
     *  coordinator.members[].host, lb.grpcHost, mail.grpcHost): where it binds and is reached.
     *  Loopback unless opened on purpose. */
    host: z.string().min(1).default('127.0.0.1'),
    dataDir: z.string().min(1).default('data'),
    logLevel: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
    kvs: kvsSchema.default(kvsSchema.parse({})),
    coordinator: coordinatorSchema.default(coordinatorSchema.parse({})),
    lb: lbSchema.default(lbSchema.parse({})),
    web: webSchema.default(webSchema.parse({})),
    mail: mailSchema.default(mailSchema.parse({})),
    drive: driveSchema.default(driveSchema.parse({})),
    http: httpSchema.default(httpSchema.parse({})),
    tls: tlsSchema.default(tlsSchema.parse({})),
    timeouts: timeoutsSchema.default(timeoutsSchema.parse({})),
  })
  .strict();

export type Config = z.infer<typeof configSchema>;

type Env = Record<string, string | undefined>;

/** Reads the config once: defaults < PENNCLOUD_CONFIG file < environment. */
export function loadConfig(env: Env = process.env): Readonly<Config> {
  let raw: Record<string, unknown> = {};
  const file = env.PENNCLOUD_CONFIG;
  if (file) {
    try {
      raw = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    } catch (err) {
      throw new PennError('invalid_argument', `cannot read config file ${file}: ${(err as Error).message}`);
    }
  }
  if (env.PENNCLOUD_HOST) raw.host = env.PENNCLOUD_HOST;
  if (env.PENNCLOUD_DATA_DIR) raw.dataDir = env.PENNCLOUD_DATA_DIR;
  for (const [name, value] of Object.entries(env)) {
    if (!name.startsWith('PENNCLOUD__') || value === undefined) continue;
    setPath(raw, name.slice('PENNCLOUD__'.length).split('__'), parseValue(value));
  }
  return parseConfig(raw);
}

export function parseConfig(raw: unknown): Readonly<Config> {
  const result = configSchema.safeParse(raw);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new PennError('invalid_argument', `invalid config: ${problems.join('; ')}`);
  }
  const config = result.data;
  if (config.kvs.groupBoundaries.length !== config.kvs.groups - 1) {
    throw new PennError('invalid_argument', 'invalid config: kvs.groupBoundaries needs groups - 1 entries');
  }
  if (config.web.hosts.length > config.web.frontends) {
    throw new PennError('invalid_argument', `invalid config: web.hosts names ${config.web.hosts.length} frontends, web.frontends is ${config.web.frontends}`);
  }
  checkTimeBudgets(config);
  config.dataDir = path.resolve(config.dataDir);
  return deepFreeze(config);
}

/**
 * Every budget shorter than the one of the call that waits for it (timeoutsSchema). Each pair is
 * [callee, caller]: the caller's path, and what it waits for.
 */
function checkTimeBudgets(config: Config): void {
  const t = config.timeouts;
  const budgets: Record<string, number> = {
    'timeouts.replicationMs': t.replicationMs,
    'timeouts.commitMs': t.commitMs,
    'timeouts.forwardMs': t.forwardMs,
    'timeouts.storageCallMs': t.storageCallMs,
    'timeouts.coordinatorCallMs': t.coordinatorCallMs,
    'timeouts.interactiveOperationMs': t.interactiveOperationMs,
    'timeouts.transferOperationMs': t.transferOperationMs,
    'timeouts.backgroundOperationMs': t.backgroundOperationMs,
    'timeouts.mailSubmitMs': t.mailSubmitMs,
    'timeouts.adminStatusMs': t.adminStatusMs,
    'timeouts.adminNodeActionMs': t.adminNodeActionMs,
    'timeouts.adminDataMs': t.adminDataMs,
    'timeouts.driveLockWaitMs': t.driveLockWaitMs,
    'timeouts.mailStartupLoadMs': t.mailStartupLoadMs,
    'web.requestTimeoutMs': config.web.requestTimeoutMs,
  };
  const nested: [callee: string, caller: string][] = [
    ['timeouts.replicationMs', 'timeouts.commitMs'],
    ['timeouts.commitMs', 'timeouts.forwardMs'],
    ['timeouts.forwardMs', 'timeouts.storageCallMs'],
    ['timeouts.storageCallMs', 'timeouts.backgroundOperationMs'],
    ['timeouts.coordinatorCallMs', 'timeouts.interactiveOperationMs'],
    ['timeouts.interactiveOperationMs', 'timeouts.transferOperationMs'],
    ['timeouts.transferOperationMs', 'timeouts.backgroundOperationMs'],
    ['timeouts.interactiveOperationMs', 'timeouts.mailSubmitMs'],
    ['timeouts.mailSubmitMs', 'web.requestTimeoutMs'],
    ['timeouts.interactiveOperationMs', 'timeouts.driveLockWaitMs'],
    ['timeouts.driveLockWaitMs', 'web.requestTimeoutMs'],
    ['timeouts.adminStatusMs', 'web.requestTimeoutMs'],
    ['timeouts.adminNodeActionMs', 'web.requestTimeoutMs'],
    ['timeouts.adminDataMs', 'web.requestTimeoutMs'],
    ['timeouts.interactiveOperationMs', 'timeouts.mailStartupLoadMs'],
  ];
  const broken = nested
    .filter(([callee, caller]) => !(budgets[callee]! < budgets[caller]!))
    .map(([callee, caller]) => `${callee} (${budgets[callee]}) must be shorter than ${caller} (${budgets[caller]}), which waits for it`);
  // A body the frontend itself leaves unread — while the route checks the session, then while a
  // large body waits for its turn — must not count as the client's stall, or an honest upload
  // would be cut for our own delay.
  if (t.interactiveOperationMs + t.largeBodyWaitMs >= t.requestBodyIdleMs) {
    broken.push(
      `timeouts.requestBodyIdleMs (${t.requestBodyIdleMs}) must be longer than timeouts.interactiveOperationMs (${t.interactiveOperationMs}) and timeouts.largeBodyWaitMs (${t.largeBodyWaitMs}) together, which a body may wait before it is read`,
    );
  }
  if (broken.length > 0) throw new PennError('invalid_argument', `invalid config: ${broken.join('; ')}`);
}

/** The same config, for a process that presents the certificate `identity` (its own name). */
export function withIdentity(config: Readonly<Config>, identity: string): Readonly<Config> {
  return parseConfig({ ...config, tls: { ...config.tls, identity } });
}

function parseValue(value: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

function setPath(target: Record<string, unknown>, keys: string[], value: unknown): void {
  let node = target;
  keys.forEach((key, i) => {
    if (i === keys.length - 1) {
      node[key] = value;
      return;
    }
    if (typeof node[key] !== 'object' || node[key] === null) node[key] = {};
    node = node[key] as Record<string, unknown>;
  });
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

// ---- Names and addresses derived from the config ----

export interface NodeRef {
  id: string;
  group: number;
  replica: number;
  address: string;
}

const nodeIdPattern = /^g(\d+)r(\d+)$/;

export function nodeId(group: number, replica: number): string {
  return `g${group}r${replica}`;
}

export function allNodes(config: Config): NodeRef[] {
  const nodes: NodeRef[] = [];
  for (let g = 0; g < config.kvs.groups; g++) {
    for (let r = 0; r < config.kvs.replicas; r++) nodes.push(nodeRef(config, nodeId(g, r)));
  }
  return nodes;
}

export function nodeRef(config: Config, id: string): NodeRef {
  const match = nodeIdPattern.exec(id);
  const group = Number(match?.[1]);
  const replica = Number(match?.[2]);
  if (!match || group >= config.kvs.groups || replica >= config.kvs.replicas) {
    throw new PennError(
      'invalid_argument',
      `unknown node id "${id}": expected g<group>r<replica> with group < ${config.kvs.groups} and replica < ${config.kvs.replicas}`,
    );
  }
  const address =
    config.kvs.nodes[id] ?? `${config.host}:${config.kvs.basePort + config.kvs.replicas * group + replica}`;
  return { id, group, replica, address };
}

export function groupNodes(config: Config, group: number): NodeRef[] {
  return allNodes(config).filter((n) => n.group === group);
}

/** The group that stores a row: by its first character, lower-cased (docs/ARCHITECTURE.md). */
export function groupOfRow(config: Config, row: string): number {
  const first = row.charAt(0).toLowerCase();
  let group = 0;
  for (const boundary of config.kvs.groupBoundaries) {
    if (first >= boundary) group++;
  }
  return group;
}

export interface CoordinatorRef {
  id: string;
  address: string;
}

/** Every member of the coordinator group, in config order. */
export function coordinatorMembers(config: Config): CoordinatorRef[] {
  return config.coordinator.members.map((m) => ({ id: m.id, address: `${m.host ?? config.host}:${m.port}` }));
}

/** host:port of frontend n (1…web.frontends): web.hosts[n - 1], else http.host, at web.basePort + n - 1. */
export function frontendAddress(config: Config, n: number): string {
  return `${config.web.hosts[n - 1] ?? config.http.host}:${config.web.basePort + n - 1}`;
}

export function coordinatorMember(config: Config, id: string): CoordinatorRef {
  const member = coordinatorMembers(config).find((m) => m.id === id);
  if (!member) {
    const ids = config.coordinator.members.map((m) => m.id).join(', ');
    throw new PennError('invalid_argument', `unknown coordinator "${id}": the members are ${ids}`);
  }
  return member;
}
