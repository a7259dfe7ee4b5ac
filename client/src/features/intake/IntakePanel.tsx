// Call intake, keyboard first: F2/Alt+N starts a call, Tab walks the fields in the order a caller answers,
// Enter submits, Alt+1..3 links the call to a suggested duplicate instead of creating a new incident. The address
// field suggests known addresses from the incident history (arrows and Enter pick one and place the call).
import { useEffect, useReducer, useRef, useState, type ClipboardEvent, type FormEvent, type KeyboardEvent } from "react";
import { useTranslation } from "react-i18next";
import { useStore } from "zustand";
import type { AddressMatch, CallIntakeResult } from "../../../../shared/api";
import { INCIDENT_TYPES, TRANSFER_CENTERS } from "../../../../shared/domain";
import { ApiError } from "../../api/http";
import { configStore } from "../../app/stores";
import { consoleUiStore } from "../../console/consoleUiStore";
import { formatDistance, formatDuration, formatTimeAgo } from "../../format/time";
import { ErrorText } from "../../ui/ErrorText";
import { TranslatedOptions } from "../../ui/TranslatedOptions";
import { intakeCall } from "../incidents/incidentActions";
import { keyIntent, noMatch, noSuggestions, optionId, suggestionsReducer } from "./addressSuggestions";
import {
  addressFill,
  draftLocation,
  draftToBody,
  emptyDraft,
  isDraftBlank,
  locationFill,
  parseTransfer,
  transferFromSearch,
  type IntakeDraft,
} from "./draft";
import { useAddressLookup } from "./useAddressLookup";
import { useDuplicates } from "./useDuplicates";

const ADDRESS_OPTIONS_ID = "intake-address-options";

/**
 * The transfer record in the URL is read once per page and removed from the address bar (a reload must not
 * fill the form again). Reading happens during render, which React may repeat or discard (a suspended
 * render), so the value is kept here until a mounted form has taken it.
 */
let urlTransfer: string | null | undefined;

function peekUrlTransfer(): string | null {
  if (urlTransfer === undefined) {
    urlTransfer = typeof location !== "undefined" ? transferFromSearch(location.search) : null;
    if (urlTransfer) {
      const url = new URL(location.href);
      url.searchParams.delete("transfer");
      history.replaceState(history.state, "", url.toString());
    }
  }
  return urlTransfer;
}

function initialDraft(): { draft: IntakeDraft; transferError: string | null } {
  const draft = emptyDraft(crypto.randomUUID());
  const fromUrl = peekUrlTransfer();
  if (!fromUrl) return { draft, transferError: null };
  const parsed = parseTransfer(fromUrl);
  return parsed.ok ? { draft: { ...draft, ...parsed.fill }, transferError: null } : { draft, transferError: parsed.message };
}

export function IntakePanel() {
  const { t, i18n } = useTranslation();
  const [{ draft: startDraft, transferError: startError }] = useState(initialDraft);
  const [draft, setDraft] = useState<IntakeDraft>(startDraft);
  const [issues, setIssues] = useState<{ path: string; message: string }[]>([]);
  const [error, setError] = useState<unknown>(startError ? new Error(startError) : null);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<{ answer: CallIntakeResult; linked: boolean } | null>(null);
  const [pasteOpen, setPasteOpen] = useState(false);
  const [pasteText, setPasteText] = useState("");
  /** F2 on a half-typed call asks first; a second F2 (or Discard) starts the new call. */
  const [discardPending, setDiscardPending] = useState(false);
  const firstField = useRef<HTMLInputElement>(null);
  const [suggestions, suggest] = useReducer(suggestionsReducer, noSuggestions);
  useAddressLookup(suggestions.query, suggest);
  const mapPick = useStore(consoleUiStore, (state) => state.mapPick);
  // The example coordinates are the center of this center's own map, not another city.
  const mapCenter = useStore(configStore, (state) => state.config.mapCenter);
  const newCallSeq = useStore(consoleUiStore, (state) => state.newCallSeq);

  const update = (change: Partial<IntakeDraft>) => setDraft((current) => ({ ...current, ...change }));

  useEffect(() => {
    // This form holds the URL's transfer now; a later mount (another view and back) starts empty.
    urlTransfer = null;
  }, []);

  // Only clicks made while this form is shown fill it (not one left over from before it mounted).
  const firstPickSeq = useRef(mapPick?.seq ?? 0);
  useEffect(() => {
    if (mapPick && mapPick.seq > firstPickSeq.current) {
      update(locationFill(mapPick.position));
    }
  }, [mapPick?.seq]);

  const firstNewCallSeq = useRef(newCallSeq);
  useEffect(() => {
    if (newCallSeq === firstNewCallSeq.current) return;
    if (!isDraftBlank(draft) && !discardPending) {
      setDiscardPending(true);
      return;
    }
    startNewCall();
  }, [newCallSeq]);

  function startNewCall() {
    setDiscardPending(false);
    reset();
    firstField.current?.focus();
  }

  const position = draftLocation(draft);
  const duplicateInput =
    position && draft.incidentType !== ""
      ? { ...position, incidentType: draft.incidentType, callerNumber: draft.callerNumber, address: draft.address }
      : null;
  const { duplicates, checking } = useDuplicates(duplicateInput);

  useEffect(() => {
    consoleUiStore.getState().setDraftLocation(position);
  }, [position?.lat, position?.lng]);

  useEffect(() => {
    if (suggestions.active >= 0) document.getElementById(optionId(ADDRESS_OPTIONS_ID, suggestions.active))?.scrollIntoView({ block: "nearest" });
  }, [suggestions.active]);

  function seenText(option: AddressMatch): string {
    const ago = formatTimeAgo(option.lastSeenAt, Date.now(), i18n.language);
    return option.incidents === 1 ? t("intake.addressSeenOnce", { ago }) : t("intake.addressSeen", { count: option.incidents, ago });
  }

  /** A known address places the call exactly as a map click does, and keeps the text as it was recorded. */
  function pickAddress(match: AddressMatch) {
    update(addressFill(match));
    suggest({ type: "reset" });
  }

  function onAddressKeyDown(event: KeyboardEvent<HTMLInputElement>) {
    // Keys typed into an input method (pinyin, zhuyin) choose its characters, not an address.
    if (event.altKey || event.ctrlKey || event.metaKey || event.nativeEvent.isComposing) return;
    const intent = keyIntent(suggestions, event.key, { hasLocation: draftLocation(draft) !== null });
    if (!intent) return;
    // The list's keys stay in the list: no form submit on Enter, no blur on Escape.
    event.preventDefault();
    event.stopPropagation();
    if (intent.type === "pick") pickAddress(intent.option);
    else if (intent.type === "hold") setIssues([{ path: "location", message: "required" }]);
    else suggest(intent);
  }

  function reset() {
    setDiscardPending(false);
    suggest({ type: "reset" });
    setDraft(emptyDraft(crypto.randomUUID()));
    setIssues([]);
    setError(null);
  }

  async function submit(linkTo?: string) {
    if (busy) return;
    const built = draftToBody(draft, linkTo);
    if (!built.ok) {
      setIssues(built.issues);
      return;
    }
    setIssues([]);
    setError(null);
    setBusy(true);
    try {
      // The same intakeId is reused on a retry, so a lost answer never creates a second incident.
      const answer = await intakeCall(built.body);
      consoleUiStore.getState().select(answer.incident.id);
      setResult({ answer, linked: linkTo !== undefined });
      suggest({ type: "reset" });
      setDraft(emptyDraft(crypto.randomUUID()));
      firstField.current?.focus();
    } catch (caught) {
      setError(caught);
      if (caught instanceof ApiError && caught.issues.length > 0) setIssues(caught.issues);
    } finally {
      setBusy(false);
    }
  }

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    void submit();
  }

  function onKeyDown(event: KeyboardEvent) {
    if (event.altKey && ["1", "2", "3"].includes(event.key)) {
      const candidate = duplicates[Number(event.key) - 1];
      if (candidate) {
        event.preventDefault();
        void submit(candidate.incidentId);
      }
    } else if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      void submit();
    } else if (event.key === "Escape") {
      (event.target as HTMLElement).blur();
    }
  }

  function applyTransfer(text: string): boolean {
    const parsed = parseTransfer(text);
    if (!parsed.ok) {
      setError(new Error(t("intake.transferInvalid", { reason: parsed.message })));
      return false;
    }
    suggest({ type: "reset" });
    setDraft((current) => ({ ...emptyDraft(current.intakeId), ...parsed.fill }));
    setError(null);
    return true;
  }

  function onPaste(event: ClipboardEvent) {
    const text = event.clipboardData.getData("text");
    if (text.trim().startsWith("{") && parseTransfer(text).ok) {
      event.preventDefault();
      applyTransfer(text);
    }
  }

  const issueFor = (path: string) => issues.find((issue) => issue.path === path || issue.path.startsWith(`${path}.`))?.message;

  return (
    <section className="panel intake" aria-labelledby="intake-title" data-testid="intake-panel">
      <div className="panel-head">
        <h2 id="intake-title">{t("intake.title")}</h2>
        <button type="button" className="button" data-testid="new-call" onClick={() => consoleUiStore.getState().newCall()}>
          {t("intake.newCall")} <kbd>F2</kbd>
        </button>
      </div>
      {discardPending ? (
        <div className="banner discard-confirm" role="alertdialog" aria-labelledby="discard-text" data-testid="discard-confirm">
          <span id="discard-text">{t("intake.discardConfirm")}</span>
          <button type="button" className="button danger" data-testid="discard-yes" onClick={startNewCall}>
            {t("intake.discard")} <kbd>F2</kbd>
          </button>
          <button
            type="button"
            className="button"
            data-testid="discard-no"
            autoFocus
            onClick={() => {
              setDiscardPending(false);
              firstField.current?.focus();
            }}
          >
            {t("intake.keepTyping")}
          </button>
        </div>
      ) : null}
      <form onSubmit={onSubmit} onKeyDown={onKeyDown} onPaste={onPaste} noValidate>
        {draft.source === "transfer" ? (
          <div className="transfer-banner" data-testid="transfer-banner" role="note">
            <strong>{t("intake.transferredFrom", { center: draft.fromCenter, externalId: draft.externalId })}</strong>
            {draft.fromAgent ? <span> · {draft.fromAgent}</span> : null}
            <span className="hint"> {t("intake.transferConfirm")}</span>
          </div>
        ) : null}
        <div className="field-row">
          <label className="field">
            <span>{t("intake.callerNumber")}</span>
            <input
              ref={firstField}
              data-testid="intake-caller-number"
              inputMode="tel"
              autoComplete="off"
              value={draft.callerNumber}
              aria-invalid={issueFor("callerNumber") ? true : undefined}
              onChange={(event) => update({ callerNumber: event.target.value })}
            />
            {issueFor("callerNumber") ? <small className="field-error">{issueFor("callerNumber")}</small> : null}
          </label>
          <label className="field">
            <span>{t("intake.callerName")}</span>
            <input data-testid="intake-caller-name" autoComplete="off" value={draft.callerName} onChange={(event) => update({ callerName: event.target.value })} />
          </label>
        </div>
        <label className="field">
          <span>{t("intake.incidentType")}</span>
          <select
            data-testid="intake-type"
            value={draft.incidentType}
            aria-invalid={issueFor("incidentType") ? true : undefined}
            onChange={(event) => update({ incidentType: event.target.value as IntakeDraft["incidentType"] })}
          >
            <option value="">{t("intake.chooseType")}</option>
            <TranslatedOptions values={INCIDENT_TYPES} prefix="incidentType" />
          </select>
          {issueFor("incidentType") ? <small className="field-error">{t("intake.typeRequired")}</small> : null}
        </label>
        <div className="field address-field">
          <label htmlFor="intake-address">{t("intake.address")}</label>
          <input
            id="intake-address"
            data-testid="intake-address"
            autoComplete="off"
            role="combobox"
            aria-autocomplete="list"
            aria-expanded={suggestions.open}
            aria-controls={ADDRESS_OPTIONS_ID}
            aria-activedescendant={suggestions.open && suggestions.active >= 0 ? optionId(ADDRESS_OPTIONS_ID, suggestions.active) : undefined}
            value={draft.address}
            onChange={(event) => {
              update({ address: event.target.value });
              suggest({ type: "typed", text: event.target.value });
            }}
            onKeyDown={onAddressKeyDown}
            onBlur={() => suggest({ type: "close" })}
          />
          {noMatch(suggestions) && !position ? (
            <small className="hint" data-testid="address-no-match" role="status">
              {t("intake.addressNoMatch")}
            </small>
          ) : null}
          <ul id={ADDRESS_OPTIONS_ID} className="address-options" role="listbox" aria-label={t("intake.addressOptions")} data-testid="address-options" hidden={!suggestions.open}>
            {suggestions.open
              ? suggestions.options.map((option, index) => (
                  <li
                    key={`${option.address}|${option.lastSeenAt}`}
                    id={optionId(ADDRESS_OPTIONS_ID, index)}
                    role="option"
                    aria-selected={index === suggestions.active}
                    className="address-option"
                    data-testid="address-option"
                    // mousedown, not click: the field must keep focus (its blur closes the list before a click lands).
                    onMouseDown={(event) => {
                      event.preventDefault();
                      pickAddress(option);
                    }}
                  >
                    <span className="address-option-text">{option.address}</span>
                    <span className="hint">{seenText(option)}</span>
                  </li>
                ))
              : null}
          </ul>
        </div>
        <label className="field">
          <span>{t("intake.coordinates")}</span>
          <input
            data-testid="intake-coordinates"
            autoComplete="off"
            placeholder={`${mapCenter.lat.toFixed(5)}, ${mapCenter.lng.toFixed(5)}`}
            value={draft.coordinates}
            aria-invalid={issueFor("location") ? true : undefined}
            aria-describedby="coordinates-hint"
            onChange={(event) => update({ coordinates: event.target.value })}
          />
          <small id="coordinates-hint" className={issueFor("location") ? "field-error" : "hint"}>
            {issueFor("location") ? t("intake.locationRequired") : t("intake.coordinatesHint")}
          </small>
        </label>
        <label className="field">
          <span>{t("intake.description")}</span>
          <textarea data-testid="intake-description" rows={2} value={draft.description} onChange={(event) => update({ description: event.target.value })} />
        </label>

        <div className="duplicates" aria-live="polite" data-testid="duplicates">
          {checking && duplicates.length === 0 ? <p className="hint">{t("intake.checkingDuplicates")}</p> : null}
          {duplicates.slice(0, 3).map((candidate, index) => (
            <div key={candidate.incidentId} className={`duplicate duplicate-${candidate.level}`} data-testid="duplicate-candidate" data-incident-id={candidate.incidentId}>
              <span>
                <strong>{candidate.level === "strong" ? t("intake.duplicateStrong") : t("intake.duplicatePossible")}</strong>{" "}
                {t("intake.duplicateText", {
                  number: candidate.number,
                  distance: formatDistance(candidate.distanceM),
                  ago: formatDuration(Math.round(candidate.minutesApart) * 60, i18n.language),
                })}
                {candidate.reasons.length > 0 ? (
                  <span className="hint duplicate-reasons">
                    {" "}
                    ({candidate.reasons.map((reason) => t(`duplicateReason.${reason}`, { defaultValue: reason })).join(", ")})
                  </span>
                ) : null}
              </span>
              <button type="button" className="button" data-testid="duplicate-link" disabled={busy} onClick={() => void submit(candidate.incidentId)}>
                {t("intake.link")} <kbd>Alt+{index + 1}</kbd>
              </button>
            </div>
          ))}
        </div>

        <details className="transfer-fields" open={draft.source === "transfer"}>
          <summary>{t("intake.transferSection")}</summary>
          <label className="field inline-check">
            <input
              type="checkbox"
              data-testid="intake-is-transfer"
              checked={draft.source === "transfer"}
              onChange={(event) => update({ source: event.target.checked ? "transfer" : "phone" })}
            />
            <span>{t("intake.isTransfer")}</span>
          </label>
          {draft.source === "transfer" ? (
            <div className="field-row">
              <label className="field">
                <span>{t("intake.fromCenter")}</span>
                <input list="transfer-centers" data-testid="intake-from-center" value={draft.fromCenter} onChange={(event) => update({ fromCenter: event.target.value })} />
                <datalist id="transfer-centers">
                  {TRANSFER_CENTERS.map((center) => (
                    <option key={center} value={center} />
                  ))}
                </datalist>
              </label>
              <label className="field">
                <span>{t("intake.externalId")}</span>
                <input data-testid="intake-external-id" value={draft.externalId} onChange={(event) => update({ externalId: event.target.value })} />
              </label>
            </div>
          ) : null}
          <button type="button" className="button" onClick={() => setPasteOpen((open) => !open)} aria-expanded={pasteOpen}>
            {t("intake.pasteTransfer")}
          </button>
          {pasteOpen ? (
            <div className="paste-box">
              <label className="field">
                <span>{t("intake.transferJson")}</span>
                <textarea data-testid="transfer-json" rows={3} value={pasteText} onChange={(event) => setPasteText(event.target.value)} />
              </label>
              <button
                type="button"
                className="button"
                data-testid="transfer-apply"
                onClick={() => {
                  if (applyTransfer(pasteText)) {
                    setPasteOpen(false);
                    setPasteText("");
                  }
                }}
              >
                {t("intake.fillFromTransfer")}
              </button>
            </div>
          ) : null}
        </details>

        {issues.length > 0 && !issueFor("location") && !issueFor("incidentType") && !issueFor("callerNumber") ? (
          <ul className="field-error" role="alert">
            {issues.map((issue) => (
              <li key={`${issue.path}:${issue.message}`}>
                {issue.path}: {issue.message}
              </li>
            ))}
          </ul>
        ) : null}
        <ErrorText error={error} testId="intake-error" />
        <div className="actions">
          <button type="submit" className="button primary" data-testid="intake-submit" disabled={busy}>
            {draft.source === "transfer" ? t("intake.confirmTransfer") : t("intake.submit")} <kbd>Enter</kbd>
          </button>
          <button type="button" className="button" onClick={reset}>
            {t("intake.clear")}
          </button>
        </div>
        {result ? (
          <p className="intake-result" role="status" data-testid="intake-result" data-incident-id={result.answer.incident.id}>
            {result.linked
              ? t("intake.linked", { number: result.answer.incident.number })
              : t("intake.created", { number: result.answer.incident.number })}
            {result.answer.replayed ? ` · ${t("intake.replayed")}` : ""}
            {!result.linked && result.answer.duplicates.length > 0
              ? ` · ${t("intake.serverFlagged", { count: result.answer.duplicates.length })}`
              : ""}
          </p>
        ) : null}
      </form>
    </section>
  );
}
