import L from "leaflet";

const STEPS = [10, 5, 2, 1, 0.5, 0.2, 0.1, 0.05, 0.02, 0.01, 0.005, 0.002, 0.001];

/** Draws a lat/lng grid with labels, about 4–10 lines across the view, so position is readable without tiles. */
export function drawGraticule(map: L.Map, layer: L.LayerGroup): void {
  layer.clearLayers();
  const bounds = map.getBounds();
  const span = Math.max(bounds.getNorth() - bounds.getSouth(), bounds.getEast() - bounds.getWest());
  const step = STEPS.find((candidate) => span / candidate >= 4) ?? STEPS[STEPS.length - 1] ?? 0.001;
  const decimals = Math.max(0, Math.ceil(-Math.log10(step)));
  const style: L.PolylineOptions = { color: "#7f8c9a", weight: 1, opacity: 0.45, interactive: false };
  const south = Math.floor(bounds.getSouth() / step) * step;
  const west = Math.floor(bounds.getWest() / step) * step;
  for (let lat = south; lat <= bounds.getNorth() + step; lat += step) {
    L.polyline([[lat, bounds.getWest() - step], [lat, bounds.getEast() + step]], style).addTo(layer);
    L.marker([lat, bounds.getWest()], {
      interactive: false,
      keyboard: false,
      icon: L.divIcon({ className: "grid-label grid-label-lat", html: lat.toFixed(decimals), iconSize: undefined }),
    }).addTo(layer);
  }
  for (let lng = west; lng <= bounds.getEast() + step; lng += step) {
    L.polyline([[bounds.getSouth() - step, lng], [bounds.getNorth() + step, lng]], style).addTo(layer);
    L.marker([bounds.getSouth(), lng], {
      interactive: false,
      keyboard: false,
      icon: L.divIcon({ className: "grid-label grid-label-lng", html: lng.toFixed(decimals), iconSize: undefined }),
    }).addTo(layer);
  }
}
