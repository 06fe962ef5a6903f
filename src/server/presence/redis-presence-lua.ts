/**
 * The Lua scripts of RedisPresence: every change is one script, so it is atomic across nodes (two
 * nodes claiming one nickname at once: exactly one wins; a dead node is purged once, by whoever
 * notices first). Every script gets ARGV[1] = the key prefix (ending `presence:`) and ARGV[2] =
 * this node's id; the keys are built from them (one Redis, not Redis Cluster: see docs/scaling.md).
 *
 * Layout under the prefix P:
 *   P nodes                  ZSET  node id → deadline (ms, Redis TIME): past it the node is dead
 *   P nick                   HASH  lower-cased nickname → holder's user id
 *   P nick:<lc>              HASH  node id → connections of the holder on that node
 *   P room:<room>            HASH  user id → user (JSON), for `online`
 *   P roomn:<room>           HASH  user id → connections in the room over all nodes
 *   P conn:<user id>         HASH  connection field → 'a' or 'i' (active, idle) + user (JSON)
 *   P node:<id>:nicks        SET   the nicknames the node counts
 *   P node:<id>:rooms        HASH  JSON [room, user id] → the node's connections of the user in the room
 *   P node:<id>:conns        HASH  connection field → user id
 * A connection field is JSON [node id, conn id]. The node:<id>:* keys index a node's contributions,
 * so purging a node (dead, or closing) takes exactly what it added.
 */
import { RedisScript } from '../limits/redis-script.ts';

/** The reply error when this node is not registered (purged as dead, or Redis lost its data). */
export const GONE = 'GONE';

const COMMON = `
local P, N = ARGV[1], ARGV[2]
local NODES = P .. 'nodes'
local BASE = P .. 'node:' .. N

local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end

local function state_of(uid)
  local vals = redis.call('HVALS', P .. 'conn:' .. uid)
  if #vals == 0 then return 'offline' end
  for _, v in ipairs(vals) do
    if string.sub(v, 1, 1) == 'a' then return 'online' end
  end
  return 'away'
end

-- n fewer connections of uid in room: 1 when it was the user's last.
local function leave(room, uid, n)
  local cnt = P .. 'roomn:' .. room
  if redis.call('HINCRBY', cnt, uid, -n) > 0 then return 0 end
  redis.call('HDEL', cnt, uid)
  redis.call('HDEL', P .. 'room:' .. room, uid)
  return 1
end

-- Takes out everything the node added; records the rooms a user left and the users who lost connections.
local function purge(node, lapse)
  local base = P .. 'node:' .. node
  for _, lc in ipairs(redis.call('SMEMBERS', base .. ':nicks')) do
    local k = P .. 'nick:' .. lc
    redis.call('HDEL', k, node)
    if redis.call('HLEN', k) == 0 then redis.call('HDEL', P .. 'nick', lc) end
  end
  local rooms = redis.call('HGETALL', base .. ':rooms')
  for i = 1, #rooms, 2 do
    local ru = cjson.decode(rooms[i])
    if leave(ru[1], ru[2], tonumber(rooms[i + 1])) == 1 then lapse.rooms[ru[1]] = true end
  end
  local conns = redis.call('HGETALL', base .. ':conns')
  for i = 1, #conns, 2 do
    local k = P .. 'conn:' .. conns[i + 1]
    local v = redis.call('HGET', k, conns[i])
    if v then
      lapse.users[conns[i + 1]] = string.sub(v, 2)
      redis.call('HDEL', k, conns[i])
    end
  end
  redis.call('DEL', base .. ':nicks', base .. ':rooms', base .. ':conns')
  redis.call('ZREM', NODES, node)
end

local function purge_dead(now, lapse)
  for _, d in ipairs(redis.call('ZRANGEBYSCORE', NODES, '-inf', now)) do purge(d, lapse) end
end

-- { rooms left, { user id, state now, user JSON, ... } }
local function report(lapse)
  local rooms, users = {}, {}
  for room in pairs(lapse.rooms) do table.insert(rooms, room) end
  for uid, user in pairs(lapse.users) do
    table.insert(users, uid)
    table.insert(users, state_of(uid))
    table.insert(users, user)
  end
  return { rooms, users }
end

local function registered()
  return redis.call('ZSCORE', NODES, N) ~= false
end
`;

const script = (body: string): RedisScript => new RedisScript(COMMON + body);
const guard = `if not registered() then return redis.error_reply('${GONE} node not registered') end\n`;

export const LUA = {
  /** ARGV[3] lower-cased nick, [4] user id → 1 claimed (or held already by the user), 0 held by another. */
  connect: script(`${guard}
local owner = redis.call('HGET', P .. 'nick', ARGV[3])
if owner and owner ~= ARGV[4] then return 0 end
redis.call('HSET', P .. 'nick', ARGV[3], ARGV[4])
redis.call('HINCRBY', P .. 'nick:' .. ARGV[3], N, 1)
redis.call('SADD', BASE .. ':nicks', ARGV[3])
return 1`),

  /** ARGV[3] lower-cased nick, [4] user id → 1 when one of this node's connections was let go. */
  disconnect: script(`${guard}
if redis.call('HGET', P .. 'nick', ARGV[3]) ~= ARGV[4] then return 0 end
local k = P .. 'nick:' .. ARGV[3]
if not redis.call('HGET', k, N) then return 0 end
if redis.call('HINCRBY', k, N, -1) <= 0 then
  redis.call('HDEL', k, N)
  redis.call('SREM', BASE .. ':nicks', ARGV[3])
  if redis.call('HLEN', k) == 0 then redis.call('HDEL', P .. 'nick', ARGV[3]) end
end
return 1`),

  /** ARGV[3] field, [4] room, [5] user id, [6] user JSON → 1 when the user was not in the room. */
  enter: script(`${guard}
redis.call('HINCRBY', BASE .. ':rooms', ARGV[3], 1)
redis.call('HSET', P .. 'room:' .. ARGV[4], ARGV[5], ARGV[6])
if redis.call('HINCRBY', P .. 'roomn:' .. ARGV[4], ARGV[5], 1) == 1 then return 1 end
return 0`),

  /** ARGV[3] room, [4] user id, [5] user JSON: the user's entry in the room, if any, is now this (a rename). */
  rename: script(`${guard}
if redis.call('HEXISTS', P .. 'room:' .. ARGV[3], ARGV[4]) == 1 then
  redis.call('HSET', P .. 'room:' .. ARGV[3], ARGV[4], ARGV[5])
end
return 1`),

  /** ARGV[3] field, [4] room, [5] user id → {counted here (0/1), last connection left (0/1)}. */
  exit: script(`${guard}
if not redis.call('HGET', BASE .. ':rooms', ARGV[3]) then return { 0, 0 } end
if redis.call('HINCRBY', BASE .. ':rooms', ARGV[3], -1) <= 0 then redis.call('HDEL', BASE .. ':rooms', ARGV[3]) end
return { 1, leave(ARGV[4], ARGV[5], 1) }`),

  /** ARGV[3] connection field, [4] user id, [5] value ('a'/'i' + user JSON) → the user's state. */
  activity: script(`${guard}
redis.call('HSET', P .. 'conn:' .. ARGV[4], ARGV[3], ARGV[5])
redis.call('HSET', BASE .. ':conns', ARGV[3], ARGV[4])
return state_of(ARGV[4])`),

  /** ARGV[3] connection field, [4] user id → the user's state after. */
  release: script(`${guard}
if redis.call('HDEL', BASE .. ':conns', ARGV[3]) == 1 then redis.call('HDEL', P .. 'conn:' .. ARGV[4], ARGV[3]) end
return state_of(ARGV[4])`),

  /**
   * ARGV[3] deadline span (ms). Refreshes this node's deadline (when still registered) and purges
   * every node past its own → {registered (0/1), report}.
   */
  heartbeat: script(`
local now = now_ms()
local alive = registered()
if alive then redis.call('ZADD', NODES, now + tonumber(ARGV[3]), N) end
local lapse = { rooms = {}, users = {} }
purge_dead(now, lapse)
return { alive and 1 or 0, report(lapse) }`),

  /**
   * ARGV[3] deadline span (ms), [4] snapshot JSON {nicks: [[lc, uid, n]], rooms: [[field, room,
   * uid, user JSON, n]], conns: [[field, uid, value]]}. Replaces whatever this node id had (a
   * previous life that crashed) with the snapshot, registers the node and purges dead ones →
   * {nicknames now held by another user, report}.
   */
  register: script(`
local now = now_ms()
local lapse = { rooms = {}, users = {} }
purge(N, lapse)
purge_dead(now, lapse)
redis.call('ZADD', NODES, now + tonumber(ARGV[3]), N)
local snap = cjson.decode(ARGV[4])
local lost = {}
for _, e in ipairs(snap.nicks) do
  local owner = redis.call('HGET', P .. 'nick', e[1])
  if owner and owner ~= e[2] then
    table.insert(lost, e[1])
  else
    redis.call('HSET', P .. 'nick', e[1], e[2])
    redis.call('HSET', P .. 'nick:' .. e[1], N, e[3])
    redis.call('SADD', BASE .. ':nicks', e[1])
  end
end
for _, e in ipairs(snap.rooms) do
  redis.call('HSET', BASE .. ':rooms', e[1], e[5])
  redis.call('HINCRBY', P .. 'roomn:' .. e[2], e[3], e[5])
  redis.call('HSET', P .. 'room:' .. e[2], e[3], e[4])
end
for _, e in ipairs(snap.conns) do
  redis.call('HSET', P .. 'conn:' .. e[2], e[1], e[3])
  redis.call('HSET', BASE .. ':conns', e[1], e[2])
  lapse.users[e[2]] = string.sub(e[3], 2)
end
return { lost, report(lapse) }`),

  /** Takes out everything this node added (a graceful stop) → report. */
  leave: script(`
local lapse = { rooms = {}, users = {} }
purge(N, lapse)
return report(lapse)`),
};
