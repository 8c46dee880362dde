import { Redis } from 'ioredis';
import { describeRedisL2Conformance } from '../support/l2-conformance';
import { REDIS_URL } from '../support/redis-url';

// The application's own client: RedisL2 duplicates it, and leaves it open (quit() below would fail otherwise).
const clients: Redis[] = [];
describeRedisL2Conformance('over a client the application gave', () => {
  const client = new Redis(REDIS_URL);
  clients.push(client);
  return client;
}, clients);
