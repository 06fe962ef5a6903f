export * from './codes.ts';
export * from './dm-names.ts';
export * from './frames.ts';
export * from './kinds.ts';
export * from './limits.ts';
export * from './mentions.ts';
export * from './schema.ts';
export * from './token-bucket.ts';
