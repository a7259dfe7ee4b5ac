// Admin: units (call sign, type, station, home) and accounts.
import { useEffect, useMemo, useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { describeIssues } from "../../lib/validation";
import { useStore } from "zustand";
import type { UserView } from "../../../../shared/api";
import { ROLES, UNIT_TYPES, type Role, type UnitType } from "../../../../shared/domain";
import { CreateUserBody, UnitUpsertBody } from "../../../../shared/schemas";
import { api } from "../../api/client";
import { unitStore } from "../../app/stores";
import { ErrorText } from "../../ui/ErrorText";
import { saveUnit } from "../incidents/incidentActions";

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
            {UNIT_TYPES.map((type) => (
              <option key={type} value={type}>
                {t(`unitType.${type}`)}
              </option>
            ))}
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

function AccountsAdmin() {
  const { t } = useTranslation();
  const [users, setUsers] = useState<UserView[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [form, setForm] = useState({ username: "", password: "", role: "dispatcher" as Role, unitId: "", displayName: "" });
  const [created, setCreated] = useState<string | null>(null);
  const reload = () => api.listUsers().then((result) => setUsers(result.users)).catch(setError);
  useEffect(() => void reload(), []);

  function submit(event: FormEvent) {
    event.preventDefault();
    const body = CreateUserBody.safeParse({
      username: form.username,
      password: form.password,
      role: form.role,
      ...(form.role === "crew" ? { unitId: form.unitId } : {}),
      ...(form.displayName.trim() ? { displayName: form.displayName } : {}),
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
    <section className="panel" aria-labelledby="admin-accounts">
      <h2 id="admin-accounts">{t("admin.accounts")}</h2>
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
          {users.map((user) => (
            <tr key={user.id}>
              <td>{user.username}</td>
              <td>{t(`role.${user.role}`)}</td>
              <td>{user.unitId ?? ""}</td>
              <td>{user.displayName ?? ""}</td>
              <td>
                <button
                  type="button"
                  className="button"
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
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <form className="admin-form" onSubmit={submit}>
        <h3>{t("admin.createAccount")}</h3>
        <label className="field">
          <span>{t("login.username")}</span>
          <input value={form.username} autoComplete="off" onChange={(e) => setForm({ ...form, username: e.target.value })} />
        </label>
        <label className="field">
          <span>{t("login.password")}</span>
          <input type="password" autoComplete="new-password" value={form.password} onChange={(e) => setForm({ ...form, password: e.target.value })} />
        </label>
        <label className="field">
          <span>{t("admin.role")}</span>
          <select value={form.role} onChange={(e) => setForm({ ...form, role: e.target.value as Role })}>
            {ROLES.map((role) => (
              <option key={role} value={role}>
                {t(`role.${role}`)}
              </option>
            ))}
          </select>
        </label>
        {form.role === "crew" ? (
          <label className="field">
            <span>{t("admin.unitId")}</span>
            <input value={form.unitId} onChange={(e) => setForm({ ...form, unitId: e.target.value })} />
          </label>
        ) : null}
        <label className="field">
          <span>{t("admin.displayName")}</span>
          <input value={form.displayName} onChange={(e) => setForm({ ...form, displayName: e.target.value })} />
        </label>
        <button type="submit" className="button primary">
          {t("admin.create")}
        </button>
        <ErrorText error={error} />
        {created ? <p role="status">{created}</p> : null}
      </form>
    </section>
  );
}

export function AdminPanel() {
  return (
    <main className="admin-grid" data-testid="admin-panel">
      <UnitsAdmin />
      <AccountsAdmin />
    </main>
  );
}
