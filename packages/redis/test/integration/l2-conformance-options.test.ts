import { describeRedisL2Conformance } from '../support/l2-conformance';
import { REDIS_URL } from '../support/redis-url';

const url = new URL(REDIS_URL);
describeRedisL2Conformance('from ioredis options', () => ({ host: url.hostname, port: Number(url.port || 6379), db: Number(url.pathname.slice(1) || 0) }));
