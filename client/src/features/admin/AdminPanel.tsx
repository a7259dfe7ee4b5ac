// Admin: units (call sign, type, station, home) and accounts.
import { useEffect, useMemo, useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { describeIssues } from "../../lib/validation";
import { useStore } from "zustand";
import type { UserView } from "../../../../shared/api";
import { INCIDENT_TYPES, ROLES, UNIT_TYPES, type IncidentType, type Role, type UnitType } from "../../../../shared/domain";
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, passwordProblemKind } from "../../../../shared/passwordPolicy";
import { CreateUserBody, UnitUpsertBody, type RunCard } from "../../../../shared/schemas";
import { can } from "../../../../shared/policy";
import { api, authStore } from "../../api/client";
import { describePasswordRefusal, describePolicyProblem } from "../auth/passwordMessages";
import { unitStore } from "../../app/stores";
import { ErrorText } from "../../ui/ErrorText";
import { TranslatedOptions } from "../../ui/TranslatedOptions";
import { saveUnit } from "../incidents/incidentActions";
import { addLevel, gridOf, setCount, toRunCardBody, type RunCardGrid } from "./runCardGrid";

function UnitsAdmin() {
  const { t } = useTranslation();
  const units = useStore(unitStore, (state) => state.byId);
  const list = useMemo(() => Object.values(units).sort((a, b) => a.callSign.localeCompare(b.callSign)), [units]);
  const [form, setForm] = useState({ id: "", callSign: "", type: "engine" as UnitType, station: "", lat: "", lng: "" });
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState<string | null>(null);

  function submit(event: FormEvent) {
    event.preventDefault();
    const body = UnitUpsertBody.safeParse({
      callSign: form.callSign,
      type: form.type,
      station: form.station,
      home: { lat: Number(form.lat), lng: Number(form.lng) },
    });
    if (!body.success || !form.id.trim()) {
      setError(new Error(body.success ? t("admin.unitIdRequired") : describeIssues(body.error)));
      return;
    }
    saveUnit(form.id.trim(), body.data)
      .then((unit) => {
        setSaved(unit.callSign);
        setError(null);
      })
      .catch(setError);
  }

  return (
    <section className="panel" aria-labelledby="admin-units">
      <h2 id="admin-units">{t("admin.units")}</h2>
      <table className="unit-table">
        <thead>
          <tr>
            <th scope="col">{t("admin.unitId")}</th>
            <th scope="col">{t("units.callSign")}</th>
            <th scope="col">{t("units.type")}</th>
            <th scope="col">{t("units.station")}</th>
            <th scope="col">{t("admin.home")}</th>
            <th scope="col" />
          </tr>
        </thead>
        <tbody>
          {list.map((unit) => (
            <tr key={unit.id}>
              <td>{unit.id}</td>
              <td>{unit.callSign}</td>
              <td>{t(`unitType.${unit.type}`)}</td>
              <td>{unit.station}</td>
              <td>
                {unit.home.lat.toFixed(4)}, {unit.home.lng.toFixed(4)}
              </td>
              <td>
                <button
                  type="button"
                  className="button"
                  onClick={() =>
                    setForm({ id: unit.id, callSign: unit.callSign, type: unit.type, station: unit.station, lat: String(unit.home.lat), lng: String(unit.home.lng) })
                  }
                >
                  {t("admin.edit")}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <form className="admin-form" onSubmit={submit}>
        <h3>{t("admin.editUnit")}</h3>
        <label className="field">
          <span>{t("admin.unitId")}</span>
          <input value={form.id} onChange={(e) => setForm({ ...form, id: e.target.value })} />
        </label>
        <label className="field">
          <span>{t("units.callSign")}</span>
          <input value={form.callSign} onChange={(e) => setForm({ ...form, callSign: e.target.value })} />
        </label>
        <label className="field">
          <span>{t("units.type")}</span>
          <select value={form.type} onChange={(e) => setForm({ ...form, type: e.target.value as UnitType })}>
            <TranslatedOptions values={UNIT_TYPES} prefix="unitType" />
          </select>
        </label>
        <label className="field">
          <span>{t("units.station")}</span>
          <input value={form.station} onChange={(e) => setForm({ ...form, station: e.target.value })} />
        </label>
        <div className="field-row">
          <label className="field">
            <span>{t("admin.lat")}</span>
            <input inputMode="decimal" value={form.lat} onChange={(e) => setForm({ ...form, lat: e.target.value })} />
          </label>
          <label className="field">
            <span>{t("admin.lng")}</span>
            <input inputMode="decimal" value={form.lng} onChange={(e) => setForm({ ...form, lng: e.target.value })} />
          </label>
        </div>
        <button type="submit" className="button primary">
          {t("admin.save")}
        </button>
        <ErrorText error={error} />
        {saved ? <p role="status">{t("admin.saved", { name: saved })}</p> : null}
      </form>
    </section>
  );
}

/**
 * An admin sets another account's password (POST /users/:id/password): a row under the account's, one field. The
 * account's sessions end with it; the admin tells the person the new password.
 */
function ResetPasswordRow({ user, onDone, onCancel }: { user: UserView; onDone: (count: number) => void; onCancel: () => void }) {
  const { t } = useTranslation();
  const [password, setPassword] = useState("");
  // An integration account has no screen to choose its own; a person should choose theirs.
  const canAsk = user.role !== "integration";
  const [mustChange, setMustChange] = useState(canAsk);
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  function submit(event: FormEvent) {
    event.preventDefault();
    const kind = passwordProblemKind(password, user.username, () => false);
    if (kind) {
      setProblem(describePolicyProblem(t, kind));
      return;
    }
    setBusy(true);
    api
      .resetPassword(user.id, { newPassword: password, ...(canAsk && mustChange ? { mustChangePassword: true } : {}) })
      .then((result) => onDone(result.revokedSessions))
      .catch((error: unknown) => setProblem(describePasswordRefusal(t, error, password, user.username)))
      .finally(() => setBusy(false));
  }

  return (
    <tr data-testid="reset-password-row">
      <td colSpan={5}>
        <form className="reset-password-form" onSubmit={submit} noValidate>
          <label className="field">
            <span>{t("admin.resetPasswordFor", { name: user.username })}</span>
            <input
              type="password"
              autoComplete="new-password"
              maxLength={PASSWORD_MAX_LENGTH}
              value={password}
              autoFocus
              data-testid="reset-password-input"
              onChange={(event) => setPassword(event.target.value)}
            />
          </label>
          {canAsk ? (
            <label className="check">
              <input type="checkbox" checked={mustChange} data-testid="reset-password-must-change" onChange={(e) => setMustChange(e.target.checked)} />
              <span>{t("admin.mustChangePassword")}</span>
            </label>
          ) : null}
          <button type="submit" className="button primary" disabled={busy} data-testid="reset-password-submit">
            {t("admin.resetPasswordSubmit")}
          </button>
          <button type="button" className="button" onClick={onCancel}>
            {t("common.cancel")}
          </button>
          {problem ? (
            <p className="error-text" role="alert" data-testid="reset-password-problem">
              {problem}
            </p>
          ) : null}
        </form>
      </td>
    </tr>
  );
}

/** Accounts: admins create them, set their passwords and end sessions; supervisors (`canCreate` false) only end sessions. */
function AccountsAdmin({ canCreate }: { canCreate: boolean }) {
  const { t } = useTranslation();
  const units = useStore(unitStore, (state) => state.byId);
  const unitOptions = useMemo(() => Object.values(units).sort((a, b) => a.callSign.localeCompare(b.callSign, undefined, { numeric: true })), [units]);
  const [users, setUsers] = useState<UserView[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [form, setForm] = useState({ username: "", password: "", role: "dispatcher" as Role, unitId: "", displayName: "", mustChange: true });
  const [created, setCreated] = useState<string | null>(null);
  const [resetting, setResetting] = useState<string | null>(null);
  const [resetDone, setResetDone] = useState<string | null>(null);
  const me = useStore(authStore, (state) => state.session?.user);
  const mayReset = (user: UserView) => me !== undefined && can.resetPasswordOf({ role: me.role, userId: me.id }, user);
  const reload = () => api.listUsers().then((result) => setUsers(result.users)).catch(setError);
  useEffect(() => void reload(), []);

  function submit(event: FormEvent) {
    event.preventDefault();
    // Said in words here: the schema's own message for an empty unit is not for people.
    if (form.role === "crew" && form.unitId === "") {
      setError(new Error(t("admin.crewUnitRequired")));
      return;
    }
    const body = CreateUserBody.safeParse({
      username: form.username,
      password: form.password,
      role: form.role,
      ...(form.role === "crew" ? { unitId: form.unitId } : {}),
      ...(form.displayName.trim() ? { displayName: form.displayName } : {}),
      ...(form.mustChange && form.role !== "integration" ? { mustChangePassword: true } : {}),
    });
    if (!body.success) {
      setError(new Error(describeIssues(body.error)));
      return;
    }
    api
      .createUser(body.data)
      .then((user) => {
        setCreated(t("admin.created", { name: user.username }));
        setError(null);
        setForm({ ...form, username: "", password: "" });
        void reload();
      })
      .catch(setError);
  }

  return (
    <section className="panel" aria-labelledby="admin-accounts" data-testid="accounts">
      <h2 id="admin-accounts">{t(canCreate ? "admin.accounts" : "admin.sessions")}</h2>
      <table className="unit-table">
        <thead>
          <tr>
            <th scope="col">{t("login.username")}</th>
            <th scope="col">{t("admin.role")}</th>
            <th scope="col">{t("admin.unitId")}</th>
            <th scope="col">{t("admin.displayName")}</th>
            <th scope="col">
              <span className="visually-hidden">{t("admin.revoke")}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {users.map((user) => [
            <tr key={user.id} data-testid="account-row" data-username={user.username}>
              <td>{user.username}</td>
              <td>{t(`role.${user.role}`)}</td>
              <td>{user.unitId ?? ""}</td>
              <td>{user.displayName ?? ""}</td>
              <td>
                <div className="account-actions">
                  <button
                    type="button"
                    className="button"
                    data-testid="revoke"
                    title={t("admin.revokeHint")}
                    onClick={() => {
                      if (!window.confirm(t("admin.revokeConfirm", { name: user.username }))) return;
                      api
                        .revoke(user.id)
                        .then((result) => setCreated(t("admin.revoked", { name: user.username, count: result.revoked })))
                        .catch(setError);
                    }}
                  >
                    {t("admin.revoke")}
                  </button>
                  {mayReset(user) ? (
                    <button
                      type="button"
                      className="button"
                      data-testid="reset-password"
                      title={t("admin.resetPasswordHint")}
                      aria-expanded={resetting === user.id}
                      onClick={() => {
                        setResetDone(null);
                        setResetting(resetting === user.id ? null : user.id);
                      }}
                    >
                      {t("admin.resetPassword")}
                    </button>
                  ) : null}
                </div>
              </td>
            </tr>,
            resetting === user.id ? (
              <ResetPasswordRow
                key={`${user.id}-reset`}
                user={user}
                onCancel={() => setResetting(null)}
                onDone={(count) => {
                  setResetting(null);
                  setResetDone(t("admin.passwordReset", { name: user.username, count }));
                }}
              />
            ) : null,
          ])}
        </tbody>
      </table>
      {resetDone ? (
        <p role="status" data-testid="reset-password-done">
          {resetDone}
        </p>
      ) : null}
      {canCreate ? null : <ErrorText error={error} />}
      {!canCreate && created ? <p role="status" data-testid="accounts-status">{created}</p> : null}
      {canCreate ? (
        <form className="admin-form" onSubmit={submit} data-testid="create-account">
          <h3>{t("admin.createAccount")}</h3>
          <label className="field">
            <span>{t("login.username")}</span>
            <input value={form.username} autoComplete="off" onChange={(e) => setForm({ ...form, username: e.target.value })} />
          </label>
          <label className="field">
            <span>{t("login.password")}</span>
            <input
              type="password"
              autoComplete="new-password"
              minLength={PASSWORD_MIN_LENGTH}
              maxLength={PASSWORD_MAX_LENGTH}
              value={form.password}
              onChange={(e) => setForm({ ...form, password: e.target.value })}
            />
          </label>
          <label className="field">
            <span>{t("admin.role")}</span>
            <select value={form.role} onChange={(e) => setForm({ ...form, role: e.target.value as Role })}>
              <TranslatedOptions values={ROLES} prefix="role" />
            </select>
          </label>
          {form.role === "crew" ? (
            <label className="field">
              <span>{t("admin.unitId")}</span>
              <select data-testid="account-unit" value={form.unitId} onChange={(e) => setForm({ ...form, unitId: e.target.value })}>
                <option value="">{t("admin.chooseUnit")}</option>
                {unitOptions.map((unit) => (
                  <option key={unit.id} value={unit.id}>
                    {unit.callSign} · {unit.station}
                  </option>
                ))}
              </select>
            </label>
          ) : null}
          <label className="field">
            <span>{t("admin.displayName")}</span>
            <input value={form.displayName} onChange={(e) => setForm({ ...form, displayName: e.target.value })} />
          </label>
          {form.role !== "integration" ? (
            <label className="check">
              <input type="checkbox" checked={form.mustChange} data-testid="account-must-change" onChange={(e) => setForm({ ...form, mustChange: e.target.checked })} />
              <span>{t("admin.mustChangePassword")}</span>
            </label>
          ) : null}
          <button type="submit" className="button primary" data-testid="create-account-submit">
            {t("admin.create")}
          </button>
          <ErrorText error={error} testId="create-account-error" />
          {created ? <p role="status">{created}</p> : null}
        </form>
      ) : null}
    </section>
  );
}

/** Run cards: which units each incident type gets, per alarm level. Recommendations fill these. */
function RunCardsAdmin() {
  const { t } = useTranslation();
  const [cards, setCards] = useState<RunCard[]>([]);
  const [type, setType] = useState<IncidentType>("structure_fire");
  const [grid, setGrid] = useState<RunCardGrid>([]);
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState<string | null>(null);
  useEffect(() => {
    api
      .runCards()
      .then((answer) => setCards(answer.runCards))
      .catch(setError);
  }, []);
  useEffect(() => {
    const card = cards.find((entry) => entry.incidentType === type);
    if (card) setGrid(gridOf(card));
  }, [cards, type]);
  useEffect(() => {
    // A message about another card does not stay under this one (a save keeps its own message).
    setSaved(null);
    setError(null);
  }, [type]);

  function save() {
    const result = toRunCardBody(grid);
    if (!result.ok) {
      setError(new Error(t("admin.runCardEmptyLevel", { levels: result.emptyLevels.join(", ") })));
      return;
    }
    api
      .saveRunCard(type, result.body)
      .then((card) => {
        setCards((current) => current.map((entry) => (entry.incidentType === type ? card : entry)));
        setSaved(t("admin.runCardSaved", { type: t(`incidentType.${type}`) }));
        setError(null);
      })
      .catch(setError);
  }

  return (
    <section className="panel run-cards" aria-labelledby="admin-run-cards" data-testid="run-card-editor">
      <h2 id="admin-run-cards">{t("admin.runCards")}</h2>
      <label className="field run-card-type">
        <span>{t("intake.incidentType")}</span>
        <select data-testid="run-card-type" value={type} onChange={(event) => setType(event.target.value as IncidentType)}>
          <TranslatedOptions values={INCIDENT_TYPES} prefix="incidentType" />
        </select>
      </label>
      <table className="unit-table run-card-grid">
        <thead>
          <tr>
            <th scope="col">{t("units.type")}</th>
            {grid.map((_, index) => (
              <th key={index} scope="col">
                {t("dispatch.alarmLevel", { level: index + 1 })}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {UNIT_TYPES.map((unitType) => (
            <tr key={unitType}>
              <th scope="row">{t(`unitType.${unitType}`)}</th>
              {grid.map((counts, index) => (
                <td key={index}>
                  <input
                    type="number"
                    min={0}
                    max={20}
                    inputMode="numeric"
                    aria-label={`${t(`unitType.${unitType}`)} · ${t("dispatch.alarmLevel", { level: index + 1 })}`}
                    data-testid={`run-card-${index + 1}-${unitType}`}
                    value={counts[unitType]}
                    onChange={(event) => setGrid(setCount(grid, index + 1, unitType, Number(event.target.value)))}
                  />
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      <div className="actions">
        <button type="button" className="button" data-testid="run-card-add-level" disabled={grid.length >= 5} onClick={() => setGrid(addLevel(grid))}>
          {t("admin.addAlarmLevel", { level: grid.length + 1 })}
        </button>
        <button type="button" className="button" disabled={grid.length <= 1} onClick={() => setGrid(grid.slice(0, -1))}>
          {t("admin.removeAlarmLevel", { level: grid.length })}
        </button>
        <button type="button" className="button primary" data-testid="run-card-save" onClick={save}>
          {t("admin.saveRunCard")}
        </button>
      </div>
      <ErrorText error={error} />
      {saved ? (
        <p role="status" data-testid="run-card-saved">
          {saved}
        </p>
      ) : null}
    </section>
  );
}

export function AdminPanel() {
  return (
    <main className="admin-grid" data-testid="admin-panel">
      <UnitsAdmin />
      <AccountsAdmin canCreate />
      <RunCardsAdmin />
    </main>
  );
}

/** A supervisor's view: every account, with "End sessions" (shift change, lost tablet). */
export function SessionsPanel() {
  return (
    <main className="admin-grid" data-testid="sessions-panel">
      <AccountsAdmin canCreate={false} />
    </main>
  );
}
