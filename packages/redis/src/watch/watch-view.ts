import type { CensusSnapshot } from './bus-census';

/** How long an instance may stay silent before it is shown as quiet: a few of the default 5 s probe periods. */
const QUIET_AFTER_MS = 15_000;

/** A snapshot as one JSON line, with the channel and the time. */
export function jsonLine(channel: string, snapshot: CensusSnapshot, at: Date): string {
  return JSON.stringify({ at: at.toISOString(), channel, ...snapshot });
}

function cell(text: string | number, width: number): string {
  return String(text).padEnd(width);
}

/** A snapshot as a terminal screen: a header line and one row per instance. */
export function screen(channel: string, snapshot: CensusSnapshot, at: Date): string {
  const undecodable = Object.entries(snapshot.undecodable)
    .map(([reason, count]) => `${reason} ${count}`)
    .join(', ');
  const lines = [
    `cachet on ${channel}   ${at.toISOString()}   (Ctrl-C to stop)`,
    `${snapshot.messagesPerSecond} msg/s (${snapshot.invalidationsPerSecond} invalidations/s)   gaps seen: ${snapshot.gaps}` + (undecodable === '' ? '' : `   unreadable: ${undecodable}`),
    '',
    [cell('instance', 38), cell('namespace', 16), cell('last seen', 11), cell('inval.', 8), cell('heartb.', 8), cell('probes', 8), cell('seq', 8), 'gaps'].join(''),
  ];
  for (const instance of snapshot.instances) {
    const seen = `${(instance.lastSeenMsAgo / 1000).toFixed(1)} s` + (instance.lastSeenMsAgo > QUIET_AFTER_MS ? ' ?' : '');
    lines.push(
      [cell(instance.id, 38), cell(instance.namespace, 16), cell(seen, 11), cell(instance.invalidations, 8), cell(instance.heartbeats, 8), cell(instance.probes, 8), cell(instance.sequence, 8), instance.gaps].join(''),
    );
  }
  if (snapshot.instances.length === 0) lines.push('(no instance heard yet: idle instances probe every heartbeatIntervalMs, 5 s by default)');
  return lines.join('\n');
}
