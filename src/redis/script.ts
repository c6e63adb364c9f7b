/**
 * The Redis script of `RedisStore`: `Store.propose`, `Store.claim` and `Store.view` transcribed to Lua,
 * so that every change of a record is one atomic compare-and-set on the server, timed by the server's
 * clock (`TIME`). The contract suite (`__tests__/_support/storeContract.ts`) runs the memory store,
 * which runs the TypeScript rules, and this script against the same cases.
 *
 * KEYS: the record (a hash) and its quorum votes (a sorted set of process ids by time), both under the
 * breaker's hash tag. ARGV: op (`read`, `propose`, `claim`), channel, name, process id, ttl, quorum,
 * quorum window, expected epoch, kind (`Trip`, `Verdict`, `Control`), phase, openFor or lease, attempt.
 *
 * Reply: `{ outcome, phase, epoch, attempt, openFor, remaining, holder }` as an array. A change is
 * published on the channel as JSON `{ name, by, record }`. A record that is missing, of another type,
 * or whose fields do not parse reads as closed at epoch 0 (and is replaced by the next change). Every
 * write sets the record to expire `ttl` ms after its deadline.
 *
 * @internal
 */
export const script = `
local key, votes = KEYS[1], KEYS[2]
local op, channel, name, id = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local ttl, quorum, window = tonumber(ARGV[5]), tonumber(ARGV[6]), tonumber(ARGV[7])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)

local phases = { Closed = true, Open = true, HalfOpen = true, ForcedOpen = true, Disabled = true, MetricsOnly = true }
local function count(v)
  local n = tonumber(v)
  if n and n >= 0 and n == math.floor(n) and n < 9007199254740992 then return n end
  return nil
end

local r = { phase = 'Closed', epoch = 0, attempt = 0, openFor = 0, deadline = 0, holder = '' }
if redis.call('TYPE', key).ok == 'hash' then
  local v = redis.call('HMGET', key, 'phase', 'epoch', 'attempt', 'openFor', 'until', 'holder')
  local epoch, attempt, openFor, deadline = count(v[2]), count(v[3]), count(v[4]), count(v[5])
  if phases[v[1]] and epoch and attempt and openFor and deadline then
    r = { phase = v[1], epoch = epoch, attempt = attempt, openFor = openFor, deadline = deadline, holder = v[6] or '' }
  end
end

local function view(outcome, s)
  local remaining, holder = 0, ''
  if s.phase == 'Open' or s.phase == 'HalfOpen' then remaining = math.max(0, s.deadline - now) end
  if s.phase == 'HalfOpen' then holder = s.holder end
  return { outcome, s.phase, s.epoch, s.attempt, s.openFor, remaining, holder }
end

local function fmt(n) return string.format('%.0f', n) end

local function write(outcome, s)
  redis.call('DEL', key)
  redis.call('HSET', key, 'phase', s.phase, 'epoch', fmt(s.epoch), 'attempt', fmt(s.attempt),
    'openFor', fmt(s.openFor), 'until', fmt(s.deadline), 'holder', s.holder)
  redis.call('PEXPIRE', key, math.max(0, s.deadline - now) + ttl)
  local v = view(outcome, s)
  redis.call('PUBLISH', channel, cjson.encode({ name = name, by = id, record = {
    phase = v[2], epoch = v[3], attempt = v[4], openFor = v[5], remaining = v[6], holder = v[7] } }))
  return v
end

local function opened(epoch, openFor, attempt)
  return { phase = 'Open', epoch = epoch, attempt = attempt, openFor = openFor, deadline = now + openFor, holder = '' }
end

if op == 'read' then return view('accepted', r) end

local expect = tonumber(ARGV[8])
local kind, phase, amount, attempt = ARGV[9], ARGV[10], tonumber(ARGV[11]), tonumber(ARGV[12])

if op == 'claim' then
  if expect < r.epoch then return view('refused', r) end
  if r.phase == 'Closed' or r.phase == 'Disabled' or r.phase == 'MetricsOnly' then return view('local', r) end
  if r.phase == 'ForcedOpen' then return view('refused', r) end
  if r.phase == 'HalfOpen' and r.holder == id and r.deadline > now then return view('granted', r) end
  if r.deadline > now then return view('refused', r) end
  return write('granted', { phase = 'HalfOpen', epoch = r.epoch + 1, attempt = r.attempt, openFor = r.openFor,
    deadline = now + amount, holder = id })
end

if kind == 'Control' then
  redis.call('DEL', votes)
  return write('accepted', { phase = phase, epoch = math.max(expect, r.epoch) + 1, attempt = 0, openFor = 0,
    deadline = 0, holder = '' })
end
if expect < r.epoch then return view('refused', r) end
local epoch = expect + 1
if r.phase == 'Closed' then
  if kind == 'Verdict' and phase == 'Closed' then return view('accepted', r) end
  redis.call('ZADD', votes, now, id)
  redis.call('ZREMRANGEBYSCORE', votes, '-inf', now - window)
  redis.call('PEXPIRE', votes, window)
  if redis.call('ZCARD', votes) < quorum then return view('voted', r) end
  redis.call('DEL', votes)
  return write('accepted', opened(epoch, amount, attempt))
end
if kind == 'Verdict' and (r.phase == 'Open' or r.phase == 'HalfOpen') then
  if r.phase == 'HalfOpen' and r.holder ~= id and r.deadline > now then return view('refused', r) end
  redis.call('DEL', votes)
  if phase == 'Closed' then
    return write('accepted', { phase = 'Closed', epoch = epoch, attempt = attempt, openFor = 0, deadline = 0, holder = '' })
  end
  return write('accepted', opened(epoch, amount, attempt))
end
return view('refused', r)
`
