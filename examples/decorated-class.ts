/**
 * A class whose methods are guarded by decorators (standard TC39 decorators, TypeScript 5+; no
 * `experimentalDecorators`). Both methods share one breaker, made from settings; the classifier
 * options are typed by what each method resolves to.
 *
 * Run it with `npx tsx examples/decorated-class.ts`.
 */
import { Breaker, guarded, isCircuitOpenError, once } from 'tripswitch'

interface Charge {
  readonly status: number
  readonly id?: string
}

/** The payment provider's breaker: shared by every method that calls the provider. */
export const payments = Breaker.unsafeMake({ name: 'payments', failureThreshold: 2, openFor: '30s' })

export class PaymentsClient {
  constructor(private readonly upstream: (cents: number) => Promise<Charge>) {}

  @guarded(payments, { isResultFailure: (charge) => charge.status >= 500 }) // `charge` is a Charge
  async charge(cents: number): Promise<Charge> {
    return this.upstream(cents)
  }

  @guarded(payments, { fallback: async () => 'unknown' as const })
  async status(id: string): Promise<'settled' | 'pending' | 'unknown'> {
    return id.startsWith('ch_') ? 'settled' : 'pending'
  }
}

export const main = async (log: (line: string) => void = console.log): Promise<void> => {
  let down = false
  const client = new PaymentsClient(async (cents) =>
    down ? { status: 503 } : { status: 201, id: `ch_${cents}` }
  )
  log(`charge: ${(await client.charge(500)).id}`)
  down = true
  const opened = once(payments, 'Open')
  for (let i = 0; i < 2; i++) log(`charge: HTTP ${(await client.charge(500)).status}`)
  log(`breaker: ${(await opened).to} after ${payments.counts().failures} failures`)
  await client
    .charge(500)
    .catch((e: unknown) => log(`charge: ${isCircuitOpenError(e) ? 'rejected, circuit open' : String(e)}`))
  log(`status: ${await client.status('ch_500')} (fallback while open)`)
}

if (require.main === module) void main()
