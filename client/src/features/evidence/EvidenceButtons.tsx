// Supervisors and admins answer for the records: they print the day's checkpoint digest and save an incident's
// evidence bundle (README, Evidence).
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { can } from "../../../../shared/policy";
import { api, authStore } from "../../api/client";

export function canHandleEvidence(): boolean {
  const user = authStore.getState().session?.user;
  return user !== undefined && can.exportEvidence({ role: user.role, userId: user.id });
}

/** Opens the digest as a plain page and the print dialog; the window opens on the click so it is not blocked. */
export function DigestButton() {
  const { t } = useTranslation();
  const [error, setError] = useState<string | null>(null);
  if (!canHandleEvidence()) return null;
  return (
    <>
      <button
        type="button"
        className="button"
        title={t("evidence.digestHint")}
        data-testid="digest-button"
        onClick={() => {
          setError(null);
          const page = window.open("", "_blank");
          api.checkpointDigest().then(
            (digest) => {
              if (!page) {
                window.alert(digest.text);
                return;
              }
              page.document.title = `${digest.date} ${digest.heads}`;
              const pre = page.document.createElement("pre");
              pre.style.font = "16px/1.5 monospace";
              pre.textContent = digest.text;
              page.document.body.replaceChildren(pre);
              page.print();
            },
            (cause: unknown) => {
              page?.close();
              setError(t("evidence.failed", { message: cause instanceof Error ? cause.message : String(cause) }));
            },
          );
        }}
      >
        {t("evidence.digest")}
      </button>
      {error ? (
        <span className="error-text" role="alert">
          {error}
        </span>
      ) : null}
    </>
  );
}

/** Saves evidence-<id>.json, checked with `npm run verify-bundle -- <file>`. */
export function EvidenceBundleButton({ incidentId }: { incidentId: string }) {
  const { t } = useTranslation();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  if (!canHandleEvidence()) return null;
  return (
    <p>
      <button
        type="button"
        className="button"
        disabled={busy}
        title={t("evidence.bundleHint")}
        data-testid="evidence-button"
        onClick={() => {
          setBusy(true);
          setError(null);
          api
            .evidenceBundle(incidentId)
            .then((bundle) => {
              const url = URL.createObjectURL(new Blob([`${JSON.stringify(bundle, null, 2)}\n`], { type: "application/json" }));
              const link = document.createElement("a");
              link.href = url;
              link.download = `evidence-${incidentId}.json`;
              link.click();
              setTimeout(() => URL.revokeObjectURL(url), 10_000);
            })
            .catch((cause: unknown) => setError(t("evidence.failed", { message: cause instanceof Error ? cause.message : String(cause) })))
            .finally(() => setBusy(false));
        }}
      >
        {t("evidence.bundle")}
      </button>
      {error ? (
        <span className="error-text" role="alert">
          {" "}
          {error}
        </span>
      ) : null}
    </p>
  );
}
