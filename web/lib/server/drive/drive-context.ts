// What every drive operation needs: the store, the settings, and whose drive it is. Built once
// per request from the server context (web/lib/server/context.ts).
import type { Config } from '../../../../cluster/common/config.ts';
import type { Logger } from '../../../../cluster/common/log.ts';
import type { ClusterClient } from '../../../../cluster/kvs/cluster-client.ts';
import type { ServerContext } from '../context';
import { encodeFolder, decodeFolder, type FolderHead } from './drive-model';
import { decodeBucket, encodeBucket, type Bucket } from './drive-buckets';
import type { CellCodec } from '../cells';

export interface DriveContext {
  cluster: ClusterClient;
  /** For a transfer under way (context.ts): the same client with the longer transfer deadline. */
  transfers: ClusterClient;
  config: Readonly<Config>;
  log: Logger;
  user: string;
}

export function driveContext(ctx: ServerContext, user: string): DriveContext {
  return { cluster: ctx.cluster, transfers: ctx.transfers, config: ctx.config, log: ctx.log, user };
}

export const folderCodec: CellCodec<FolderHead> = { decode: decodeFolder, encode: encodeFolder };
export const bucketCodec: CellCodec<Bucket> = { decode: decodeBucket, encode: encodeBucket };

export const textCodec: CellCodec<string> = {
  decode: (value) => value.toString('utf8'),
  encode: (value) => Buffer.from(value, 'utf8'),
};
