// Unit labels that would cover each other on screen are grouped: a few are stacked, more become one count label,
// so the map never shows an unreadable heap of call signs. Pure: screen points and label texts in, groups out.

export interface ScreenPoint {
  id: string;
  x: number;
  y: number;
  /** The label's text, for its width. */
  text: string;
  /** Shown first in a group (units on an incident before units in quarters). */
  priority: number;
}

export interface LabelGroup {
  /** Where the group is drawn: its first (highest-priority) member. */
  x: number;
  y: number;
  ids: string[];
  texts: string[];
}

/** Groups up to this size are stacked label by label; bigger ones collapse into a count. */
export const MAX_STACK = 3;
/** Height of one label line and the gap kept between labels (px), as drawn by map.css. */
export const LINE_PX = 22;
const GAP_PX = 4;

/** A label's width at 11 px bold with its padding and border: generous, so an estimate never lets two touch. */
export function labelWidth(text: string): number {
  // The warning sign draws about twice as wide as a letter.
  return [...text].reduce((width, char) => width + (char === "⚠" ? 14 : 7.5), 0) + 16;
}

/** The text of a collapsed group: its first two call signs and how many more. */
export function clusterText(texts: readonly string[]): string {
  return `${texts.slice(0, 2).join(" · ")} +${texts.length - 2}`;
}

function box(group: LabelGroup): { left: number; right: number; top: number; bottom: number } {
  const stacked = group.ids.length <= MAX_STACK;
  const width = stacked ? Math.max(...group.texts.map(labelWidth)) : labelWidth(clusterText(group.texts));
  const lines = stacked ? group.ids.length : 1;
  // Labels are centred on the point; a stack grows downwards one line at a time.
  return {
    left: group.x - width / 2,
    right: group.x + width / 2,
    top: group.y - LINE_PX / 2,
    bottom: group.y - LINE_PX / 2 + lines * LINE_PX,
  };
}

function overlaps(a: LabelGroup, b: LabelGroup): boolean {
  const p = box(a);
  const q = box(b);
  return p.left < q.right + GAP_PX && q.left < p.right + GAP_PX && p.top < q.bottom + GAP_PX && q.top < p.bottom + GAP_PX;
}

export function groupLabels(points: readonly ScreenPoint[]): LabelGroup[] {
  const ordered = [...points].sort((a, b) => b.priority - a.priority || a.id.localeCompare(b.id, undefined, { numeric: true }));
  const groups: LabelGroup[] = ordered.map((point) => ({ x: point.x, y: point.y, ids: [point.id], texts: [point.text] }));
  // Merge any two groups whose labels would touch, until none do; a merge keeps the first group's place.
  for (let merged = true; merged; ) {
    merged = false;
    outer: for (let i = 0; i < groups.length; i++) {
      for (let j = i + 1; j < groups.length; j++) {
        const a = groups[i] as LabelGroup;
        const b = groups[j] as LabelGroup;
        if (!overlaps(a, b)) continue;
        a.ids.push(...b.ids);
        a.texts.push(...b.texts);
        groups.splice(j, 1);
        merged = true;
        break outer;
      }
    }
  }
  return groups;
}
