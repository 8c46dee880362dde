/**
 * The Lua scripts of {@link RedisL2}: each operation is one script, so that its checks and its writes are one
 * atomic step on the server. Every key a script touches starts with the namespace's hash tag
 * (`{<keyPrefix>:<namespace>}`), so each script touches one Redis Cluster slot. `KEYS[1]` is the meta hash
 * (which routes the call); `ARGV[1]` is the tag the other keys are built from.
 *
 * Layout under the tag `T`:
 * - `T:m` (hash): `v` the version counter, `x` the version of the last clear, `g` the generation (the
 *   last clear's version in base 36, part of every entry and record key), `f` the highest version of an
 *   invalidation record forgotten, `z` = 1 while the invalidation records exist.
 * - `T:i` (sorted set): the invalidation records, name -> version of its last invalidation; bounded.
 * - `T:<g>:e:<key>` (hash): an entry: `v` the bytes, `d` its dependencies (JSON), `s` its sliding
 *   lifetime in ms. Expires with the entry. Its stamp is checked when it is stored, and not kept: an entry
 *   still present is valid at the current version (an invalidation that concerned it removed it).
 * - `T:<g>:d:<name>` (hash): the keys of the live entries that depend on `name`. It never outlives them: it
 *   expires with the longest-lived of them, loses a member when the member is removed or replaced, and is
 *   gone (as an empty hash is) with its last member.
 */

/** Shared by every script: the namespace's state, created (seeded from the server's clock) when absent. */
const PRELUDE = `
local meta = KEYS[1]
local T = ARGV[1]
local function fmt(n) return string.format('%.0f', n) end
local function base36(n)
  local digits, s = '0123456789abcdefghijklmnopqrstuvwxyz', ''
  repeat local d = n % 36; s = string.sub(digits, d + 1, d + 1) .. s; n = math.floor(n / 36) until n == 0
  return s
end
-- The version, the last clear's version, the generation, the forgotten version; seeded when the meta hash is
-- gone (first use, or data lost): above every version handed out before, from the clock in microseconds.
local function state()
  local m = redis.call('HMGET', meta, 'v', 'x', 'g', 'f', 'z')
  if not m[1] then
    local t = redis.call('TIME')
    local v = tonumber(t[1]) * 1000000 + tonumber(t[2])
    local g = base36(v)
    redis.call('HSET', meta, 'v', fmt(v), 'x', fmt(v), 'g', g, 'f', '0')
    redis.call('DEL', T .. ':i')
    return v, v, g, 0
  end
  local v = tonumber(m[1])
  -- Invalidation records that should exist but do not (evicted): every version up to now is forgotten.
  local f = tonumber(m[4])
  if m[5] and redis.call('EXISTS', T .. ':i') == 0 then f = v end
  return v, tonumber(m[2]), m[3], f
end
-- What a read needs (the version and the generation), in one lookup while the state exists.
local function readState()
  local m = redis.call('HMGET', meta, 'v', 'g')
  if m[1] then return tonumber(m[1]), m[2] end
  local v, x, g = state()
  return v, g
end
local function entryKey(g, key) return T .. ':' .. g .. ':e:' .. key end
local function recordKey(g, name) return T .. ':' .. g .. ':d:' .. name end
`;

/**
 * Removes an entry and its membership in the records of its dependencies.
 * @returns 1 when an entry was removed.
 */
const DROP_ENTRY = `
local function dropEntry(g, key)
  local e = entryKey(g, key)
  local d = redis.call('HGET', e, 'd')
  if d then
    for _, name in ipairs(cjson.decode(d)) do redis.call('HDEL', recordKey(g, name), key) end
  end
  return redis.call('DEL', e)
end
`;

/**
 * get: ARGV = tag, key. Returns `{0, version}` on a miss; on a hit `{1, version, bytes, dependencies, pttl}`
 * (pttl -1 unless the entry has an absolute lifetime).
 * An entry missing from the record of one of its dependencies (the record was evicted, or the entry was
 * replaced there) is not served: it is removed, and read as a miss.
 */
export const GET_SCRIPT = `${PRELUDE}${DROP_ENTRY}
local v, g = readState()
local key = ARGV[2]
local e = entryKey(g, key)
local h = redis.call('HMGET', e, 'v', 'd', 's')
if not h[1] then return {0, v} end
local deps = {}
if h[2] then deps = cjson.decode(h[2]) end
for i = 1, #deps do
  if redis.call('HEXISTS', recordKey(g, deps[i]), key) == 0 then
    dropEntry(g, key)
    return {0, v}
  end
end
local pttl = -1
if h[3] then
  local s = tonumber(h[3])
  redis.call('PEXPIRE', e, s)
  -- GT: a record never expires before another of its members, nor gains a lifetime it did not have.
  for i = 1, #deps do redis.call('PEXPIRE', recordKey(g, deps[i]), s, 'GT') end
else
  pttl = redis.call('PTTL', e)
end
return {1, v, h[1], deps, pttl}
`;

/**
 * set: ARGV = tag, key, bytes, stampVersion, olderJson ('' for none), ttlMs (0 for none), sliding ('1' or
 * '0'), dependencies... Returns 1 when stored, 0 when refused by the fence (nothing written).
 */
export const SET_SCRIPT = `${PRELUDE}${DROP_ENTRY}
local v, x, g, f = state()
local key, stamp = ARGV[2], tonumber(ARGV[4])
local older, lowest = {}, stamp
if ARGV[5] ~= '' then
  for _, pair in ipairs(cjson.decode(ARGV[5])) do
    older[pair[1]] = pair[2]
    if pair[2] < lowest then lowest = pair[2] end
  end
end
if x > lowest or f > lowest then return 0 end
local function invalidatedAfter(name, version)
  local at = redis.call('ZSCORE', T .. ':i', name)
  return at and tonumber(at) > version
end
if invalidatedAfter(key, stamp) then return 0 end
local deps = {}
for i = 8, #ARGV do
  local name = ARGV[i]
  if invalidatedAfter(name, older[name] or stamp) then return 0 end
  deps[#deps + 1] = name
end
dropEntry(g, key)
local e = entryKey(g, key)
redis.call('HSET', e, 'v', ARGV[3])
if #deps > 0 then redis.call('HSET', e, 'd', cjson.encode(deps)) end
local ttl = tonumber(ARGV[6])
if ttl > 0 then
  redis.call('PEXPIRE', e, ttl)
  if ARGV[7] == '1' then redis.call('HSET', e, 's', ARGV[6]) end
end
for i = 1, #deps do
  local r = recordKey(g, deps[i])
  local left = redis.call('PTTL', r)
  redis.call('HSET', r, key, '1')
  if ttl == 0 then redis.call('PERSIST', r)
  elseif left == -2 or (left >= 0 and left < ttl) then redis.call('PEXPIRE', r, ttl) end
end
return 1
`;

/**
 * invalidate: ARGV = tag, maxRecords, keyCount, keys..., dependencies... Removes the keys' entries and every
 * entry that depends on a key or dependency, transitively (a removed entry's key is a dependency of its
 * dependents), records the new version against every name it touched, trims the records to `maxRecords`
 * (remembering the highest version forgotten), and returns the new version.
 */
export const INVALIDATE_SCRIPT = `${PRELUDE}${DROP_ENTRY}
local v, x, g, f = state()
v = v + 1
local records = T .. ':i'
local keyCount = tonumber(ARGV[3])
local pending, seen = {}, {}
for i = 4, #ARGV do pending[#pending + 1] = ARGV[i] end
for i = 4, 3 + keyCount do dropEntry(g, ARGV[i]) end
while #pending > 0 do
  local name = table.remove(pending)
  if not seen[name] then
    seen[name] = true
    redis.call('ZADD', records, fmt(v), name)
    local r = recordKey(g, name)
    local dependents = redis.call('HKEYS', r)
    redis.call('DEL', r)
    for _, dependent in ipairs(dependents) do
      dropEntry(g, dependent)
      pending[#pending + 1] = dependent
    end
  end
end
local excess = redis.call('ZCARD', records) - tonumber(ARGV[2])
if excess > 0 then
  local last = redis.call('ZRANGE', records, excess - 1, excess - 1, 'WITHSCORES')
  if tonumber(last[2]) > f then f = tonumber(last[2]) end
  redis.call('ZREMRANGEBYRANK', records, 0, excess - 1)
end
redis.call('HSET', meta, 'v', fmt(v), 'f', fmt(f), 'z', '1')
return v
`;

/**
 * clear: ARGV = tag. Starts a new generation (every entry and record of the old one is out of reach at
 * once), records the new version as the clear, drops the invalidation records (the clear outdates them),
 * and returns `{version, oldGeneration}`: the caller sweeps the old generation's keys afterwards.
 */
export const CLEAR_SCRIPT = `${PRELUDE}
local v, x, g = state()
v = v + 1
redis.call('DEL', T .. ':i')
redis.call('HSET', meta, 'v', fmt(v), 'x', fmt(v), 'g', base36(v))
redis.call('HDEL', meta, 'z')
return {v, g}
`;
