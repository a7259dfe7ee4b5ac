import { describe, expect, it } from "vitest";
import { clusterText, groupLabels, labelWidth } from "../../client/src/map/declutter";

const point = (id: string, x: number, y: number, priority = 0) => ({ id, x, y, text: id, priority });

function boxesOverlap(groups: ReturnType<typeof groupLabels>): boolean {
  const boxes = groups.map((group) => {
    const width = group.ids.length <= 3 ? Math.max(...group.texts.map(labelWidth)) : labelWidth(clusterText(group.texts));
    const lines = group.ids.length <= 3 ? group.ids.length : 1;
    return { left: group.x - width / 2, right: group.x + width / 2, top: group.y - 11, bottom: group.y - 11 + lines * 22 };
  });
  return boxes.some((a, i) => boxes.slice(i + 1).some((b) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom));
}

describe("unit label declutter", () => {
  it("groups labels that would overlap on screen and keeps distant ones apart", () => {
    const groups = groupLabels([point("E1", 100, 100), point("T1", 102, 101), point("E2", 300, 100)]);
    expect(groups.map((group) => group.ids)).toEqual([["E1", "T1"], ["E2"]]);
  });

  it("puts units on an incident first in their group, and draws the group where that unit is", () => {
    const groups = groupLabels([point("E1", 100, 100), point("M1", 110, 105, 1)]);
    expect(groups).toEqual([{ x: 110, y: 105, ids: ["M1", "E1"], texts: ["M1", "E1"] }]);
  });

  it("leaves no two drawn labels overlapping, even when a collapsed group grows wider than its members", () => {
    // A city's stations at a low zoom: five units at one station, neighbours 40-60 px away.
    const points = [
      ...["E1", "T1", "M1", "B1", "RS1"].map((id) => point(id, 200, 200)),
      point("E2", 245, 195),
      point("E11", 230, 185, 3),
      point("E3", 150, 230),
      point("E7", 400, 400),
    ];
    const groups = groupLabels(points);
    expect(boxesOverlap(groups)).toBe(false);
    expect(groups.find((group) => group.ids.includes("E7"))?.ids).toEqual(["E7"]);
  });
});
