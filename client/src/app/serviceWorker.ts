// Registers the offline shell and hands it the files this page already loaded (they were fetched before the
// worker existed). Marks <html data-offline-ready> when they are cached.
export function registerServiceWorker(): void {
  if (!("serviceWorker" in navigator)) return;
  navigator.serviceWorker.addEventListener("message", (event: MessageEvent<unknown>) => {
    const data = event.data;
    if (typeof data === "object" && data !== null && (data as { type?: unknown }).type === "cached") {
      document.documentElement.dataset.offlineReady = "true";
    }
  });
  navigator.serviceWorker
    .register("/sw.js")
    .then(() => navigator.serviceWorker.ready)
    .then((registration) => {
      const urls = performance
        .getEntriesByType("resource")
        .map((entry) => entry.name)
        .filter((name) => {
          const url = new URL(name);
          return url.origin === location.origin && url.pathname.startsWith("/assets/");
        });
      registration.active?.postMessage({ type: "cache-urls", urls: [...new Set(urls)] });
    })
    .catch(() => undefined);
}

/** Call after a lazily loaded layout mounted so its chunks are cached too. */
export function cacheLoadedAssets(): void {
  if (!("serviceWorker" in navigator) || !import.meta.env.PROD) return;
  void navigator.serviceWorker.ready.then((registration) => {
    const urls = performance
      .getEntriesByType("resource")
      .map((entry) => entry.name)
      .filter((name) => new URL(name).origin === location.origin && new URL(name).pathname.startsWith("/assets/"));
    registration.active?.postMessage({ type: "cache-urls", urls: [...new Set(urls)] });
  });
}
