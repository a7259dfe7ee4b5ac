// Registers the offline shell and hands it the files this page already loaded (they were fetched before the
// worker existed, and lazily loaded layouts come later). <html data-offline-ready> is set once every asset
// the page has loaded so far is in the worker's cache, so the page would start again without a network.
import { loadAllLanguages } from "../i18n";

const cached = new Set<string>();

function loadedAssets(): string[] {
  const urls = performance
    .getEntriesByType("resource")
    .map((entry) => entry.name)
    .filter((name) => {
      const url = new URL(name);
      return url.origin === location.origin && url.pathname.startsWith("/assets/");
    });
  return [...new Set(urls)];
}

function updateReadiness(): void {
  const ready = loadedAssets().every((url) => cached.has(url));
  if (ready) document.documentElement.dataset.offlineReady = "true";
  else delete document.documentElement.dataset.offlineReady;
}

function postLoadedAssets(registration: ServiceWorkerRegistration): void {
  const urls = loadedAssets().filter((url) => !cached.has(url));
  updateReadiness();
  if (urls.length > 0) registration.active?.postMessage({ type: "cache-urls", urls });
}

export function registerServiceWorker(): void {
  if (!("serviceWorker" in navigator)) return;
  navigator.serviceWorker.addEventListener("message", (event: MessageEvent<unknown>) => {
    const data = event.data as { type?: unknown; urls?: unknown } | null;
    if (data?.type !== "cached" || !Array.isArray(data.urls)) return;
    for (const url of data.urls) if (typeof url === "string") cached.add(new URL(url, location.origin).href);
    updateReadiness();
  });
  navigator.serviceWorker
    .register("/sw.js")
    .then(() => navigator.serviceWorker.ready)
    // The first load fetched one language's table; with a worker to keep them, fetch the other two as well, so a
    // switch of language still works after an offline reload.
    .then((registration) => loadAllLanguages().then(() => postLoadedAssets(registration), () => postLoadedAssets(registration)))
    .catch(() => undefined);
}

/** Call after a lazily loaded layout mounted so its chunks are cached too. */
export function cacheLoadedAssets(): void {
  if (!("serviceWorker" in navigator) || !import.meta.env.PROD) return;
  // The layout's chunks finish loading just before it mounts; give the resource timing a moment.
  window.setTimeout(() => void navigator.serviceWorker.ready.then(postLoadedAssets), 500);
}
