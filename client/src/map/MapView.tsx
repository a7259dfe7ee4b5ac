// Leaflet stays inside this file: the stores are the source of truth; the layers are redrawn from props.
// No image markers (their default URLs do not resolve under Vite) and no dependence on tiles: with an
// isolated network the map shows a plain background, a lat/lng grid, the scale and the cursor position.
import L from "leaflet";
import "leaflet/dist/leaflet.css";
import { useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import type { UnitView } from "../../../shared/api";
import type { IncidentState } from "../../../shared/incident";
import { positionOf, type LatLng } from "../../../shared/schemas";
import { formatLatLng } from "../format/time";
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
  selectedIncidentId?: string | null;
  picked?: LatLng | null;
  onPick?: (position: LatLng) => void;
  onSelectIncident?: (incidentId: string) => void;
  /** Keep this point in view (the tablet's assignment). */
  focus?: LatLng | null;
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
  callbacks.current = { onPick: props.onPick, onSelectIncident: props.onSelectIncident };
  const [cursor, setCursor] = useState<LatLng | null>(null);
  const [tilesFailed, setTilesFailed] = useState(props.tileUrl === "");

  useEffect(() => {
    if (!element.current) return;
    const instance = L.map(element.current, {
      center: [props.center.lat, props.center.lng],
      zoom: props.zoom,
      zoomControl: true,
      attributionControl: true,
      keyboard: true,
    });
    map.current = instance;
    L.control.scale({ metric: true, imperial: false }).addTo(instance);
    const grid = L.layerGroup().addTo(instance);
    const redrawGrid = () => drawGraticule(instance, grid);
    instance.on("moveend zoomend resize", redrawGrid);
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
    const observer = new ResizeObserver(() => instance.invalidateSize());
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
    if (!layer) return;
    layer.clearLayers();
    // Units at the same spot (a station's bay) are stacked so every call sign stays readable.
    const stacked = new Map<string, number>();
    for (const unit of props.units) {
      const at = unit.position ?? unit.home;
      const live = unit.position !== null;
      const spot = `${at.lat.toFixed(4)},${at.lng.toFixed(4)}`;
      const index = stacked.get(spot) ?? 0;
      stacked.set(spot, index + 1);
      const icon = L.divIcon({
        className: `unit-marker unit-status-${unit.status}${live ? "" : " at-home"}`,
        html: `<span style="top:${index * 19}px">${escapeHtml(unit.callSign)}</span>`,
        iconSize: [0, 0],
      });
      L.marker([at.lat, at.lng], { icon, keyboard: false, title: `${unit.callSign} · ${t(`unitStatus.${unit.status}`)}` }).addTo(layer);
    }
  }, [props.units, t]);

  useEffect(() => {
    const layer = pickLayer.current;
    if (!layer) return;
    layer.clearLayers();
    if (props.picked) {
      L.circleMarker([props.picked.lat, props.picked.lng], { radius: 8, color: "#0a84ff", weight: 3, fillOpacity: 0.3, dashArray: "4 3" }).addTo(layer);
    }
  }, [props.picked]);

  useEffect(() => {
    if (props.focus && map.current) map.current.setView([props.focus.lat, props.focus.lng], Math.max(map.current.getZoom(), 14));
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
      <div className="map-readout" data-testid="map-coords" aria-live="off">
        {cursor ? formatLatLng(cursor.lat, cursor.lng) : t("map.hover")}
      </div>
      {tilesFailed ? (
        <div className="map-notice" data-testid="map-offline-tiles">
          {t("map.noTiles")}
        </div>
      ) : null}
    </div>
  );
}
