// A small RFC 4180 reader: the DataSF export quotes fields that hold commas ("(37.7, -122.4)"), and a quoted
// field may hold doubled quotes or line breaks. Reads the whole text at once: the files we replay are a few MB.

export class CsvError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(`line ${line}: ${message}`);
  }
}

/**
 * Splits CSV text into records of fields. Accepts CRLF, LF or a lone CR between records, a UTF-8 byte-order
 * mark, and a missing final line break. A quote inside an unquoted field is kept as text (lenient, as most
 * exporters are); an unterminated quoted field or text after a closing quote is an error with its line.
 */
export function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let line = 1;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const fieldEnd = /[,\r\n]/g;

  while (i < text.length) {
    let field: string;
    if (text[i] === '"') {
      // A quoted field: read to the closing quote, unescaping "" as one quote.
      const startLine = line;
      let value = "";
      let from = i + 1;
      for (;;) {
        const quote = text.indexOf('"', from);
        if (quote === -1) throw new CsvError("quoted field is not closed", startLine);
        value += text.slice(from, quote);
        if (text[quote + 1] === '"') {
          value += '"';
          from = quote + 2;
          continue;
        }
        i = quote + 1;
        break;
      }
      line += countLineBreaks(value);
      const next = text[i];
      if (next !== undefined && next !== "," && next !== "\r" && next !== "\n") {
        throw new CsvError(`unexpected ${JSON.stringify(next)} after a closing quote`, line);
      }
      field = value;
    } else {
      // Unquoted: up to the next comma or line break. A stray quote inside is kept as text.
      fieldEnd.lastIndex = i;
      const match = fieldEnd.exec(text);
      const end = match ? match.index : text.length;
      field = text.slice(i, end);
      i = end;
    }
    record.push(field);
    const separator = text[i];
    if (separator === ",") {
      i++;
      // A comma at the very end of the text still ends a (last, empty) field.
      if (i === text.length) record.push("");
      continue;
    }
    // End of record: CRLF, LF, a lone CR, or the end of the text (a missing final line break).
    records.push(record);
    record = [];
    if (separator === "\r" && text[i + 1] === "\n") i += 2;
    else if (separator !== undefined) i++;
    line++;
  }
  if (record.length > 0) records.push(record);
  return records;
}

function countLineBreaks(value: string): number {
  let count = 0;
  for (let i = 0; i < value.length; i++) {
    const ch = value[i];
    if (ch === "\n" || (ch === "\r" && value[i + 1] !== "\n")) count++;
  }
  return count;
}

/** Records as objects keyed by the header row; a record with a different field count is reported, not guessed. */
export interface CsvTable {
  header: string[];
  /** `record` is the 1-based record number (the header is record 1), which is the line number unless a quoted
   * field spans lines. */
  rows: { record: number; values: Record<string, string> }[];
  /** Records whose field count differs from the header, by their 1-based record number (header = 1). */
  malformed: { record: number; fields: number }[];
}

export function readCsvTable(text: string): CsvTable {
  const records = parseCsv(text);
  const header = (records[0] ?? []).map((name) => name.trim());
  const rows: CsvTable["rows"] = [];
  const malformed: CsvTable["malformed"] = [];
  for (let r = 1; r < records.length; r++) {
    const record = records[r] ?? [];
    // A blank line is not a record worth reporting.
    if (record.length === 1 && record[0] === "") continue;
    if (record.length !== header.length) {
      malformed.push({ record: r + 1, fields: record.length });
      continue;
    }
    const values: Record<string, string> = {};
    header.forEach((name, index) => {
      values[name] = record[index] ?? "";
    });
    rows.push({ record: r + 1, values });
  }
  return { header, rows, malformed };
}
