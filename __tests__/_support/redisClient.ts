/**
 * An ioredis client configured as a breaker's store needs it (docs/shared-state.md): no offline queue
 * (a command while disconnected fails at once), a command timeout, one retry per request, and a
 * reconnect every 100 ms (a test restarts the server on the same port). Resolves once it is ready.
 * For the fleet processes and the bench.
 */
import Redis from 'ioredis'

export const connectClient = (url: string, commandTimeout: number, within = 5_000): Promise<Redis> => {
  const client = new Redis(url, {
    enableOfflineQueue: false,
    commandTimeout,
    maxRetriesPerRequest: 1,
    retryStrategy: () => 100
  })
  // errors while disconnected reach the store's callers as failed commands; not an unhandled 'error'
  client.on('error', () => undefined)
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      client.disconnect()
      reject(new Error(`redis client: no connection to ${url} within ${within} ms`))
    }, within)
    client.once('ready', () => {
      clearTimeout(timer)
      resolve(client)
    })
  })
}
