// Leaflet stays inside this file: the stores are the source of truth; the layers are redrawn from props.
// No image markers (their default URLs do not resolve under Vite) and no dependence on tiles: with an
// isolated network the map shows a plain background, a lat/lng grid, the scale and the cursor position.
import L from "leaflet";
import "leaflet/dist/leaflet.css";
import { useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import type { UnitView } from "../../../shared/api";
import type { IncidentState } from "../../../shared/incident";
import { positionOf } from "../../../shared/limits";
import type { LatLng } from "../../../shared/schemas";
import { formatLatLng } from "../format/time";
import { clusterText, groupLabels, LINE_PX, MAX_STACK } from "./declutter";
import { drawGraticule } from "./graticule";
import "./map.css";

export interface MapIncident {
  incident: IncidentState;
  /** Drawn in the alarm colour with a thicker ring. */
  urgent?: boolean;
}

export interface MapViewProps {
  center: LatLng;
  zoom: number;
  tileUrl: string;
  tileAttribution: string;
  incidents: readonly MapIncident[];
  units: readonly UnitView[];
  /** Units that have lost contact: drawn crossed out, with the words in their title. */
  lostContact?: ReadonlySet<string>;
  selectedIncidentId?: string | null;
  picked?: LatLng | null;
  onPick?: (position: LatLng) => void;
  onSelectIncident?: (incidentId: string) => void;
  /** Keep this point in view (the tablet's assignment). */
  focus?: LatLng | null;
  /** Where the zoom buttons sit; the tablet puts them bottom right, clear of the centred incident label. */
  zoomPosition?: L.ControlPosition;
  /** "Move over the map for coordinates": pointless on a touch screen with nothing to pick. */
  showHoverHint?: boolean;
  label: string;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function MapView(props: MapViewProps) {
  const { t } = useTranslation();
  const element = useRef<HTMLDivElement>(null);
  const map = useRef<L.Map | null>(null);
  const incidentLayer = useRef<L.LayerGroup | null>(null);
  const unitLayer = useRef<L.LayerGroup | null>(null);
  const pickLayer = useRef<L.LayerGroup | null>(null);
  const callbacks = useRef({ onPick: props.onPick, onSelectIncident: props.onSelectIncident });
  const focusRef = useRef(props.focus ?? null);
  focusRef.current = props.focus ?? null;
  callbacks.current = { onPick: props.onPick, onSelectIncident: props.onSelectIncident };
  const [cursor, setCursor] = useState<LatLng | null>(null);
  const [tilesFailed, setTilesFailed] = useState(props.tileUrl === "");
  /** Unit labels are grouped for the current zoom; they are regrouped when it changes. */
  const [zoom, setZoom] = useState(props.zoom);

  useEffect(() => {
    if (!element.current) return;
    const instance = L.map(element.current, {
      center: [props.center.lat, props.center.lng],
      zoom: props.zoom,
      zoomControl: false,
      attributionControl: true,
      keyboard: true,
    });
    map.current = instance;
    L.control.zoom({ position: props.zoomPosition ?? "topleft" }).addTo(instance);
    L.control.scale({ metric: true, imperial: false }).addTo(instance);
    const grid = L.layerGroup().addTo(instance);
    const redrawGrid = () => drawGraticule(instance, grid);
    instance.on("moveend zoomend resize", redrawGrid);
    instance.on("zoomend", () => setZoom(instance.getZoom()));
    redrawGrid();
    incidentLayer.current = L.layerGroup().addTo(instance);
    unitLayer.current = L.layerGroup().addTo(instance);
    pickLayer.current = L.layerGroup().addTo(instance);
    instance.on("mousemove", (event: L.LeafletMouseEvent) => setCursor({ lat: event.latlng.lat, lng: event.latlng.lng }));
    instance.on("click", (event: L.LeafletMouseEvent) => {
      const position = { lat: Number(event.latlng.lat.toFixed(6)), lng: Number(event.latlng.lng.toFixed(6)) };
      setCursor(position);
      callbacks.current.onPick?.(position);
    });
    // The map's box changes with panels and orientation; Leaflet must be told.
    const observer = new ResizeObserver(() => {
      instance.invalidateSize({ pan: false });
      // A kept-in-view point (the tablet's incident) stays in the middle when the box changes size.
      if (focusRef.current) instance.setView([focusRef.current.lat, focusRef.current.lng], instance.getZoom(), { animate: false });
    });
    observer.observe(element.current);
    return () => {
      observer.disconnect();
      instance.remove();
      map.current = null;
    };
    // The map is created once; later prop changes are applied by the effects below.
  }, []);

  useEffect(() => {
    const instance = map.current;
    if (!instance || props.tileUrl === "") return;
    setTilesFailed(false);
    const tiles = L.tileLayer(props.tileUrl, { attribution: props.tileAttribution, maxZoom: 19 });
    let failures = 0;
    tiles.on("tileerror", () => {
      failures++;
      if (failures >= 2) setTilesFailed(true);
    });
    tiles.on("tileload", () => setTilesFailed(false));
    tiles.addTo(instance);
    return () => {
      tiles.remove();
    };
  }, [props.tileUrl, props.tileAttribution]);

  useEffect(() => {
    const layer = incidentLayer.current;
    if (!layer) return;
    layer.clearLayers();
    for (const { incident, urgent } of props.incidents) {
      // An address-only transfer has no point yet: it is listed, never drawn at a guessed place.
      const position = positionOf(incident.location);
      if (!position) continue;
      const selected = incident.id === props.selectedIncidentId;
      const marker = L.circleMarker([position.lat, position.lng], {
        radius: selected ? 14 : 9,
        weight: selected ? 5 : 2,
        color: selected ? "#ffffff" : urgent ? "#ff3b30" : "#ff9500",
        fillColor: urgent ? "#ff3b30" : "#ff9500",
        fillOpacity: 0.85,
        className: selected ? "incident-marker selected" : "incident-marker",
      });
      marker.bindTooltip(`${escapeHtml(incident.number)} · ${escapeHtml(t(`incidentType.${incident.incidentType}`))}`, {
        permanent: selected,
        direction: "top",
        offset: [0, -10],
      });
      marker.on("click", (event) => {
        L.DomEvent.stopPropagation(event);
        callbacks.current.onSelectIncident?.(incident.id);
      });
      marker.addTo(layer);
    }
  }, [props.incidents, props.selectedIncidentId, t]);

  useEffect(() => {
    const layer = unitLayer.current;
    const instance = map.current;
    if (!layer || !instance) return;
    layer.clearLayers();
    const byId = new Map(props.units.map((unit) => [unit.id, unit]));
    // Grouped in screen space at the current zoom: a few labels stack, more collapse into one count label.
    const groups = groupLabels(
      props.units.map((unit) => {
        const at = unit.position ?? unit.home;
        const point = instance.latLngToLayerPoint([at.lat, at.lng]);
        const lost = props.lostContact?.has(unit.id) ?? false;
        const text = `${lost ? "⚠ " : ""}${unit.callSign}`;
        return { id: unit.id, x: point.x, y: point.y, text, priority: (lost ? 2 : 0) + (unit.incidentId ? 1 : 0) };
      }),
    );
    for (const group of groups) {
      const anchor = instance.layerPointToLatLng([group.x, group.y]);
      const members = group.ids.map((id) => byId.get(id)).filter((unit): unit is UnitView => unit !== undefined);
      if (members.length > MAX_STACK) {
        const lostAny = members.some((unit) => props.lostContact?.has(unit.id));
        const icon = L.divIcon({
          className: `unit-marker unit-cluster${lostAny ? " lost-contact" : ""}`,
          html: `<span data-unit-count="${members.length}">${escapeHtml(clusterText(group.texts))}</span>`,
          iconSize: [0, 0],
        });
        const title = members.map((unit) => `${unit.callSign} · ${t(`unitStatus.${unit.status}`)}`).join("\n");
        const marker = L.marker(anchor, { icon, keyboard: false, title });
        // A click zooms in until the group comes apart.
        marker.on("click", () => {
          const bounds = L.latLngBounds(members.map((unit) => (unit.position ? [unit.position.lat, unit.position.lng] : [unit.home.lat, unit.home.lng])));
          if (bounds.getNorthEast().equals(bounds.getSouthWest())) instance.setView(anchor, Math.min(instance.getZoom() + 2, 19));
          else instance.fitBounds(bounds.pad(0.5), { maxZoom: 19 });
        });
        marker.addTo(layer);
        continue;
      }
      members.forEach((unit, index) => {
        const live = unit.position !== null;
        const lost = props.lostContact?.has(unit.id) ?? false;
        const icon = L.divIcon({
          className: `unit-marker unit-status-${unit.status}${live ? "" : " at-home"}${lost ? " lost-contact" : ""}`,
          html: `<span style="top:${index * LINE_PX}px" data-unit-id="${escapeHtml(unit.id)}">${lost ? "⚠ " : ""}${escapeHtml(unit.callSign)}</span>`,
          iconSize: [0, 0],
        });
        const title = `${unit.callSign} · ${t(`unitStatus.${unit.status}`)}${lost ? ` · ${t("map.lostContact")}` : ""}`;
        L.marker(anchor, { icon, keyboard: false, title }).addTo(layer);
      });
    }
  }, [props.units, props.lostContact, t, zoom]);

  useEffect(() => {
    const layer = pickLayer.current;
    if (!layer) return;
    layer.clearLayers();
    if (props.picked) {
      L.circleMarker([props.picked.lat, props.picked.lng], { radius: 8, color: "#0a84ff", weight: 3, fillOpacity: 0.3, dashArray: "4 3" }).addTo(layer);
    }
  }, [props.picked]);

  useEffect(() => {
    if (props.focus && map.current) map.current.setView([props.focus.lat, props.focus.lng], Math.max(map.current.getZoom(), 14), { animate: false });
  }, [props.focus?.lat, props.focus?.lng]);

  useEffect(() => {
    const selected = props.incidents.find(({ incident }) => incident.id === props.selectedIncidentId);
    const position = selected ? positionOf(selected.incident.location) : null;
    if (position && map.current && !map.current.getBounds().pad(-0.1).contains([position.lat, position.lng])) {
      map.current.panTo([position.lat, position.lng]);
    }
  }, [props.selectedIncidentId]);

  return (
    <div className="map-wrap">
      <div ref={element} className="map" data-testid="map" role="application" aria-label={props.label} />
      {cursor || props.showHoverHint !== false ? (
        <div className="map-readout" data-testid="map-coords" aria-live="off">
          {cursor ? formatLatLng(cursor.lat, cursor.lng) : t("map.hover")}
        </div>
      ) : null}
      {tilesFailed ? (
        <div className="map-notice" data-testid="map-offline-tiles">
          {t("map.noTiles")}
        </div>
      ) : null}
    </div>
  );
}
