// Next's ambient types, so `tsc -p web` works before the first build writes next-env.d.ts
// (which is git-ignored because it names build output).
/// <reference types="next" />
/// <reference types="next/image-types/global" />
