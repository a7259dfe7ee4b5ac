import { useTranslation } from "react-i18next";

/** One `<option>` for each value of a closed list, labelled with its translation `<prefix>.<value>`. */
export function TranslatedOptions({ values, prefix }: { values: readonly string[]; prefix: string }) {
  const { t } = useTranslation();
  return (
    <>
      {values.map((value) => (
        <option key={value} value={value}>
          {t(`${prefix}.${value}`)}
        </option>
      ))}
    </>
  );
}
