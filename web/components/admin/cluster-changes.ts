// What the console derives from successive cluster views: the state it shows while a Halt or
// Revive it just sent is not yet in the coordinator's view, and the feed of changes between
// one view and the next. Pure functions of plain data.
import type { AdminNode, ClusterView, NodeState } from '../../lib/queries/admin';

export interface PendingAction {
  action: 'halt' | 'revive';
  atMs: number;
}

/** How long an answered action may stand in for a view that has not caught up with it. */
const haltOverlayMs = 10_000;
const reviveOverlayMs = 60_000;

/**
 * The state to show for a node with an action answered but not yet in the view. A halted node
 * is halted (the coordinator hears of it within a heartbeat). A revived node is recovering
 * until the view has it up, that is back in its group's in-sync set: it has reopened its disk
 * and is catching up, even while the coordinator's last word is still "halted".
 */
export function shownState(node: AdminNode, pending: PendingAction | undefined, nowMs: number): NodeState {
  if (!pending) return node.state;
  const age = nowMs - pending.atMs;
  if (pending.action === 'halt' && age < haltOverlayMs && (node.state === 'up' || node.state === 'recovering')) return 'halted';
  if (pending.action === 'revive' && age < reviveOverlayMs && (node.state === 'halted' || node.state === 'recovering')) return 'recovering';
  return node.state;
}

/** True when the view shows what the action did, so the overlay can go. */
export function actionSettled(node: AdminNode, pending: PendingAction, nowMs: number): boolean {
  const age = nowMs - pending.atMs;
  if (pending.action === 'halt') return node.state === 'halted' || node.state === 'down' || age >= haltOverlayMs;
  return node.state === 'up' || node.state === 'down' || age >= reviveOverlayMs;
}

export function withOverlays(view: ClusterView, pending: ReadonlyMap<string, PendingAction>, nowMs: number): ClusterView {
  if (pending.size === 0) return view;
  return {
    ...view,
    groups: view.groups.map((g) => ({
      ...g,
      nodes: g.nodes.map((n) => {
        const state = shownState(n, pending.get(n.id), nowMs);
        return state === n.state ? n : { ...n, state };
      }),
    })),
  };
}

export type ChangeTone = 'good' | 'bad' | 'warn' | 'info';

export interface Change {
  text: string;
  tone: ChangeTone;
}

const toneOfState: Record<string, ChangeTone> = { up: 'good', recovering: 'warn', halted: 'warn', down: 'bad', unknown: 'info' };

/** What changed from one view to the next, in the order an operator reads it. */
export function diffViews(before: ClusterView, after: ClusterView): Change[] {
  const changes: Change[] = [];
  if (before.coordinator.state !== after.coordinator.state) {
    changes.push({ text: `Coordinator is ${after.coordinator.state}`, tone: after.coordinator.state === 'up' ? 'good' : 'bad' });
  }
  for (const g of after.groups) {
    const old = before.groups.find((x) => x.group === g.group);
    if (!old) continue;
    for (const n of g.nodes) {
      const was = old.nodes.find((x) => x.id === n.id);
      if (was && was.state !== n.state) changes.push({ text: `${n.id} is ${n.state}`, tone: toneOfState[n.state] ?? 'info' });
    }
    if (old.primary !== g.primary) {
      changes.push(
        g.primary
          ? { text: `${g.primary} became primary of group ${g.group} at epoch ${g.epoch}`, tone: 'info' }
          : { text: `Group ${g.group} has no primary: it is unavailable until an in-sync node returns`, tone: 'bad' },
      );
    }
  }
  for (const f of after.frontends) {
    const was = before.frontends.find((x) => x.frontend === f.frontend);
    if (was && was.state !== f.state) changes.push({ text: `Frontend ${f.frontend} is ${f.state}`, tone: toneOfState[f.state] ?? 'info' });
  }
  if (before.mail.state !== after.mail.state) changes.push({ text: `Mail daemon is ${after.mail.state}`, tone: after.mail.state === 'up' ? 'good' : 'bad' });
  const restartsBefore = new Map(before.processes.source === 'supervisor' ? before.processes.processes.map((p) => [p.name, p.restarts]) : []);
  for (const p of after.processes.source === 'supervisor' ? after.processes.processes : []) {
    const was = restartsBefore.get(p.name);
    if (was !== undefined && p.restarts > was) changes.push({ text: `${p.name} was restarted after ${p.lastExitCause ?? 'an exit'}`, tone: 'warn' });
  }
  return changes;
}
