/**
 * `tripswitch/redis`: one breaker per name shared by a fleet of processes through a real Redis server
 * (see `RedisStore` and docs/shared-state.md). ioredis is an optional peer dependency: this entry uses
 * the client it is given and never loads one itself.
 *
 * @since 0.1.0
 */
export * as RedisStore from './RedisStore'
