import { ServiceBusAdministrationClient, ServiceBusClient } from '@azure/service-bus';
import type { ClientSource } from './resolve-options';

/** The clients one connection uses, and whether it must close the `ServiceBusClient` itself. */
export interface ServiceBusClients {
  readonly client: ServiceBusClient;
  readonly ownsClient: boolean;
  /** The administration client, created on first use (only the automatic strategy needs it). */
  administration(): ServiceBusAdministrationClient;
}

/** Creates (or reuses) the clients for one connection. */
export function openClients(source: ClientSource): ServiceBusClients {
  switch (source.kind) {
    case 'connection-string':
      return lazyAdministration(new ServiceBusClient(source.connectionString, { retryOptions: source.retryOptions }), true, () =>
        withOptionalHttp(new ServiceBusAdministrationClient(source.connectionString), source.httpAdministration),
      );
    case 'credential': {
      const { fullyQualifiedNamespace, credential } = source.options;
      return lazyAdministration(new ServiceBusClient(fullyQualifiedNamespace, credential, { retryOptions: source.retryOptions }), true, () =>
        new ServiceBusAdministrationClient(fullyQualifiedNamespace, credential),
      );
    }
    case 'client':
      return lazyAdministration(source.options.client, false, () => {
        // resolveOptions() guarantees an administration client whenever the automatic strategy can ask for one.
        if (!source.options.administrationClient) throw new Error('unreachable: no administration client');
        return source.options.administrationClient;
      });
  }
}

function lazyAdministration(client: ServiceBusClient, ownsClient: boolean, create: () => ServiceBusAdministrationClient): ServiceBusClients {
  let administration: ServiceBusAdministrationClient | undefined;
  return { client, ownsClient, administration: () => (administration ??= create()) };
}

/**
 * Development only: rewrites the administration client's `https:` requests to `http:`, for a local stand-in
 * reached with `UseDevelopmentEmulator=true` (the 7.9 administration client always uses HTTPS).
 */
function withOptionalHttp(administration: ServiceBusAdministrationClient, http: boolean): ServiceBusAdministrationClient {
  if (!http) return administration;
  administration.pipeline.addPolicy(
    {
      name: 'cachetDevelopmentHttp',
      sendRequest: (request, next) => {
        request.url = request.url.replace(/^https:/i, 'http:');
        request.allowInsecureConnection = true;
        return next(request);
      },
    },
    { phase: 'Sign' },
  );
  return administration;
}
