import type { Topology } from './load.js';

/** Renders a topology as a Mermaid flowchart: topics as rounded nodes, stages as boxes. */
export function toMermaid(topology: Topology): string {
  const id = (name: string): string => `t_${name.replace(/[^A-Za-z0-9_]/g, '_')}`;
  const lines = ['flowchart LR'];
  for (const [name, cfg] of Object.entries(topology.topics)) {
    const note = `${cfg.partitions}p × r${cfg.replication}${cfg.compaction ? ', compacted' : ''}`;
    lines.push(`  ${id(name)}(["${name}<br/><small>${note}</small>"])`);
  }
  for (const s of topology.stages) {
    const sid = `s_${s.id.replace(/-/g, '_')}`;
    lines.push(`  ${sid}["${s.id}: ${s.kind}<br/><small>×${s.instances}, group ${s.group}</small>"]`);
    lines.push(`  ${id(s.input)} --> ${sid}`);
    lines.push(`  ${sid} --> ${id(s.output)}`);
    if (s.quarantine) lines.push(`  ${sid} -. quarantine .-> ${id(s.quarantine)}`);
    if (s.quality) lines.push(`  ${sid} -. quality .-> ${id(s.quality)}`);
    if (s.deadLetter) lines.push(`  ${sid} -. dead letter .-> ${id(s.deadLetter)}`);
  }
  return lines.join('\n');
}
