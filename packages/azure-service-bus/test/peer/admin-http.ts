import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EntityStore, SubscriptionRecord } from './entities';
import { checkSasToken, covers, type PeerPolicies } from './sas';
import { parseSqlFilter, type MessageFilter } from './sql-filter';

const SB_NS = 'http://schemas.microsoft.com/netservices/2010/10/servicebus/connect';

/** Requests the ATOM endpoint has served, for tests that assert what the adapter asked for. */
export interface AdminRequestLog {
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly body: string;
}

/**
 * The slice of the Service Bus ATOM management API that `ServiceBusAdministrationClient` uses for
 * subscriptions: `PUT`, `GET` and `DELETE /<topic>/Subscriptions/<name>`. Checks the SAS token and the
 * Manage right; answers 401 like Service Bus when either is wrong.
 */
export function createAdminHandler(store: EntityStore, policies: PeerPolicies, log: AdminRequestLog[]) {
  return (request: IncomingMessage, response: ServerResponse): void => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      let status = 500;
      try {
        const reply = handle(store, policies, request, body);
        status = reply.status;
        response.writeHead(reply.status, { 'content-type': 'application/atom+xml;type=entry;charset=utf-8' });
        response.end(reply.body);
      } catch (error) {
        response.writeHead(500, { 'content-type': 'application/xml' });
        response.end(errorXml(500, error instanceof Error ? error.message : String(error)));
      }
      log.push({ method: request.method ?? '', path: request.url ?? '', status, body });
    });
  };
}

function handle(store: EntityStore, policies: PeerPolicies, request: IncomingMessage, body: string): { status: number; body: string } {
  const url = new URL(request.url ?? '/', 'http://peer');
  const match = /^\/([^/]+)\/Subscriptions\/([^/]+)\/?$/i.exec(url.pathname);
  const auth = checkSasToken(String(request.headers.authorization ?? ''), policies);
  if (!auth.ok) return { status: 401, body: errorXml(401, `InvalidSignature: ${auth.reason}. TrackingId:peer`) };
  if (!auth.rights.has('Manage') || !covers(auth.resource, url.pathname)) {
    return { status: 401, body: errorXml(401, "Unauthorized access. 'Manage' claim(s) are required to perform this operation. TrackingId:peer") };
  }
  if (!match) return { status: 404, body: errorXml(404, `The peer serves only <topic>/Subscriptions/<name>, not ${url.pathname}.`) };
  const topic = decodeURIComponent(match[1] as string);
  const name = decodeURIComponent(match[2] as string);
  if (!store.hasTopic(topic)) return { status: 404, body: errorXml(404, `Entity '${topic}' was not found.`) };
  switch (request.method) {
    case 'GET': {
      const record = store.subscription(topic, name);
      return { status: 200, body: record ? entryXml(record) : emptyFeedXml() };
    }
    case 'PUT': {
      // The rule a subscription is created with (DefaultRuleDescription), else the TrueFilter.
      const sqlFilter = unescapeXml(element(body, 'SqlExpression') ?? '1=1');
      let accepts: MessageFilter;
      try {
        accepts = parseSqlFilter(sqlFilter);
      } catch (error) {
        return { status: 400, body: errorXml(400, (error as Error).message) };
      }
      const created = store.createSubscription({
        topic,
        name,
        autoDeleteOnIdle: element(body, 'AutoDeleteOnIdle') ?? 'P10675199DT2H48M5.4775807S',
        defaultMessageTimeToLive: element(body, 'DefaultMessageTimeToLive') ?? 'P10675199DT2H48M5.4775807S',
        sqlFilter,
        accepts,
      });
      if (!created) return { status: 409, body: errorXml(409, `The messaging entity '${topic}/Subscriptions/${name}' already exists. SubCode=40900.`) };
      return { status: 201, body: entryXml(created) };
    }
    case 'DELETE':
      return store.deleteSubscription(topic, name, 'admin')
        ? { status: 200, body: '' }
        : { status: 404, body: errorXml(404, `The messaging entity '${topic}/Subscriptions/${name}' could not be found.`) };
    default:
      return { status: 405, body: errorXml(405, `Method ${request.method} is not supported by the peer.`) };
  }
}

function element(xml: string, name: string): string | undefined {
  return new RegExp(`<(?:\\w+:)?${name}[^>]*>([^<]*)</`).exec(xml)?.[1];
}

function unescapeXml(text: string): string {
  return text.replace(/&(lt|gt|quot|apos|amp);/g, (_, name: string) => ({ lt: '<', gt: '>', quot: '"', apos: "'", amp: '&' })[name] as string);
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function errorXml(code: number, detail: string): string {
  return `<Error><Code>${code}</Code><Detail>${escapeXml(detail)}</Detail></Error>`;
}

function emptyFeedXml(): string {
  return '<feed xmlns="http://www.w3.org/2005/Atom"><title type="text">Subscriptions</title></feed>';
}

function entryXml(record: SubscriptionRecord): string {
  const created = record.createdAt.toISOString();
  const id = `https://peer/${record.topic}/Subscriptions/${record.name}`;
  return (
    `<entry xmlns="http://www.w3.org/2005/Atom"><id>${escapeXml(id)}</id><title type="text">${escapeXml(record.name)}</title>` +
    `<published>${created}</published><updated>${created}</updated><link rel="self" href="${escapeXml(id)}"/>` +
    `<content type="application/xml"><SubscriptionDescription xmlns="${SB_NS}" xmlns:i="http://www.w3.org/2001/XMLSchema-instance">` +
    '<LockDuration>PT1M</LockDuration><RequiresSession>false</RequiresSession>' +
    `<DefaultMessageTimeToLive>${escapeXml(record.defaultMessageTimeToLive)}</DefaultMessageTimeToLive>` +
    '<DeadLetteringOnMessageExpiration>false</DeadLetteringOnMessageExpiration>' +
    '<DeadLetteringOnFilterEvaluationExceptions>true</DeadLetteringOnFilterEvaluationExceptions>' +
    '<MessageCount>0</MessageCount><MaxDeliveryCount>10</MaxDeliveryCount><EnableBatchedOperations>true</EnableBatchedOperations>' +
    `<Status>Active</Status><CreatedAt>${created}</CreatedAt><UpdatedAt>${created}</UpdatedAt><AccessedAt>${created}</AccessedAt>` +
    `<AutoDeleteOnIdle>${escapeXml(record.autoDeleteOnIdle)}</AutoDeleteOnIdle>` +
    '<EntityAvailabilityStatus>Available</EntityAvailabilityStatus></SubscriptionDescription></content></entry>'
  );
}
