// Generated from proto/ by `npm run gen:proto` (scripts/gen-proto.ts). Do not edit.
// Original file: proto/kvs.proto


export interface CPutRequest {
  'row'?: (string);
  'column'?: (string);
  'expected'?: (Buffer | Uint8Array | string);
  'value'?: (Buffer | Uint8Array | string);
  /**
   * When true, the write applies only if the column is absent; expected is ignored.
   */
  'expect_absent'?: (boolean);
}

export interface CPutRequest__Output {
  'row': (string);
  'column': (string);
  'expected': (Buffer);
  'value': (Buffer);
  /**
   * When true, the write applies only if the column is absent; expected is ignored.
   */
  'expect_absent': (boolean);
}
