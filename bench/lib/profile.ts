/** Self time by function from a V8 .cpuprofile (what `node --cpu-prof` writes). */
import { readFileSync } from 'node:fs';

export interface ProfileSummary {
  file: string;
  /** What was running, like `fan-out at 1,000 subscribers`. */
  scenario: string;
  /** Sampled time, idle excluded. */
  totalMs: number;
  top: { name: string; where: string; selfMs: number; pct: number }[];
}

interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
  samples: number[];
  timeDeltas: number[];
}

function shortUrl(url: string): string {
  if (!url) return '(native)';
  const path = url.replace(/^file:\/\//, '');
  const inModules = /node_modules\/((?:@[^/]+\/)?[^/]+)\/(.*)$/.exec(path);
  if (inModules) return `${inModules[1]}: ${inModules[2]}`;
  const inRepo = /\/(dist\/.*|server\/.*|shared\/.*)$/.exec(path);
  return inRepo?.[1] ?? path;
}

export function summarizeProfile(file: string, scenario: string, topN = 20): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<string, { name: string; where: string; us: number }>();
  let total = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const node = byId.get(profile.samples[i] as number);
    const us = profile.timeDeltas[i] ?? 0;
    if (!node || node.callFrame.functionName === '(idle)') continue;
    total += us;
    const { functionName, url, lineNumber } = node.callFrame;
    const where = url ? `${shortUrl(url)}:${lineNumber + 1}` : '';
    const key = `${functionName}@${where}`;
    const entry = self.get(key) ?? { name: functionName || '(anonymous)', where, us: 0 };
    entry.us += us;
    self.set(key, entry);
  }
  const top = [...self.values()]
    .sort((a, b) => b.us - a.us)
    .slice(0, topN)
    .map((e) => ({
      name: e.name,
      where: e.where,
      selfMs: e.us / 1000,
      pct: (100 * e.us) / Math.max(1, total),
    }));
  return { file, scenario, totalMs: total / 1000, top };
}
