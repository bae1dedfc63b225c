export * from './server.js';
export * from './provider.js';
export * from './github.js';
export * from './vercel.js';
export * from './databricks.js';
export * from './linode.js';
