/**
 * Summarizes a V8 CPU profile (`node --cpu-prof`): self time by package or source file, and the
 * heaviest functions by self and by inclusive time. Used for the analysis in docs/benchmarks.md:
 *
 *   node --cpu-prof --cpu-prof-dir=/tmp/prof --import tsx bench/run.ts --engine pglite --only throughput
 *   npx tsx bench/profile.ts /tmp/prof/CPU.*.cpuprofile [--top 25] [--match TEXT]
 *
 * The biggest file of a run is the main (server) thread; the others are load-generator workers.
 */
import fs from 'node:fs';
import path from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

/** Where a frame's code comes from: an npm package, a repository folder, or a V8 pseudo-frame. */
export function bucketOf(url: string, fn: string): string {
  if (!url) return fn.startsWith('(') ? fn : '(native)';
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + 'node_modules/'.length).split('/');
    return rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  if (url.startsWith('node:')) return 'node (built-in)';
  const m = /\/(apps\/server\/src|packages\/core\/src|bench)\/(.*)$/.exec(url);
  if (m) return `${m[1]}/${m[2]}`;
  return path.basename(url);
}

function main(): void {
  const argv = process.argv.slice(2);
  let top = 25;
  let match: string | undefined;
  const files: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--top') top = Number(argv[++i]);
    else if (argv[i] === '--match') match = argv[++i];
    else files.push(argv[i]!);
  }
  if (files.length === 0) {
    console.error('Usage: npx tsx bench/profile.ts FILE.cpuprofile [--top N] [--match TEXT]');
    process.exitCode = 2;
    return;
  }
  for (const file of files) {
    const p = JSON.parse(fs.readFileSync(file, 'utf8')) as Profile;
    const byId = new Map(p.nodes.map((n) => [n.id, n]));
    const parent = new Map<number, number>();
    for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
    const key = (n: ProfileNode) =>
      `${n.callFrame.functionName || '(anonymous)'} ${bucketOf(n.callFrame.url, n.callFrame.functionName)}:${n.callFrame.lineNumber + 1}`;
    const self = new Map<string, number>();
    const incl = new Map<string, number>();
    const buckets = new Map<string, number>();
    let total = 0;
    for (let i = 0; i < p.samples.length; i++) {
      const dt = (p.timeDeltas[i] ?? 0) / 1000;
      const node = byId.get(p.samples[i]!)!;
      total += dt;
      self.set(key(node), (self.get(key(node)) ?? 0) + dt);
      const b = bucketOf(node.callFrame.url, node.callFrame.functionName);
      buckets.set(b, (buckets.get(b) ?? 0) + dt);
      const seen = new Set<string>();
      for (let id: number | undefined = node.id; id !== undefined; id = parent.get(id)) {
        const k = key(byId.get(id)!);
        if (seen.has(k)) continue;
        seen.add(k);
        incl.set(k, (incl.get(k) ?? 0) + dt);
      }
    }
    const busy = total - (buckets.get('(idle)') ?? 0);
    const pct = (ms: number) => `${((ms / busy) * 100).toFixed(1).padStart(5)}%`;
    const list = (m: Map<string, number>, n: number) =>
      [...m.entries()]
        .filter(([k]) => !match || k.includes(match))
        .sort((a, b) => b[1] - a[1])
        .slice(0, n)
        .map(([k, ms]) => `  ${pct(ms)} ${Math.round(ms).toString().padStart(7)} ms  ${k}`)
        .join('\n');
    console.log(
      `\n# ${file}\n${Math.round(total)} ms profiled, ${Math.round(busy)} ms not idle (percentages of that)`,
    );
    console.log(`\nSelf time by package / file:\n${list(buckets, top)}`);
    console.log(`\nFunctions by self time:\n${list(self, top)}`);
    console.log(`\nFunctions by inclusive time:\n${list(incl, top)}`);
  }
}

main();
